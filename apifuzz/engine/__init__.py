"""The fuzz engine: atheris workers, structure-aware mutation, crash triage, the run loop."""

#: Seconds a script may run before it is a timeout bug, unless told otherwise.
DEFAULT_TIMEOUT = 5.0

#: A fuzzing worker checks the invariants after every Nth call (no query) and after the
#: last; a failure is run again with checks after every call (Interpreter.check_every).
CHECK_EVERY = 4
