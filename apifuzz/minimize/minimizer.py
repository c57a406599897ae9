"""Shrink a crashing script to the smallest one that shows the same bug.

The order follows syzkaller's program minimization: cut every statement after
the failing one; remove statements one at a time from the back; delta-debug
chunks of statements; remove two at a time (statements that only go
together, like an undo and the redo that cancels it); then simplify the
arguments, and remove a creation while re-aiming a later ``Ref``.  The passes
repeat until none makes progress or the time is up.  A change is kept only when the script still
shows the *same signature* (the engine's deduplication key), so a bug is
never minimized into another one.  Everything is deterministic.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from apifuzz.engine.judge import Judge
from apifuzz.engine.triage import Signature
from apifuzz.interpreter.runner import decode
from apifuzz.minimize.ddmin import ddmin
from apifuzz.minimize.simplify import REF_CHOICES, candidates, int_steps
from apifuzz.minimize.statements import Statement, count_statements, parse_statements, render
from apifuzz.model.domains import OneOf, Range
from apifuzz.model.params import IntType, OptionalType, ParamType, RefType

#: At most this many values :func:`related_ints` offers a repair, the smallest ones.
VALUE_CHOICES = 48

#: Scripts longer than this skip the removal-with-repair pass (it costs O(n * refs * 16) runs).
REPAIR_LIMIT = 40
#: Scripts longer than this skip the pair removal pass (n * (n - 1) / 2 runs).
PAIR_LIMIT = 40
#: How many extra replays confirm that a bug (and the final result) is not flaky.
CONFIRM_RUNS = 2


class MinimizeStatus(enum.Enum):
    """How a minimization ended."""

    MINIMIZED = "minimized"  # the result shows the same signature (it may be the input itself)
    NO_BUG = "no bug"  # the script shows no bug at all (and no signature was expected)
    NOT_REPRODUCED = "not reproduced"  # every replay agrees, on another outcome than expected
    FLAKY = "flaky"  # the replays disagree: the outcome depends on more than the script


@dataclass
class Minimized:
    """The result of minimizing one script."""

    status: MinimizeStatus
    signature: Signature | None  # the bug being kept (the recorded one when given)
    script: str  # the minimized script (the input itself unless MINIMIZED)
    before: int  # statements in the input
    after: int  # statements in the result
    runs: int = 0
    seconds: float = 0.0
    complete: bool = True  # False when the time ran out (or Ctrl-C came) first
    interrupted: bool = False  # stopped by Ctrl-C: the script is the best one so far
    seen: list[Signature | None] = field(default_factory=list)  # replays of the input
    confirmed: list[Signature | None] = field(default_factory=list)  # replays of the result
    passes: list[tuple[str, int]] = field(default_factory=list)  # (pass, statements after it)

    def describe(self) -> str:
        """One line: ``minimized: 41 -> 3 statements in 0.8 s (212 runs)``."""
        if self.status is MinimizeStatus.NO_BUG:
            return "no bug: the script runs cleanly"
        if self.status is MinimizeStatus.FLAKY:
            shown = ", ".join(s.describe() if s else "no bug" for s in self.seen)
            if self.confirmed:
                again = ", ".join(s.describe() if s else "no bug" for s in self.confirmed)
                return f"flaky: replays gave {shown}, then {again}; not minimized"
            return f"flaky: replays gave {shown}; not minimized"
        if self.status is MinimizeStatus.NOT_REPRODUCED:
            shown = self.seen[0].describe() if self.seen and self.seen[0] else "no bug"
            recorded = self.signature.describe() if self.signature else "?"
            return f"not reproduced: every replay gave {shown} (recorded: {recorded})"
        cut = ""
        if self.interrupted:
            cut = ", interrupted: the best script so far"
        elif not self.complete:
            cut = ", time limit reached"
        return (
            f"minimized: {self.before} -> {self.after} statements in {self.seconds:.1f} s "
            f"({self.runs} runs{cut})"
        )


class _OutOfTime(Exception):
    pass


@dataclass
class _Attempt:
    """One :meth:`Minimizer.minimize` call: the input, its replays, and what its result reports."""

    judge: Judge
    text: str  # the input, decoded
    before: int  # statements in the input
    signature: Signature | None  # the bug being kept (the recorded one when given)
    seen: list[Signature | None]  # replays of the input
    started: float  # time.monotonic() when the call began
    runs_before: int  # the judge's run count then

    def result(
        self,
        status: MinimizeStatus,
        out: str | None = None,
        after: int | None = None,
        *,
        complete: bool = True,
        interrupted: bool = False,
        passes: list[tuple[str, int]] | None = None,
        confirmed: list[Signature | None] | None = None,
    ) -> Minimized:
        """The result with ``status``: the input itself unless ``out`` is given."""
        return Minimized(
            status,
            self.signature,
            self.text if out is None else out,
            self.before,
            self.before if after is None else after,
            runs=self.judge.runs - self.runs_before,
            seconds=time.monotonic() - self.started,
            complete=complete,
            interrupted=interrupted,
            seen=self.seen,
            confirmed=confirmed or [],
            passes=passes or [],
        )


class Minimizer:
    """Minimizes scripts of one target; ``max_time`` bounds each :meth:`minimize`."""

    def __init__(
        self,
        judge: Judge,
        *,
        max_time: float = 60.0,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.judge = judge
        self.max_time = max_time
        self.log = log or (lambda message: None)
        self._parser = judge.interpreter.parser
        # script -> the failing line when it shows the bug, None when it does not
        self._cache: dict[str, int | None] = {}
        self._signature: Signature | None = None
        self._deadline = 0.0
        self._best: list[Statement] | None = None  # the smallest script seen showing the bug

    # -- the predicate ----------------------------------------------------------------

    def _failing_line(self, statements: list[Statement]) -> int | None:
        """The line of the bug when ``statements`` show it (0: no line), else None."""
        text = render(statements)
        if text in self._cache:
            return self._cache[text]
        if time.monotonic() > self._deadline:
            raise _OutOfTime
        verdict = self.judge.run(text)
        line = None
        if verdict.signature == self._signature and verdict.bug is not None:
            line = verdict.bug.line
            # Keep the smallest script shown so far: a pass cut short by the time limit
            # or Ctrl-C loses none of the progress it made.
            best = self._best
            if best is None or (len(statements), len(text)) < (len(best), len(render(best))):
                self._best = list(statements)
        self._cache[text] = line
        return line

    def _shows_bug(self, statements: list[Statement]) -> bool:
        return self._failing_line(statements) is not None

    # -- the passes ---------------------------------------------------------------------

    def _truncate(self, statements: list[Statement]) -> list[Statement]:
        """Cut the statements after the failing one (never run, so never needed)."""
        line = self._failing_line(statements)
        if not line:
            return statements  # a bug while building the model names no line
        kept = statements[:line]
        return kept if len(kept) < len(statements) and self._shows_bug(kept) else statements

    def _remove_one_by_one(self, statements: list[Statement]) -> list[Statement]:
        index = len(statements) - 1
        while index >= 0:
            candidate = statements[:index] + statements[index + 1 :]
            if self._shows_bug(candidate):
                statements = self._truncate(candidate)
                index = min(index, len(statements))
            index -= 1
        return statements

    def _ddmin(self, statements: list[Statement]) -> list[Statement]:
        if len(statements) < 3:
            return statements
        return self._truncate(ddmin(statements, self._shows_bug))

    def _remove_pairs(self, statements: list[Statement]) -> list[Statement]:
        """Remove two statements at once, where removing either alone loses the bug.

        Some statements only matter together: an undo and the redo that cancels
        it, a creation and the only call that uses it.  Their script is
        1-minimal (ddmin stops there), yet both can go.  O(n^2) runs: only run
        on short scripts.
        """
        if len(statements) > PAIR_LIMIT:
            return statements
        second = len(statements) - 1
        while second > 0:
            for first in range(second - 1, -1, -1):
                candidate = [s for i, s in enumerate(statements) if i not in (first, second)]
                if self._shows_bug(candidate):
                    statements = self._truncate(candidate)
                    second = len(statements)
                    break
            second -= 1
        return statements

    def _remove_with_repair(self, statements: list[Statement]) -> list[Statement]:
        """Remove a statement and re-aim one later Ref argument at the object it meant, or
        re-pick one int of the failing call from the values the script uses.

        Removing a creation shifts the ids of everything created after it, so a
        later call may now name the wrong object: one plain removal fails where
        removal plus one small Ref change works.  And a removal can take away what
        the failing call's values were aimed at: a group whose move pushed another
        clip one frame into a third; without the group, the move itself must end
        one frame into a clip, at a start plus a length the script holds.  Only
        run on short scripts.
        """
        if len(statements) > REPAIR_LIMIT:
            return statements
        index = len(statements) - 1
        while index >= 0:
            candidate = statements[:index] + statements[index + 1 :]
            repaired = self._repair(candidate, index)
            if repaired is not None:
                statements = self._truncate(repaired)
            index = min(index, len(statements)) - 1
        return statements

    def _repair(self, statements: list[Statement], start: int) -> list[Statement] | None:
        for index in range(start, len(statements)):
            statement = statements[index]
            for position, param in enumerate(statement.params[: len(statement.args)]):
                if not isinstance(param.type, RefType):
                    continue
                for choice in range(REF_CHOICES):
                    args = list(statement.args)
                    args[position] = choice
                    candidate = [
                        *statements[:index],
                        statement.with_args(tuple(args)),
                        *statements[index + 1 :],
                    ]
                    if self._shows_bug(candidate):
                        return candidate
        return self._repair_value(statements)

    def _repair_value(self, statements: list[Statement]) -> list[Statement] | None:
        """The script with one int argument of its last statement (the failing call) set to
        a value related to the script's own ints, smallest first; None when none shows the
        bug (see :func:`related_ints`)."""
        if not statements:
            return None
        last = statements[-1]
        values = related_ints(statements)
        for position, param in enumerate(last.params[: len(last.args)]):
            old = last.args[position]
            if not isinstance(param.type, IntType) or type(old) is not int:
                continue
            for value in values:
                if value == old:
                    continue
                args = list(last.args)
                args[position] = value
                candidate = [*statements[:-1], last.with_args(tuple(args))]
                if self._shows_bug(candidate):
                    return candidate
        return None

    def _simplify_arguments(self, statements: list[Statement]) -> list[Statement]:
        for index in range(len(statements)):
            if index >= len(statements):
                break
            statements = self._drop_defaults(statements, index)
            for position in range(len(statements[index].args)):
                statements = self._simplify_one(statements, index, position)
        return statements

    def _drop_defaults(self, statements: list[Statement], index: int) -> list[Statement]:
        """Leave out trailing arguments that have defaults."""
        statement = statements[index]
        while len(statement.args) > statement.required:
            shorter = statement.with_args(statement.args[:-1])
            candidate = [*statements[:index], shorter, *statements[index + 1 :]]
            if not self._shows_bug(candidate):
                break
            statements, statement = candidate, shorter
        return statements

    def _simplify_one(
        self, statements: list[Statement], index: int, position: int
    ) -> list[Statement]:
        statement = statements[index]
        if position >= len(statement.params):
            return statements

        def replaced(value: object) -> list[Statement]:
            args = list(statement.args)
            args[position] = value
            return [*statements[:index], statement.with_args(tuple(args)), *statements[index + 1 :]]

        ptype: ParamType = statement.params[position].type
        raw = statement.args[position]
        if isinstance(ptype, OptionalType) and raw is not None:
            if self._shows_bug(replaced(None)):
                return replaced(None)
            ptype = ptype.inner
        if isinstance(ptype, IntType) and type(raw) is int and not isinstance(ptype.domain, OneOf):
            return replaced(self._bisect_in(ptype, raw, lambda v: self._shows_bug(replaced(v))))
        # Take the simplest candidate that works, then look for a simpler one from there.
        progress = True
        while progress:
            progress = False
            for value in candidates(ptype, raw):
                if self._shows_bug(replaced(value)):
                    statements = replaced(value)
                    statement, raw, progress = statements[index], value, True
                    break
        return statements

    @classmethod
    def _bisect_in(cls, ptype: IntType, value: int, works: Callable[[int], bool]) -> int:
        """:meth:`_bisect_int` inside the parameter's range: toward its simplest value."""
        domain = ptype.domain
        if not isinstance(domain, Range) or not domain.contains(value):
            return cls._bisect_int(value, works)
        origin = int(domain.simplest())
        step = cls._bisect_int(
            value - origin, lambda d: domain.contains(origin + d) and works(origin + d)
        )
        return origin + step

    @staticmethod
    def _bisect_int(value: int, works: Callable[[int], bool]) -> int:
        """The int closest to 0 that still works (bisection between 0 and ``value``)."""
        steps = list(int_steps(value))
        for step in steps[:2]:  # 0, then 1 or -1
            if works(step):
                return step
        if value < 0 and abs(value) > 1 and works(-value):
            value = -value
        sign = 1 if value > 0 else -1
        low, high = 1, abs(value)  # low fails (or was not better), high works
        while high - low > 1:
            middle = (low + high) // 2
            if works(sign * middle):
                high = middle
            else:
                low = middle
        return sign * high

    # -- the driver ----------------------------------------------------------------------

    def _run_pass(
        self,
        name: str,
        step: Callable[[list[Statement]], list[Statement]],
        statements: list[Statement],
        passes: list[tuple[str, int]],
    ) -> list[Statement]:
        """Run one pass, record it, and log it when it changed something."""
        before = render(statements)
        result = step(statements)
        passes.append((name, len(result)))
        if len(result) != len(statements):
            self.log(f"{name}: {len(statements)} -> {len(result)} statements")
        elif len(after := render(result)) != len(before):
            self.log(f"{name}: {len(before)} -> {len(after)} characters")
        elif after != before:
            self.log(f"{name}: simpler arguments, {len(after)} characters")
        return result

    def minimize(self, script: bytes | str, expected: Signature | None = None) -> Minimized:
        """Minimize ``script``; with ``expected``, only that signature counts as the bug."""
        started = time.monotonic()
        runs_before = self.judge.runs
        text = decode(script)
        before = count_statements(text)
        seen = [self.judge.run(text).signature for _ in range(1 + CONFIRM_RUNS)]
        first = seen[0]
        if expected is not None and expected.matches(first):
            expected = first  # recorded by an older version, without the API method
        attempt = _Attempt(self.judge, text, before, expected or first, seen, started, runs_before)
        if expected is None and all(s is None for s in seen):
            return attempt.result(MinimizeStatus.NO_BUG)
        if any(s != first for s in seen):
            return attempt.result(MinimizeStatus.FLAKY)
        if expected is not None and first != expected:
            return attempt.result(MinimizeStatus.NOT_REPRODUCED)
        return self._minimize_reproduced(attempt)

    def _minimize_reproduced(self, attempt: _Attempt) -> Minimized:
        """Shrink a script whose replays all showed the bug, until done or stopped."""
        self._signature = attempt.signature
        self._cache = {}
        self._deadline = attempt.started + self.max_time
        statements = parse_statements(attempt.text, self._parser)
        self._best = None  # not even the canonical form has shown the bug yet
        passes: list[tuple[str, int]] = []
        complete, interrupted = True, False
        try:
            if not self._shows_bug(statements):
                # The canonical form does not show the bug: rewriting changed the outcome
                # (keep the input as it is), or the bug is flaky (the input tells).
                confirmed = [self.judge.run(attempt.text).signature for _ in range(CONFIRM_RUNS)]
                if any(s != self._signature for s in confirmed):
                    return attempt.result(MinimizeStatus.FLAKY, confirmed=confirmed)
                return attempt.result(MinimizeStatus.MINIMIZED, confirmed=confirmed)
            statements = self._run_passes(statements, passes)
        except _OutOfTime:
            complete = False
        except KeyboardInterrupt:
            complete, interrupted = False, True
        if not complete:
            if self._best is None:
                # Stopped before any rewritten script showed the bug: the input is the result.
                return attempt.result(
                    MinimizeStatus.MINIMIZED, complete=False, interrupted=interrupted
                )
            statements = self._best  # it showed the bug once: the best one so far
        return self._confirm(attempt, statements, passes, complete, interrupted)

    def _run_passes(
        self, statements: list[Statement], passes: list[tuple[str, int]]
    ) -> list[Statement]:
        """Cut after the failing statement, then repeat every pass until none makes progress.

        ``passes`` is filled as the passes run, so a run stopped midway keeps its record.
        """
        passes.append(("canonical", len(statements)))
        statements = self._run_pass(
            "cut after the failing statement", self._truncate, statements, passes
        )
        while True:
            size = render(statements)
            for name, step in (
                ("remove one by one", self._remove_one_by_one),
                ("ddmin", self._ddmin),
                ("remove two at a time", self._remove_pairs),
                ("simplify arguments", self._simplify_arguments),
                ("remove with a Ref or a value repaired", self._remove_with_repair),
            ):
                statements = self._run_pass(name, step, statements, passes)
            if render(statements) == size:
                return statements

    def _confirm(
        self,
        attempt: _Attempt,
        statements: list[Statement],
        passes: list[tuple[str, int]],
        complete: bool,
        interrupted: bool,
    ) -> Minimized:
        """The result, once its replays agree that it shows the bug (none after Ctrl-C)."""
        out = render(statements)
        # The result must show the bug on every replay, like the input did.
        confirmed = (
            [] if interrupted else [self.judge.run(out).signature for _ in range(CONFIRM_RUNS)]
        )
        if any(s != self._signature for s in confirmed):
            return attempt.result(MinimizeStatus.FLAKY, passes=passes, confirmed=confirmed)
        return attempt.result(
            MinimizeStatus.MINIMIZED,
            out,
            len(statements),
            complete=complete,
            interrupted=interrupted,
            passes=passes,
            confirmed=confirmed,
        )


def related_ints(statements: list[Statement]) -> list[int]:
    """The values an int argument may take to meet what the script's other ints describe:
    each int the script passes, the sum of two of them (a start plus a length: an end),
    each of those one less and one more; the :data:`VALUE_CHOICES` smallest in size."""
    ints = sorted(
        {
            arg
            for statement in statements
            for param, arg in zip(statement.params, statement.args, strict=False)
            if isinstance(param.type, IntType) and type(arg) is int
        }
    )
    bases = {*ints, *(a + b for i, a in enumerate(ints) for b in ints[i + 1 :])}
    values = {base + step for base in bases for step in (-1, 0, 1)}
    return sorted(values, key=lambda v: (abs(v), v))[:VALUE_CHOICES]
