"""Normal forms of failing scripts: the smallest script that fails the same way.

"The same way" is relaxed on purpose: the failure must surface at the last
statement, with the same kind (exception, invariant, oracle), from the same
API method (the call it escaped from, or after which the invariant broke);
the innermost frame may change.  The reduction is a greedy descent in a
fixed total order (fewer statements first, then smaller calls: methods in
registry order, shorter literals), so equal starting points give equal forms
and the order of the moves never depends on chance.

Moves, the first that keeps the failure wins and the descent starts over:
delete a statement; replace a statement, or every copy of it, by a smaller
call; rename one object id to a smaller one everywhere; shrink one argument;
swap a statement for any call when that lets another statement go.  A
replacement that moves the failure to another signature is taken only where
the slot is generic (see :data:`GENERIC`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import assert_never

from apifuzz.engine.judge import Judge
from apifuzz.engine.triage import Signature
from apifuzz.interpreter.literals import format_literal
from apifuzz.interpreter.parser import Call, Factory, LineParser, is_blank
from apifuzz.interpreter.report import Bug
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

#: How many different methods must keep a failure at one place before that place
#: counts as generic: two independent bugs reachable from one slot account for two.
GENERIC = 3

#: Replays one reduction may spend; past it the form reached so far is kept.
BUDGET = 600

Script = tuple[str, ...]
Arg = tuple[ParamType, str]  # a parameter's type and the literal given for it


@dataclass(frozen=True)
class Surface:
    """How a failure surfaced: its kind and the API method it escaped from or broke after."""

    kind: str
    method: str | None
    oracle: str | None
    invariant: str | None

    @classmethod
    def of(cls, bug: Bug) -> Surface:
        """The surface of a bug."""
        return cls(bug.kind.value, bug.method, bug.oracle, bug.invariant)

    def describe(self) -> str:
        """``exception in redo``, ``invariant check after write (undo)``."""
        where = "in" if self.kind == "exception" else "after"
        what = f"{self.kind} {self.invariant}" if self.invariant else self.kind
        step = f" ({self.oracle})" if self.oracle else ""
        return f"{what} {where} {self.method or 'construction'}{step}"


@dataclass(frozen=True)
class Outcome:
    """What one replay showed: the signature, the surface, the failing statement (1-based)."""

    signature: Signature
    surface: Surface
    line: int


@dataclass(frozen=True)
class Form:
    """A script's normal form, how its failure surfaced, and what the reduction cost."""

    statements: Script
    surface: Surface
    replays: int

    def text(self) -> str:
        """The statements on one line: ``dt 0 ; u ; dt 0 ; r``."""
        return " ; ".join(self.statements)


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
            (p.type, format_literal(a)) for p, a in zip(params, parsed.args, strict=False)
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
        match (so a replacement touches the same objects), else the smallest values."""
        parsed = self.parse(line)
        pool = parsed[1] if parsed else ()
        found = set()
        for method in self.methods:
            params = method.params[: method.required_count]
            used: set[int] = set()
            aligned = []
            for param in params:
                k = next(
                    (k for k, (t, _) in enumerate(pool) if t == param.type and k not in used),
                    None,
                )
                if k is not None:
                    used.add(k)
                aligned.append(pool[k][1] if k is not None else smallest(param.type))
            found.add(self.render(method, tuple(aligned)))
            found.add(self.render(method, tuple(smallest(p.type) for p in params)))
        return sorted(found, key=self.key)

    def shrunk(self, line: str) -> list[str]:
        """The statement with one argument made smaller, smallest first."""
        parsed = self.parse(line)
        if parsed is None:
            return []
        method, args = parsed
        out = set()
        for k, (ptype, text) in enumerate(args):
            options = {smallest(ptype)}
            if isinstance(ptype, StrType):
                options.add('"a"')  # the smallest string a model that refuses "" accepts
            if isinstance(ptype, IntType) and text.lstrip("-").isdigit():
                value = int(text)
                options |= {"1", str(value // 2), str(value - 1)}
            for option in options:
                if _literal_key(option) < _literal_key(text):
                    literals = [a for _, a in args]
                    literals[k] = option
                    out.add(self.render(method, tuple(literals)))
        return sorted(out, key=self.key)

    def renamed(self, script: Script) -> Iterator[Script]:
        """The script with one object id (a Ref literal of one kind) renamed to a smaller one."""
        refs: set[tuple[str, int]] = set()
        for line in script:
            parsed = self.parse(line)
            for ptype, text in parsed[1] if parsed else ():
                if isinstance(ptype, RefType) and text.isdigit():
                    refs.add((ptype.kind, int(text)))
        for kind, value in sorted(refs):
            for smaller in range(value):
                yield tuple(self._rename(line, kind, value, smaller) for line in script)

    def _rename(self, line: str, kind: str, old: int, new: int) -> str:
        parsed = self.parse(line)
        if parsed is None:
            return line
        literals = tuple(
            str(new) if isinstance(t, RefType) and t.kind == kind and a == str(old) else a
            for t, a in parsed[1]
        )
        return self.render(parsed[0], literals)


def is_factory(calls: Calls, line: str) -> bool:
    """True for the ``! ...`` line that sets the factory's parameters."""
    return isinstance(calls.parser.parse(line), Factory)


#: Runs one script; None when it showed no bug.
Runner = Callable[[Script], Outcome | None]


def judge_runner(judge: Judge) -> Runner:
    """A runner that replays scripts with ``judge``."""

    def run(script: Script) -> Outcome | None:
        verdict = judge.run("\n".join(script))
        bug, signature = verdict.bug, verdict.signature
        if bug is None or signature is None:
            return None
        return Outcome(signature, Surface.of(bug), bug.line)

    return run


class _Spent(Exception):
    """The reduction used its replay budget."""


class Reducer:
    """Reduces failing scripts to their normal form with at most ``budget`` replays each."""

    def __init__(self, calls: Calls, run: Runner, budget: int = BUDGET) -> None:
        self.calls = calls
        self._run = run
        self.budget = budget
        self.replays = 0
        self._outcomes: dict[Script, Outcome | None] = {}
        self._left = 0

    def outcome(self, script: Script) -> Outcome | None:
        """The outcome of ``script`` (cached); raises _Spent past the budget."""
        if script not in self._outcomes:
            if self._left <= 0:
                raise _Spent
            self._left -= 1
            self.replays += 1
            self._outcomes[script] = self._run(script)
        return self._outcomes[script]

    def reduce(self, script: str) -> Form | None:
        """The normal form of ``script``; None when it shows no bug at its last statement."""
        self._left = self.budget
        spent = self.replays
        lines = statements(script)
        first = self.outcome(lines) if lines else None
        if first is None or first.line != len(lines):
            return None
        current = tuple(self.calls.canonical(line) for line in lines)
        if not self._keeps(current, first.surface):
            current = lines
        try:
            while (step := self._step(current, first.surface)) is not None:
                current = step
        except _Spent:
            pass
        return Form(current, first.surface, self.replays - spent)

    def _keeps(self, script: Script, surface: Surface) -> bool:
        out = self.outcome(script)
        return out is not None and out.surface == surface and out.line == len(script)

    def _step(self, script: Script, surface: Surface) -> Script | None:
        """One move down, or None at the bottom."""
        order = self.calls.order
        for move in (self._deletions, self._replacements, self._renamings, self._lateral):
            for candidate, slot in move(script, surface):
                if (
                    order(candidate) < order(script)
                    and self._keeps(candidate, surface)
                    and (slot is None or self._may_move(script, candidate, slot, surface))
                ):
                    return candidate
        return None

    def _may_move(self, script: Script, candidate: Script, slot: int, surface: Surface) -> bool:
        """A new method at ``slot`` may move the failure to another signature only into a
        script whose failure is generic: single replacements show it under at least
        :data:`GENERIC` signatures (one corruption, many manifestations).  Two independent
        bugs reachable from one slot show two, so neither moves into the other."""
        before, after = self.outcome(script), self.outcome(candidate)
        if before is None or after is None or before.signature == after.signature:
            return True
        return len(self.manifestations(candidate, surface)) >= GENERIC

    def manifestations(self, script: Script, surface: Surface) -> set[Signature]:
        """The signatures the failure shows when one statement before the last is replaced
        by another call (``script``'s own included); stops once it found :data:`GENERIC`."""
        found: set[Signature] = set()
        own = self.outcome(script)
        if own is not None:
            found.add(own.signature)
        for slot in range(len(script) - 1):
            for line in self.calls.replacements(script[slot]):
                out = self.outcome((*script[:slot], line, *script[slot + 1 :]))
                if out is not None and out.surface == surface and out.line == len(script):
                    found.add(out.signature)
                    if len(found) >= GENERIC:
                        return found
        return found

    # -- moves: (candidate, the slot whose method changed or None) ----------------------

    def _deletions(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        for i in range(len(script) - 1):
            yield script[:i] + script[i + 1 :], None

    def _replacements(
        self, script: Script, surface: Surface
    ) -> Iterator[tuple[Script, int | None]]:
        calls = self.calls
        for i, line in enumerate(script):
            last = i == len(script) - 1
            options = calls.shrunk(line) if last else calls.replacements(line) + calls.shrunk(line)
            for option in sorted(set(options), key=calls.key):
                if calls.key(option) >= calls.key(line):
                    break
                changed = None if calls.method(option) == calls.method(line) else i
                yield (*script[:i], option, *script[i + 1 :]), changed
                if script.count(line) > 1 and not last:
                    yield tuple(option if x == line else x for x in script), changed

    def _renamings(self, script: Script, surface: Surface) -> Iterator[tuple[Script, None]]:
        for candidate in self.calls.renamed(script):
            yield candidate, None

    def _lateral(self, script: Script, surface: Surface) -> Iterator[tuple[Script, int]]:
        """Any call in place of a statement (or of every copy) when that lets another go."""
        calls = self.calls
        for i, line in enumerate(script[:-1]):
            for option in calls.replacements(line):
                if calls.method(option) == calls.method(line):
                    continue
                swapped = tuple(option if x == line else x for x in script)
                if not self._keeps(swapped, surface):
                    continue
                for j in range(len(swapped) - 1):
                    if swapped[j] != option:
                        yield swapped[:j] + swapped[j + 1 :], i

    def failing_methods(self, prefix: Script, lasts: tuple[str, ...]) -> set[str]:
        """The methods that fail when called right after ``prefix`` (with the arguments
        of ``lasts`` where the types match): a corrupted state breaks many."""
        self._left = self.budget
        failing: set[str] = set()
        tried: set[str] = set()
        try:
            for last in lasts:
                for line in self.calls.replacements(last):
                    name = self.calls.method(line)
                    if name is None or name in failing or line in tried:
                        continue
                    tried.add(line)
                    out = self.outcome((*prefix, line))
                    if out is not None and out.line == len(prefix) + 1:
                        failing.add(name)
        except _Spent:
            pass
        return failing
