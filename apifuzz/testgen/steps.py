"""Turn a script into the steps of a regression test: resolved calls and the ids they create.

The interpreter runs the script exactly as the fuzzer did (same language, same
undo/redo oracle), with a spy as its call hook (``Interpreter(hook=...)``).  The
spy records each call the interpreter makes, with its resolved arguments (a ``Ref``
argument is already the live id it was mapped onto), what it returned or
raised, and the live ids of every kind right after it.  Comparing those
snapshots tells which call created which id, so a generated test can bind
``clip_6 = timeline.insert_clip(bin_5, track_1, 0)`` and reuse ``clip_6`` by
name in the calls that follow.

The spy sees the calls of the interpreter's own run, so the steps cannot drift
from the run that judged the script, and it sees a call start even when it
never returns (a hang interrupted by a timeout).
"""

from __future__ import annotations

import contextlib
import enum
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, assert_never

from apifuzz.errors import ApifuzzError
from apifuzz.interpreter import Bug, BugKind, Interpreter, Report
from apifuzz.interpreter.parser import Factory
from apifuzz.interpreter.runner import Position
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

#: The live ids of every kind at one moment; a kind whose provider failed is left out.
Snapshot = dict[str, list[int]]


class Outcome(enum.Enum):
    """How one call of the script ended."""

    RETURNED = "returned"  # returned a value other than False
    FALSE = "false"  # returned False: a refused request
    REFUSED = "refused"  # raised an exception the target expects: a refused request
    RAISED = "raised"  # raised an unexpected exception: the bug
    HUNG = "hung"  # interrupted by the timeout: the bug
    KILLED = "killed"  # not made: it kills the process (a fatal signal, a native hang)


@dataclass(frozen=True)
class Binding:
    """A variable bound to an id: right after the call that created it, or after construction."""

    name: str  # ``clip_6``
    kind: str  # the Ref kind it is named after
    value: int
    index: int  # where the id stands in the kind's provider list at that moment
    count: int  # how many ids that list held
    sequence: bool  # whether the provider returned a list or tuple (indexable as is)
    returned: bool  # the call returned the id: ``clip_6 = timeline.insert_clip(...)``


@dataclass
class Step:
    """One call of the script, as the interpreter made it."""

    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    outcome: Outcome
    value: Any = None
    error: BaseException | None = None
    bindings: tuple[Binding, ...] = ()


@dataclass
class Steps:
    """A script's calls, ready to be written as a test."""

    language: Language
    factory_kwargs: dict[str, Any]
    initial: tuple[Binding, ...]  # ids present after construction that later calls use
    steps: list[Step]
    bug: Bug | None  # None for a hang (the interpreter was interrupted)
    hang: bool = False
    undo_redo: bool = False
    # (kind, id) -> (variable, number of the step that binds it; 0 is the construction)
    names: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)

    @property
    def in_oracle(self) -> bool:
        """Whether the bug showed in the undo/redo oracle run after the last call."""
        return self.bug is not None and self.bug.oracle is not None

    def variable(self, kind: str, value: int, step: int) -> str | None:
        """The variable naming id ``value`` of ``kind`` in step ``step`` (1-based), or None."""
        entry = self.names.get((kind, value))
        if entry is None or entry[1] >= step:
            return None
        return entry[0]


def refs_in(ptype: ParamType, value: Any) -> Iterator[tuple[str, int]]:
    """Every ``(kind, id)`` a ``ptype`` argument holds."""
    match ptype:
        case RefType():
            if type(value) is int:
                yield ptype.kind, value
        case OptionalType():
            if value is not None:
                yield from refs_in(ptype.inner, value)
        case TupleType():
            if isinstance(value, tuple):
                for item_type, item in zip(ptype.items, value, strict=False):
                    yield from refs_in(item_type, item)
        case ListType() | SetType() | VarTupleType():
            if ptype.ref_kinds() and isinstance(value, (list, tuple, set, frozenset)):
                # A set's members in a stable order, not their hash order.
                items = sorted(value, key=sort_key) if isinstance(ptype, SetType) else value
                for item in items:
                    yield from refs_in(ptype.inner, item)
        case IntType() | FloatType() | BoolType() | StrType() | BytesType() | EnumType():
            pass  # holds no id
        case _:
            assert_never(ptype)


def sort_key(value: Any) -> tuple[int, Any]:
    """A sort key for the members of a set argument: their own order, else their repr."""
    try:
        value < value  # noqa: B015 - only probing that the type orders
    except TypeError:
        return (1, repr(value))
    return (0, value)


@dataclass
class _Call:
    """What the spy saw of one call."""

    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    value: Any = None
    error: BaseException | None = None
    finished: bool = False
    after: Snapshot | None = None
    sequences: dict[str, bool] = field(default_factory=dict)


class _NotMade(BaseException):
    """Raised by the spy instead of a call that would kill the process (``stop_at``)."""


class _Spy:
    """The interpreter's call hook (a ``CallHook``): sees every call it makes, and the ids after.

    With ``stop_at`` (a line number), the call of that line is recorded but not made.
    """

    def __init__(self, language: Language, stop_at: int | None = None) -> None:
        self.providers = language.registry.id_providers
        self.calls: list[_Call] = []
        self.initial: Snapshot | None = None
        self.initial_sequences: dict[str, bool] = {}
        self.stop_at = stop_at
        self.line: Callable[[], int] = lambda: 0  # the line of the call starting now

    def snapshot(self, model: Any) -> tuple[Snapshot, dict[str, bool]]:
        """The live ids of every kind, and whether each provider returned a sequence."""
        ids: Snapshot = {}
        sequences: dict[str, bool] = {}
        for kind in sorted(self.providers):
            try:
                raw = self.providers[kind](model)
                ids[kind] = list(raw)
            except Exception:
                continue  # a failing provider: its ids are written as literals
            sequences[kind] = isinstance(raw, (list, tuple))
        return ids, sequences

    def before(
        self, model: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """A call starts: the ids before the first call are the construction's."""
        if self.initial is None:
            self.initial, self.initial_sequences = self.snapshot(model)
        self.calls.append(_Call(method, args, dict(kwargs)))
        if self.stop_at is not None and self.line() == self.stop_at:
            raise _NotMade

    def after(self, model: Any, value: Any, error: BaseException | None) -> None:
        """The call returned ``value`` or raised ``error``: the ids it left."""
        call = self.calls[-1]
        call.value, call.error, call.finished = value, error, True
        call.after, call.sequences = self.snapshot(model)


def collect_steps(
    language: Language,
    script: bytes | str,
    *,
    undo_redo: bool = False,
    limit: Callable[[Position], AbstractContextManager[object]] | None = None,
    interrupt: tuple[type[BaseException], ...] = (),
    stop_at: int | None = None,
) -> Steps:
    """Run ``script`` as the fuzzer does and return its calls with the ids they create.

    ``limit`` makes a context manager that bounds the run (a timeout) from the
    interpreter's position; an exception of ``interrupt`` escaping the run means
    the last call hung (it must be a BaseException, as the fuzzer's ``Hang``: the
    interpreter catches the others).
    The call of line ``stop_at`` is not made, as it kills the process (a fatal
    signal, a hang in native code): it ends the steps, with outcome KILLED.
    Raises ApifuzzError for a bug that no call can show (a failing ``@ids``
    provider).
    """
    spy = _Spy(language, stop_at)
    interpreter = Interpreter(language, undo_redo=undo_redo, hook=spy)
    spy.line = lambda: interpreter.position.index + 1
    guard = limit(interpreter.position) if limit is not None else contextlib.nullcontext()
    ended: Outcome | None = None  # HUNG or KILLED: the run never came back from its last call
    try:
        with guard:
            interpreter.run(script, record=True)
    except interrupt:
        ended = Outcome.HUNG
    except _NotMade:
        ended = Outcome.KILLED
    if ended is not None:
        if not spy.calls or spy.calls[-1].finished:
            raise ApifuzzError(
                "the script hangs outside the calls of the model (while building it, or in "
                "an @ids provider); a test cannot show that as a call"
            )
        # The report of an interrupted run, as far as it went: the factory's arguments.
        factory_kwargs, bug = dict(interpreter.report.factory_kwargs), None
    else:
        factory_kwargs, bug = _ended_with(interpreter.report, spy, interpreter)
    expected = language.target.expected
    steps = [_step(call, expected) for call in spy.calls]
    if ended is not None:
        steps[-1].outcome = ended
    result = Steps(language, factory_kwargs, (), steps, bug, ended is Outcome.HUNG, undo_redo)
    if spy.initial is not None:
        _bind(result, language, spy)
    return result


def _ended_with(
    report: Report, spy: _Spy, interpreter: Interpreter
) -> tuple[dict[str, Any], Bug | None]:
    """The factory arguments and the bug of a run that came back; raises ApifuzzError for a
    bug in an ``@ids`` provider."""
    factory_kwargs, bug = dict(report.factory_kwargs), report.bug
    if bug is not None and bug.line > 0 and not spy.calls:
        # Before any call: the factory statement failed, or an @ids provider did.
        failed = next(s for s in report.statements if s.line == bug.line)
        if not isinstance(interpreter.parser.parse(failed.text), Factory):
            raise ApifuzzError(_PROVIDER_BUG.format(bug=bug.summary()))
        factory_kwargs = dict(failed.kwargs)
    elif (
        bug is not None
        and bug.kind is BugKind.EXCEPTION
        and bug.oracle is None
        and spy.calls
        and spy.calls[-1].error is not bug.error
    ):
        # The last call went well: resolving the next statement's ids raised.
        raise ApifuzzError(_PROVIDER_BUG.format(bug=bug.summary()))
    return factory_kwargs, bug


_PROVIDER_BUG = (
    "the bug ({bug}) shows in an @ids provider while the interpreter resolves arguments, "
    "not in a call; a test cannot replay it as a call"
)


def _step(call: _Call, expected: tuple[type[BaseException], ...]) -> Step:
    if call.error is not None:
        outcome = Outcome.REFUSED if isinstance(call.error, expected) else Outcome.RAISED
    else:
        outcome = Outcome.FALSE if call.value is False else Outcome.RETURNED
    return Step(call.method, call.args, call.kwargs, outcome, call.value, call.error)


# -- which ids get a variable ---------------------------------------------------------------


def _bind(steps: Steps, language: Language, spy: _Spy) -> None:
    """Name every id that a later call uses, at the step that created it."""
    assert spy.initial is not None
    snapshots: list[tuple[Snapshot, dict[str, bool]]] = [(spy.initial, spy.initial_sequences)]
    for call in spy.calls:
        snapshots.append((call.after or {}, call.sequences) if call.finished else ({}, {}))
    created = _created(snapshots)
    used = _used(steps, language, created)
    bindings = _bindings(steps, snapshots, created, used)
    steps.initial = tuple(bindings.get(0, ()))
    for number, step in enumerate(steps.steps, start=1):
        # The returned id first: it is bound by the call's own line.
        step.bindings = tuple(sorted(bindings.get(number, ()), key=lambda b: not b.returned))


def _created(snapshots: list[tuple[Snapshot, dict[str, bool]]]) -> dict[tuple[str, int], int]:
    """First appearance of every (kind, id): the step that created it, 0 for the construction."""
    created: dict[tuple[str, int], int] = {}
    previous: Snapshot = {}
    for number, (snapshot, _) in enumerate(snapshots):
        for kind, ids in snapshot.items():
            old = set(previous.get(kind, ()))
            for value in ids:
                if value not in old:
                    created.setdefault((kind, value), number)
        if snapshot or number == 0:
            previous = snapshot
    return created


def _used(
    steps: Steps, language: Language, created: dict[tuple[str, int], int]
) -> set[tuple[str, int]]:
    """Every (kind, id) a call uses, if it was created by an earlier step."""
    params = {m.name: m.params for m in language.registry.methods}
    used: set[tuple[str, int]] = set()
    for number, step in enumerate(steps.steps, start=1):
        named = [p for p in params[step.method] if p.name in step.kwargs]
        values = [*step.args, *(step.kwargs[p.name] for p in named)]
        types = [p.type for p in params[step.method][: len(step.args)]] + [p.type for p in named]
        for ptype, value in zip(types, values, strict=True):
            for ref in refs_in(ptype, value):
                if created.get(ref, number) < number:
                    used.add(ref)
    return used


def _bindings(
    steps: Steps,
    snapshots: list[tuple[Snapshot, dict[str, bool]]],
    created: dict[tuple[str, int], int],
    used: set[tuple[str, int]],
) -> dict[int, list[Binding]]:
    """The variables each step binds, by step number (0: the construction).

    One variable per id a step created, shared by every kind it appeared in (an id
    that is both a clip and an item is one object: clip_6, not clip_6 and item_6).
    """
    groups: dict[tuple[int, int], list[str]] = {}
    for (kind, value), number in sorted(created.items()):
        groups.setdefault((number, value), []).append(kind)
    bindings: dict[int, list[Binding]] = {}
    taken: set[str] = set()
    for (number, value), kinds in sorted(groups.items()):
        if not any((kind, value) in used for kind in kinds):
            continue
        snapshot, sequences = snapshots[number]
        creator = steps.steps[number - 1] if number else None
        kind = _preferred_kind(kinds, creator.method if creator else "", snapshot)
        name = _variable_name(kind, value, taken)
        taken.add(name)
        returned = (
            creator is not None
            and creator.outcome is Outcome.RETURNED
            and type(creator.value) is int
            and creator.value == value
        )
        ids = snapshot[kind]
        binding = Binding(
            name, kind, value, ids.index(value), len(ids), sequences.get(kind, False), returned
        )
        bindings.setdefault(number, []).append(binding)
        for other in kinds:
            steps.names[other, value] = (name, number)
    return bindings


def _preferred_kind(kinds: Sequence[str], method: str, snapshot: Snapshot) -> str:
    """The kind an id is named after: the one the creating method names (``insert_clip``
    creates a clip, which is also an item), else the most specific (fewest live ids)."""
    words = set(method.split("_"))
    return min(kinds, key=lambda k: (k not in words, len(snapshot.get(k, ())), k))


def _variable_name(kind: str, value: int, taken: set[str]) -> str:
    stem = re.sub(r"\W+", "_", kind).strip("_") or "id"
    if stem[0].isdigit():
        stem = f"id_{stem}"
    name = f"{stem}_{value}" if value >= 0 else f"{stem}_minus_{-value}"
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}_{n}", n + 1
    return candidate
