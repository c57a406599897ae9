"""Tracing: the guard on every ``@api`` method, the recorder, and the pytest session tracer.

Installed as ``apifuzz.tracing``.  Import the submodules directly
(``apifuzz.tracing.recorder``); this package stays empty so that the
decorators can import the guard without pulling in the recorder.
"""
