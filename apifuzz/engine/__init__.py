"""The fuzz engine: atheris workers, structure-aware mutation, crash triage, the run loop."""
