"""Root-cause triage: is a new failure a variant of a known bug, or a bug of its own?

A signature says where a failure surfaced.  One corrupted state can surface
in many places (a stale redo entry that every command's redo trips over), and
two different bugs can break one assertion.  :class:`RootCause` decides from
replays, not from names: each minimized script is reduced to its normal form
(:mod:`apifuzz.engine.normalize`), the smallest script that fails the same
way at its last statement, and

* two failures that surface in the same API method are one bug when their
  normal forms are equal (what differed between them reduced away, or was a
  generic statement that many calls can take the place of), or when one
  form turns into the other one statement at a time through scripts that
  fail the same way (two local minima of one failure; never forms one
  statement apart, the shape of two bugs);
* two failures that surface differently are two bugs, unless
  - a statement one form repeats, recast into another call at every copy,
    makes it fail the other way in a generic manner and reduce to the other
    form (an edit done, undone and done again, with other props), or
  - both do the same statements before they part, at most one more, and
    that state breaks both of their methods and makes at least
    :data:`~apifuzz.engine.normalize.GENERIC` methods raise: one corrupted
    state, many places where it shows (a call after which the invariants
    fail broke the state itself: it is no victim).  A state that needs one more statement to show
    counts only when both fail alike (same assertion, same frame).

When unsure it keeps failures apart: a merge must never hide a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.calls import Calls, Script
from apifuzz.engine.judge import Judge
from apifuzz.engine.normalize import BUDGET, GENERIC, Form, Reducer, judge_runner
from apifuzz.engine.triage import Signature
from apifuzz.language import Language, LoadedTarget

#: Statements a form may add to the state two failures share, its last one included.
STEPS = 2


@dataclass(frozen=True)
class Case:
    """One failure to triage: its signature and its minimized script."""

    signature: Signature
    script: str


@dataclass(frozen=True)
class Decision:
    """Whether two failures are one bug, and why, in one short line."""

    same: bool
    reason: str


class RootCause:
    """Decides whether two failures of one target are the same bug; built once per command.

    Scripts are replayed in-process as the fuzz worker ran them (``undo_redo``,
    ``timeout``, ``packages`` for the signatures; ``lock``: the aliases the
    scripts were written with, else the target's corpus lock).  Normal forms
    are cached per script, so comparing a new failure with many known bugs
    reduces it once.  ``budget`` bounds the replays of one reduction.
    """

    def __init__(
        self,
        loaded: LoadedTarget,
        *,
        undo_redo: bool = False,
        timeout: float = DEFAULT_TIMEOUT,
        packages: Iterable[str] = (),
        lock: Path | None = None,
        budget: int = BUDGET,
    ) -> None:
        language = (
            Language.for_target(loaded.target, lock) if lock is not None else loaded.language()
        )
        packages = tuple(packages) or tuple(loaded.packages())
        judge = Judge(language, packages, timeout=timeout, undo_redo=undo_redo)
        self.calls = Calls(language)
        self.reducer = Reducer(self.calls, judge_runner(judge), budget)
        self._forms: dict[str, Form | None] = {}
        self._recasts: dict[Script, list[Script]] = {}

    @property
    def replays(self) -> int:
        """How many scripts were replayed so far."""
        return self.reducer.replays

    def form(self, case: Case) -> Form | None:
        """The normal form of a case's script (None: it does not fail at its last statement)."""
        if case.script not in self._forms:
            self._forms[case.script] = self.reducer.reduce(case.script)
        return self._forms[case.script]

    def same_bug(self, known: Case, new: Case) -> Decision:
        """Whether ``new`` is a variant of the bug ``known`` shows."""
        if "timeout" in (known.signature.kind, new.signature.kind):
            same = known.signature == new.signature
            return Decision(same, "same hang" if same else "a hang is only itself")
        if "signal" in (known.signature.kind, new.signature.kind):
            # Its script kills the process: never replayed here, so only its signature speaks.
            same = known.signature == new.signature
            return Decision(same, "same fatal signal" if same else "a fatal signal is only itself")
        one, two = self.form(known), self.form(new)
        if one is None or two is None:
            # Not replayable as recorded: only an equal signature says anything.
            same = known.signature == new.signature
            return Decision(same, "same signature, not replayable" if same else "not replayable")
        if one.surface != two.surface:
            if two.statements in self._recast(one) or one.statements in self._recast(two):
                return Decision(True, f"a repeated statement replaced: {one.text()} | {two.text()}")
            return self._across(one, two)
        if known.signature == new.signature:
            return Decision(True, f"same signature, {one.surface.describe()}")
        if one.statements == two.statements:
            return Decision(True, f"both reduce to: {one.text()}")
        if self.reducer.meets(one, two) or self.reducer.meets(two, one):
            return Decision(True, f"one reduces to the other: {one.text()} | {two.text()}")
        return Decision(False, f"different normal forms: {one.text()} | {two.text()}")

    def _recast(self, form: Form) -> list[Script]:
        if form.statements not in self._recasts:
            self._recasts[form.statements] = self.reducer.recast(form)
        return self._recasts[form.statements]

    def _across(self, one: Form, two: Form) -> Decision:
        """Failures that surfaced differently: one bug only when one corrupted state breaks
        many methods (not a shared setup that two bugs happen to start from).

        The state is what both forms do before they part, plus what one of them does
        next when it needs fewer than :data:`STEPS` more statements to fail (one
        corruption can take a second call to show, as a clip deleted twice), and then
        only when both fail alike.  It must break both methods and make at least
        :data:`~apifuzz.engine.normalize.GENERIC` methods raise: several bugs that a
        shared setup exposes each break the state with their own call, and the
        invariants after that call say so."""
        what = f"{one.surface.describe()} vs {two.surface.describe()}"
        a, b = one.statements[:-1], two.statements[:-1]
        shared = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        if not shared or max(len(a), len(b)) - shared >= STEPS:
            return Decision(False, f"different API methods: {what}")
        alike = replace(one.signature, method="") == replace(two.signature, method="")
        if max(len(a), len(b)) > shared and not alike:
            # A state that takes one more call to show is one state only where both
            # fail alike: the same assertion, in the same frame.
            return Decision(False, f"different API methods: {what}, different failures")
        lasts = (one.statements[-1], two.statements[-1])
        both = {one.surface.method, two.surface.method}
        for extra in dict.fromkeys(((), a[shared:], b[shared:])):
            state = (*a[:shared], *extra)
            if not both <= self.reducer.failing_methods(state, lasts):
                continue
            # Victims raise: calls after which the invariants fail each broke the state
            # themselves, as independent bugs exposed by one setup do.
            raising = self.reducer.failing_methods(state, lasts, raising=True)
            if len(raising) >= GENERIC:
                names = ", ".join(sorted(raising))
                return Decision(
                    True, f"one corrupted state makes {len(raising)} methods raise: {names}"
                )
        return Decision(False, f"different API methods: {what} after a shared setup")
