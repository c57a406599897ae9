"""Tracing, tests to scripts: the guard on every ``@api`` method, the wrappers of an
externally registered class (:mod:`.patch`), the recorder, the session.

Installed as ``apifuzz.tracing``.  Import the submodules directly
(``apifuzz.tracing.recorder``); this package stays empty so that the
decorators can import the guard without pulling in the recorder.  Scripts to
tests (the regression-test writer) is :mod:`apifuzz.testgen`.
"""
