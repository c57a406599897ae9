"""The script language of a target: stable aliases, method lookup, libFuzzer dictionary.

Built from the registry (:mod:`apifuzz.model`) and the alias lock; the grammar
that parses scripts lives with the interpreter.
"""

from apifuzz.language.language import COMMENT_MARK, FACTORY_MARK, LOCK_NAME, Language
from apifuzz.language.loaded import LoadedTarget, as_loaded, spec_of

__all__ = [
    "COMMENT_MARK",
    "FACTORY_MARK",
    "LOCK_NAME",
    "Language",
    "LoadedTarget",
    "as_loaded",
    "spec_of",
]
