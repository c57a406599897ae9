"""apifuzz: coverage-guided fuzzing of an application's model API.

Decorate the model's methods with :func:`api`, list live object ids with
:func:`ids`, declare consistency checks with :func:`invariant`, and wrap the
class in a :class:`Target`.  :class:`Range`, :class:`OneOf` and :class:`Text`
give a parameter its domain (``Annotated[int, Range(0, 100)]``), :class:`Codec`
writes an argument no literal is (a library's own objects), and
:func:`precondition` says when a call makes sense.  :func:`feedback` and :func:`maximize` tell the
fuzzer about states that matter.  See the README for the command line.
"""

from apifuzz.errors import ApifuzzError, InvalidDefinition, LanguageError, UsageError
from apifuzz.model.codecs import Codec
from apifuzz.model.decorators import Ref, api, ids, invariant
from apifuzz.model.domains import OneOf, Range, Text
from apifuzz.model.feedback import feedback, maximize
from apifuzz.model.preconditions import precondition
from apifuzz.model.registry import Registration
from apifuzz.model.target import Target

__all__ = [
    "ApifuzzError",
    "Codec",
    "InvalidDefinition",
    "LanguageError",
    "OneOf",
    "Range",
    "Ref",
    "Registration",
    "Target",
    "Text",
    "UsageError",
    "api",
    "feedback",
    "ids",
    "invariant",
    "maximize",
    "precondition",
]

__version__ = "0.1.0"
