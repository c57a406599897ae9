"""apifuzz: coverage-guided fuzzing of an application's model API.

Decorate the model's methods with :func:`api`, list live object ids with
:func:`ids`, declare consistency checks with :func:`invariant`, and wrap the
class in a :class:`Target`.  :func:`feedback` and :func:`maximize` tell the
fuzzer about states that matter.  See the README for the command line.
"""

from apifuzz.errors import ApifuzzError, InvalidDefinition, LanguageError, UsageError
from apifuzz.model.decorators import Ref, api, ids, invariant
from apifuzz.model.feedback import feedback, maximize
from apifuzz.model.registry import Registration
from apifuzz.model.target import Target

__all__ = [
    "ApifuzzError",
    "InvalidDefinition",
    "LanguageError",
    "Ref",
    "Registration",
    "Target",
    "UsageError",
    "api",
    "feedback",
    "ids",
    "invariant",
    "maximize",
]

__version__ = "0.1.0"
