"""Statements of a script as calls of one language: parse, render, order, vary.

What :mod:`apifuzz.engine.normalize` needs to move through the scripts of
one language: the total order its normal forms minimize (fewer statements,
then methods in registry order, then shorter literals), the smaller calls a
statement may become, and object ids renamed or shifted.  Object ids are
``Ref`` literals, also inside lists, sets and tuples; a set's members are
written sorted, once each, so that equal sets read the same.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator
from typing import assert_never

from apifuzz.interpreter.literals import format_literal
from apifuzz.interpreter.parser import Call, Factory, LineParser, is_blank
from apifuzz.language import Language
from apifuzz.model.params import (
    BoolType,
    BytesType,
    EnumType,
    FloatType,
    IntType,
    ListType,
    OptionalType,
    ParamType,
    RefType,
    SetType,
    StrType,
    TupleType,
    VarTupleType,
)
from apifuzz.model.registry import MethodSpec

Script = tuple[str, ...]
Arg = tuple[ParamType, str]  # a parameter's type and the literal given for it

#: One-character values tried in place of a string or bytes argument, smallest first.
SHORT_STRINGS = frozenset({'" "', '"0"', '"a"', '"b"'})
SHORT_BYTES = frozenset({'b" "', 'b"0"', 'b"a"'})
#: The values distinct strings (bytes) are renamed to, in order of first use.
SYMBOLS = ('" "', '"0"', '"a"', '"b"', '"c"', '"d"')
BYTE_SYMBOLS = ('b" "', 'b"0"', 'b"a"', 'b"b"')


def smallest(ptype: ParamType) -> str:
    """The smallest literal of a type: 0, false, "", the first enum member, none, []."""
    match ptype:
        case RefType() | IntType():
            return "0"
        case BoolType():
            return "false"
        case FloatType():
            return "0.0"
        case StrType():
            return '""'
        case BytesType():
            return 'b""'
        case EnumType():
            return ptype.members()[0].name
        case OptionalType():
            return "none"
        case ListType() | SetType() | VarTupleType() | TupleType():
            return "[]"
        case _:
            assert_never(ptype)


def _usable(ptype: ParamType) -> str:
    """The smallest literal, but a one-character string (bytes) for a string (bytes)."""
    if isinstance(ptype, StrType):
        return SYMBOLS[0]
    if isinstance(ptype, BytesType):
        return BYTE_SYMBOLS[0]
    return smallest(ptype)


def statements(script: str) -> Script:
    """The statements of a script: no blank or comment-only lines."""
    return tuple(line.strip() for line in script.split("\n") if not is_blank(line))


def _literal_key(text: str) -> tuple[int, str]:
    return (len(text), text)


class Calls:
    """Statements as calls of one language: parse, render, order and propose replacements."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.parser = LineParser(language)
        self.rank = {m.name: k for k, m in enumerate(language.methods)}
        self.methods = language.methods
        self.parse = functools.lru_cache(maxsize=4096)(self._parse)

    def _parse(self, line: str) -> tuple[MethodSpec, tuple[Arg, ...]] | None:
        parsed = self.parser.parse(line)
        if not isinstance(parsed, Call) or len(parsed.args) > len(parsed.method.params):
            return None
        params = parsed.method.params
        return parsed.method, tuple(
            (p.type, _literal(p.type, a)) for p, a in zip(params, parsed.args, strict=False)
        )

    def method(self, line: str) -> str | None:
        """The method a statement calls (None: not a call)."""
        parsed = self.parse(line)
        return parsed[0].name if parsed else None

    def render(self, method: MethodSpec, literals: Iterator[str] | tuple[str, ...]) -> str:
        """``alias arg arg``."""
        return " ".join([self.language.aliases[method.name], *literals])

    def canonical(self, line: str) -> str:
        """The statement written with its alias and canonical literals."""
        parsed = self.parse(line)
        return self.render(parsed[0], tuple(a for _, a in parsed[1])) if parsed else line

    def order(
        self, script: Script
    ) -> tuple[int, tuple[tuple[int, tuple[tuple[int, str], ...]], ...]]:
        """The order of scripts: fewer statements first, then statement by statement."""
        return (len(script), tuple(self.key(line) for line in script))

    def key(self, line: str) -> tuple[int, tuple[tuple[int, str], ...]]:
        """The order of statements: method rank, then the literals, shorter first."""
        parsed = self.parse(line)
        if parsed is None:  # a factory line or an unparsable one: before every call
            return (-1, (_literal_key(line),))
        return (self.rank[parsed[0].name], tuple(_literal_key(a) for _, a in parsed[1]))

    def replacements(self, line: str) -> list[str]:
        """Calls of every method, sorted: arguments taken from ``line`` where the types
        match (so a replacement touches the same objects), else the smallest values, or
        for a string the smallest one a model that refuses the empty one takes."""
        parsed = self.parse(line)
        pool = parsed[1] if parsed else ()
        found = set()
        for method in self.methods:
            params = method.params[: method.required_count]
            used: set[int] = set()
            taken: list[str | None] = []
            for param in params:
                k = next(
                    (k for k, (t, _) in enumerate(pool) if t == param.type and k not in used),
                    None,
                )
                if k is not None:
                    used.add(k)
                taken.append(pool[k][1] if k is not None else None)
            for fill in (smallest, _usable):
                aligned = (
                    t if t is not None else fill(p.type) for t, p in zip(taken, params, strict=True)
                )
                found.add(self.render(method, tuple(aligned)))
            found.add(self.render(method, tuple(smallest(p.type) for p in params)))
        return sorted(found, key=self.key)

    def freshened(self, line: str, used: set[str]) -> str | None:
        """``line`` with each string (bytes) argument that ``used`` holds renamed to the
        first symbol ``used`` does not hold, or None when none is: a call that makes a
        new name instead of clashing with one the script already made."""
        parsed = self.parse(line)
        if parsed is None:
            return None
        taken, changed, literals = set(used), False, []
        for ptype, literal in parsed[1]:
            symbols = SYMBOLS if isinstance(ptype, StrType) else BYTE_SYMBOLS
            if isinstance(ptype, StrType | BytesType) and literal in taken:
                free = next((x for x in symbols if x not in taken), None)
                if free is not None:
                    literal, changed = free, True
                    taken.add(free)
            literals.append(literal)
        return self.render(parsed[0], tuple(literals)) if changed else None

    def literals(self, script: Script) -> set[str]:
        """The literals the statements of ``script`` pass."""
        return {a for line in script for _, a in (self.parse(line) or (None, ()))[1]}

    def shrunk(self, line: str) -> list[str]:
        """The statement with one argument made smaller, smallest first."""
        parsed = self.parse(line)
        if parsed is None:
            return []
        method, args = parsed
        out = set()
        for k, (ptype, text) in enumerate(args):
            options = {smallest(ptype)}
            # Short values a model that refuses the empty one (or one already taken, a name
            # say) accepts: two scripts that differ only in such a value reduce alike.
            if isinstance(ptype, StrType):
                options |= SHORT_STRINGS
            if isinstance(ptype, BytesType):
                options |= SHORT_BYTES
            if isinstance(ptype, IntType | RefType) and text.lstrip("-").isdigit():
                value = int(text)
                options |= {"1", str(value // 2), str(value - 1)}
            for option in options:
                if _literal_key(option) < _literal_key(text):
                    literals = [a for _, a in args]
                    literals[k] = option
                    out.add(self.render(method, tuple(literals)))
        return sorted(out, key=self.key)

    def recombined(self, line: str, script: Script, most: int = 64) -> list[str]:
        """The statement with two or more arguments re-picked at once, each among the
        values of its type that ``script`` passes (and the smallest): a call that
        changes two arguments together (the second object onto the first one's name, or
        the first onto the second's), which no single smaller argument reaches.
        Smaller calls only, smallest first; none when more than ``most`` combinations."""
        parsed = self.parse(line)
        if parsed is None:
            return []
        method, args = parsed
        pools: list[list[str]] = []
        for ptype, text in args:
            pool = {smallest(ptype), text}
            for other in script:
                pool |= {a for t, a in (self.parse(other) or (None, ()))[1] if t == ptype}
            pools.append(sorted(pool, key=_literal_key))
        if math.prod(len(pool) for pool in pools) > most:
            return []
        own = tuple(a for _, a in args)
        out = {
            self.render(method, combo)
            for combo in itertools.product(*pools)
            if sum(a != b for a, b in zip(combo, own, strict=True)) >= 2
        }
        return sorted((x for x in out if self.key(x) < self.key(line)), key=self.key)

    def nudged(self, line: str, steps: tuple[int, ...] = (-2, -1, 1, 2)) -> list[str]:
        """The statement with one plain int argument (no object id) moved by each of
        ``steps``: the calls next to it, which a check at a boundary tells apart."""
        parsed = self.parse(line)
        if parsed is None:
            return []
        method, args = parsed
        out = []
        for k, (ptype, text) in enumerate(args):
            if not isinstance(ptype, IntType) or not text.lstrip("-").isdigit():
                continue
            for step in steps:
                literals = [a for _, a in args]
                literals[k] = str(int(text) + step)
                out.append(self.render(method, tuple(literals)))
        return out

    def refs(self, line: str) -> set[tuple[str, int]]:
        """The object ids a statement names: (kind, Ref literal), in lists and tuples too."""
        found: set[tuple[str, int]] = set()

        def note(kind: str, ref: int) -> int:
            found.add((kind, ref))
            return ref

        self.map_refs(line, note)
        return found

    def map_refs(self, line: str, change: Callable[[str, int], int]) -> str:
        """The statement with ``change(kind, ref)`` in place of each Ref literal."""
        parsed = self.parser.parse(line)
        if not isinstance(parsed, Call) or len(parsed.args) > len(parsed.method.params):
            return line
        params = parsed.method.params
        literals = tuple(
            _literal(p.type, _map_refs(p.type, a, change))
            for p, a in zip(params, parsed.args, strict=False)
        )
        return self.render(parsed.method, literals)

    def renamed(self, script: Script) -> Iterator[Script]:
        """The script with one object id (a Ref literal of one kind) renamed to a smaller one,
        then with its string (bytes) values renamed: all of them to the first symbols, or
        one of them to the smallest value."""
        for kind, value in sorted(set().union(*map(self.refs, script))):
            for smaller in range(value):
                rename = functools.partial(_rename, kind, value, smaller)
                yield tuple(self.map_refs(line, rename) for line in script)
        for value_type, ladder in ((StrType, SYMBOLS), (BytesType, BYTE_SYMBOLS)):
            symbols = self._symbols(script, value_type, ladder)
            if symbols:
                yield tuple(self._resymbol(line, value_type, symbols) for line in script)
            # One value made the smallest everywhere (when no statement passes that one):
            # a single shrink would part a name from the calls that go by it.
            least = smallest(value_type())
            passed = self._values(script, value_type)
            if least not in passed:
                for text in passed:
                    yield tuple(self._resymbol(line, value_type, {text: least}) for line in script)

    def _values(self, script: Script, kind: type[StrType] | type[BytesType]) -> list[str]:
        """The distinct values of ``kind`` that ``script`` passes, in order of first use."""
        seen: list[str] = []
        for line in script:
            parsed = self.parse(line)
            for ptype, text in parsed[1] if parsed else ():
                if isinstance(ptype, kind) and text not in seen:
                    seen.append(text)
        return seen

    def _symbols(
        self, script: Script, kind: type[StrType] | type[BytesType], ladder: tuple[str, ...]
    ) -> dict[str, str]:
        """Each distinct value of ``kind``, in order of first use, to the next ladder value:
        values that only tell things apart (names) become the same in every script."""
        seen = [text for text in self._values(script, kind) if text != smallest(kind())]
        if len(seen) > len(ladder):
            return {}
        return dict(zip(seen, ladder, strict=False))

    def _resymbol(
        self, line: str, kind: type[StrType] | type[BytesType], symbols: dict[str, str]
    ) -> str:
        parsed = self.parse(line)
        if parsed is None:
            return line
        literals = tuple(symbols.get(a, a) if isinstance(t, kind) else a for t, a in parsed[1])
        return self.render(parsed[0], literals)

    def unified(self, script: Script, removed: str, start: int) -> Iterator[Script]:
        """``script`` (without ``removed``, which stood at ``start``) with one string or
        bytes value that ``removed`` passed, in the statements from ``start`` on, made a
        value of its type that the statements before ``start`` pass: once a statement
        that gave an object a new name is gone, what came after it goes by the old one."""
        parsed = self.parse(removed)
        for kind in (StrType, BytesType):
            written = [a for t, a in parsed[1] if isinstance(t, kind)] if parsed else []
            before: list[str] = []
            for line in script[:start]:
                earlier = self.parse(line)
                for ptype, text in earlier[1] if earlier else ():
                    if isinstance(ptype, kind) and text not in before:
                        before.append(text)
            for old, new in itertools.product(dict.fromkeys(written), before):
                if old == new:
                    continue
                tail = tuple(self._resymbol(line, kind, {old: new}) for line in script[start:])
                if tail != script[start:]:
                    yield script[:start] + tail

    def shifted(self, script: Script, start: int) -> Iterator[Script]:
        """``script`` with every Ref literal of one kind at or above one value, in the
        statements from ``start`` on, made one smaller."""
        refs = set().union(*map(self.refs, script[start:]))
        for kind, low in sorted(r for r in refs if r[1] > 0):
            shift = functools.partial(_shift, kind, low)
            yield script[:start] + tuple(self.map_refs(line, shift) for line in script[start:])


def _rename(kind: str, old: int, new: int, ref_kind: str, ref: int) -> int:
    return new if (ref_kind, ref) == (kind, old) else ref


def _shift(kind: str, low: int, ref_kind: str, ref: int) -> int:
    return ref - 1 if ref_kind == kind and ref >= low else ref


def _literal(ptype: ParamType, value: object) -> str:
    """A parsed literal as script text; a set's members sorted, once each (their order
    and repetition mean nothing, so equal sets read the same)."""
    if isinstance(ptype, SetType) and isinstance(value, list):
        members = {format_literal(v): v for v in value}
        return "[" + " ".join(sorted(members, key=_literal_key)) + "]"
    return format_literal(value)


def _map_refs(ptype: ParamType, value: object, change: Callable[[str, int], int]) -> object:
    """A parsed literal with ``change`` applied to every Ref literal inside it."""
    match ptype:
        case RefType() if isinstance(value, int) and not isinstance(value, bool):
            return change(ptype.kind, value)
        case OptionalType():
            return value if value is None else _map_refs(ptype.inner, value, change)
        case ListType() | SetType() | VarTupleType() if isinstance(value, list):
            return [_map_refs(ptype.inner, v, change) for v in value]
        case TupleType() if isinstance(value, list) and len(value) == len(ptype.items):
            return [_map_refs(t, v, change) for t, v in zip(ptype.items, value, strict=True)]
        case _:
            return value


def is_factory(calls: Calls, line: str) -> bool:
    """True for the ``! ...`` line that sets the factory's parameters."""
    return isinstance(calls.parser.parse(line), Factory)
