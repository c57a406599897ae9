"""apifuzz: coverage-guided fuzzing of an application's model API.

Decorate the model's methods with :func:`api`, list live object ids with
:func:`ids`, declare consistency checks with :func:`invariant`, and wrap the
class in a :class:`Target`.  :class:`Range`, :class:`OneOf` and :class:`Text`
give a parameter its domain (``Annotated[int, Range(0, 100)]``), :class:`Codec`
writes an argument no literal is (a library's own objects), and
:func:`precondition` says when a call makes sense.  :func:`feedback` and :func:`maximize` tell the
fuzzer about states that matter.  See the README for the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apifuzz.errors import ApifuzzError, InvalidDefinition, LanguageError, UsageError
    from apifuzz.model.codecs import Codec
    from apifuzz.model.decorators import Ref, api, ids, invariant
    from apifuzz.model.domains import OneOf, Range, Text
    from apifuzz.model.feedback import feedback, maximize
    from apifuzz.model.preconditions import precondition
    from apifuzz.model.registry import Registration
    from apifuzz.model.target import Target

# Where each public name lives.  They are imported on first use: the command line
# imports ``apifuzz.cli``, which would otherwise pay for the decorators (wrapt
# alone imports asyncio and importlib.metadata, ~80 ms) before it even parses
# its arguments.  A model's ``from apifuzz import api`` loads them as before.
_HOMES = {
    "ApifuzzError": "apifuzz.errors",
    "InvalidDefinition": "apifuzz.errors",
    "LanguageError": "apifuzz.errors",
    "UsageError": "apifuzz.errors",
    "Codec": "apifuzz.model.codecs",
    "Ref": "apifuzz.model.decorators",
    "api": "apifuzz.model.decorators",
    "ids": "apifuzz.model.decorators",
    "invariant": "apifuzz.model.decorators",
    "OneOf": "apifuzz.model.domains",
    "Range": "apifuzz.model.domains",
    "Text": "apifuzz.model.domains",
    "feedback": "apifuzz.model.feedback",
    "maximize": "apifuzz.model.feedback",
    "precondition": "apifuzz.model.preconditions",
    "Registration": "apifuzz.model.registry",
    "Target": "apifuzz.model.target",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'apifuzz' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


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
