"""The model-facing contract: decorators, parameter types, the registry and the Target.

What a user writes on a model (``@api``, ``@ids``, ``@invariant``, ``Ref``),
what apifuzz reads from it (:mod:`~apifuzz.model.registry`,
:mod:`~apifuzz.model.params`), the :class:`~apifuzz.model.target.Target` that
wraps it, and :mod:`~apifuzz.model.loader`, which finds a Target from a
command-line spec.  The lowest layer: it imports nothing of apifuzz but the
errors and the tracing guard.
"""
