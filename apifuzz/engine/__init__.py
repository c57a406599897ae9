"""The fuzz engine: atheris workers, structure-aware mutation, crash triage, the run loop."""

#: Seconds a script may run before it is a timeout bug, unless told otherwise.
DEFAULT_TIMEOUT = 5.0
