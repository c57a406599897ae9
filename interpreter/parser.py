"""Parse script lines into statements, fast.

Each distinct line is parsed once: the result is cached, so a fuzzer that
replays mostly-unchanged inputs pays a dictionary lookup per line.  Lines
made of a name and ints only (most of a fuzzing corpus) take a
``str.split`` fast path that gives exactly what the Lark grammar would
(checked by a property test); everything else goes through Lark.
"""

from __future__ import annotations

import enum
import re
import typing
from dataclasses import dataclass

from lark import Lark
from lark.exceptions import LarkError

from apifuzz.interpreter.grammar import build_parser
from apifuzz.interpreter.literals import LiteralError, Name, parse_int
from apifuzz.language import COMMENT_MARK, FACTORY_MARK, Language
from apifuzz.language.aliases import KEYWORDS
from apifuzz.model.registry import MethodSpec

#: Longer lines are skipped unparsed: no real call needs them, and they would
#: make one mutated input cost as much as thousands of ordinary ones.
MAX_LINE = 4096
#: Deeper brackets are skipped: no parameter type nests this deep.
MAX_DEPTH = 32
#: The cache is cleared when it reaches this many lines, or this many characters
#: of lines (bounded memory: 65,536 lines of up to MAX_LINE characters alone would
#: be 256 MB; a line's parse takes a few times its length).
CACHE_SIZE = 1 << 16
CACHE_CHARS = 1 << 22


class SkipReason(enum.Enum):
    """Why a statement was not executed."""

    PARSE_ERROR = "parse error"
    UNKNOWN_METHOD = "unknown method"
    BAD_ARGS = "bad arity or type"
    NO_LIVE_REF = "no live ref"
    MISPLACED_FACTORY = "factory statement not first"
    PRECONDITION = "precondition false"


@dataclass(slots=True)
class Call:
    """A parsed call: the method and its literal arguments (refs still unmapped).

    ``bound`` is filled in by the interpreter for calls whose arguments convert
    to the same immutable values every time, so a cached line skips binding.
    """

    method: MethodSpec
    args: tuple[object, ...]
    bound: object = None


@dataclass(frozen=True, slots=True)
class Factory:
    """A parsed ``! ...`` statement: literal arguments for the model's factory."""

    args: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A line that is not a statement, and why."""

    reason: SkipReason
    detail: str


Parsed = Call | Factory | Unparsed | None  # None: blank or comment-only line

_FAST = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)((?:[ \t]+[+-]?[0-9]+)*)[ \t]*")
# The second fast path: ints, bare words (enum members, true/false/none) and strings
# without escapes, flat (no brackets).  Anything else goes to Lark.
_FAST_TOKEN = r'(?:[+-]?[0-9]+|[A-Za-z_][A-Za-z0-9_]*|"[^"\\\n]*")'
_FAST_WORDS = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)((?:[ \t]+" + _FAST_TOKEN + r")*)[ \t]*")
_TOKENS = re.compile(_FAST_TOKEN)
_WORDS = {"true": True, "false": False, "none": None}
_LEADING_WORD = re.compile(r"[ \t\r\f\v,]*([A-Za-z_][A-Za-z0-9_.]*)")
_STRINGS = re.compile(r'b?"(?:[^"\\\n]|\\.)*"')


def _too_deep(line: str) -> bool:
    if line.count("[") <= MAX_DEPTH:
        return False
    depth = 0
    for ch in _STRINGS.sub("", line):
        if ch == "[":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch == "]":
            depth -= 1
    return False


class LineParser:
    """Parses single lines of one language, with a bounded cache."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._lookup = language.lookup
        self._lark: Lark | None = None
        self._cache: dict[str, Parsed] = {}
        self._cached_chars = 0
        self.lark_parses = 0  # how many lines needed Lark (for profiling and tests)

    @property
    def lark(self) -> Lark:
        """The Lark parser, built on first use."""
        if self._lark is None:
            self._lark = build_parser(self.language)
        return self._lark

    def parse(self, line: str) -> Parsed:
        """Parse one line (without its newline); never raises."""
        cached = self._cache.get(line, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result = self._parse(line)
        if len(line) > MAX_LINE:
            return result  # refused unparsed, cheaply: not worth evicting the cache for
        if len(self._cache) >= CACHE_SIZE or self._cached_chars + len(line) > CACHE_CHARS:
            self._cache.clear()
            self._cached_chars = 0
        self._cache[line] = result
        self._cached_chars += len(line)
        return result

    def _parse(self, line: str) -> Parsed:
        if len(line) > MAX_LINE:
            return Unparsed(SkipReason.PARSE_ERROR, f"line longer than {MAX_LINE} characters")
        fast = _FAST.fullmatch(line) or _FAST_WORDS.fullmatch(line)
        if fast is not None and "inf" not in line and "nan" not in line:
            method = self._lookup.get(fast.group(1))
            if method is None:
                return self._unknown(fast.group(1))
            try:
                return Call(method, tuple(_literal(t) for t in _TOKENS.findall(fast.group(2))))
            except LiteralError as exc:
                return Unparsed(SkipReason.PARSE_ERROR, str(exc))
        return self.parse_slow(line)

    def parse_slow(self, line: str) -> Parsed:
        """Parse with Lark only (the reference the fast path must agree with)."""
        if len(line) > MAX_LINE:
            return Unparsed(SkipReason.PARSE_ERROR, f"line longer than {MAX_LINE} characters")
        if _too_deep(line):
            return Unparsed(SkipReason.PARSE_ERROR, f"brackets nested deeper than {MAX_DEPTH}")
        self.lark_parses += 1
        try:
            tree = self.lark.parse(line)
        except LarkError as exc:
            word = _LEADING_WORD.match(line)
            if word is not None and word.group(1) not in self._lookup:
                return self._unknown(word.group(1))
            inner = getattr(exc, "orig_exc", None)
            if isinstance(inner, LiteralError):
                return Unparsed(SkipReason.PARSE_ERROR, str(inner))
            return Unparsed(SkipReason.PARSE_ERROR, _describe(exc, line))
        except (ValueError, OverflowError, RecursionError) as exc:
            return Unparsed(SkipReason.PARSE_ERROR, str(exc))
        if tree is None:
            return None
        kind, method_word, values = typing.cast(tuple[str, str, tuple[object, ...]], tree)
        if kind == "factory":
            return Factory(values)
        return Call(self._lookup[method_word], values)

    def _unknown(self, word: str) -> Unparsed:
        if word in KEYWORDS:
            return Unparsed(SkipReason.PARSE_ERROR, f"a statement can't start with {word!r}")
        return Unparsed(SkipReason.UNKNOWN_METHOD, f"no method or alias {word[:40]!r}")


_MISSING = object()


def _literal(token: str) -> object:
    """A token of the fast path, exactly as the grammar would read it."""
    first = token[0]
    if first == '"':
        return token[1:-1]
    if first.isdigit() or first in "+-":
        return parse_int(token)
    if token in _WORDS:
        return _WORDS[token]
    return Name(token)


def _describe(exc: LarkError, line: str) -> str:
    """One line: what was unexpected and where (column), without Lark's long listing."""
    column = getattr(exc, "column", None)
    if isinstance(column, int) and column > 0:
        near = line[column - 1 : column + 9]
        return f"unexpected {near!r} at column {column}"
    return "cannot parse"


def is_blank(line: str) -> bool:
    """Blank or comment-only (what the grammar ignores)."""
    stripped = line.strip(" \t\r\f\v,")
    return not stripped or stripped.startswith(COMMENT_MARK)


__all__ = [
    "FACTORY_MARK",
    "Call",
    "Factory",
    "LineParser",
    "Parsed",
    "SkipReason",
    "Unparsed",
    "is_blank",
]
