"""Root-cause triage: is a new failure a variant of a known bug, or a bug of its own?

A signature says where a failure surfaced.  One corrupted state can surface
in many places (a stale redo entry that every command's redo trips over), and
two different bugs can break one assertion.  :class:`RootCause` decides from
replays, not from names: each minimized script is reduced to its normal form
(:mod:`apifuzz.engine.normalize`), the smallest script that fails the same
way at its last statement, and

* two failures that surface in the same API method are one bug when their
  normal forms are equal: what differed between them reduced away, or was a
  generic statement that many calls can take the place of;
* two failures that surface in different API methods are two bugs, unless
  both reduce to the same statements before their last call and that state
  makes at least :data:`~apifuzz.engine.normalize.GENERIC` different methods
  fail: one corrupted state, many places where it shows.

When unsure it keeps failures apart: a merge must never hide a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.judge import Judge
from apifuzz.engine.normalize import (
    BUDGET,
    GENERIC,
    Calls,
    Form,
    Reducer,
    judge_runner,
)
from apifuzz.engine.triage import Signature
from apifuzz.language import Language, LoadedTarget


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
            return self._across(one, two)
        if known.signature == new.signature:
            return Decision(True, f"same signature, {one.surface.describe()}")
        if one.statements == two.statements:
            return Decision(True, f"both reduce to: {one.text()}")
        return Decision(False, f"different normal forms: {one.text()} | {two.text()}")

    def _across(self, one: Form, two: Form) -> Decision:
        """Failures that surfaced differently: one bug only when one corrupted state breaks
        many methods (not a shared setup that two bugs happen to start from)."""
        what = f"{one.surface.describe()} vs {two.surface.describe()}"
        prefix = one.statements[:-1]
        if not prefix or prefix != two.statements[:-1]:
            return Decision(False, f"different API methods: {what}")
        broken = self.reducer.failing_methods(prefix, (one.statements[-1], two.statements[-1]))
        if len(broken) < GENERIC:
            return Decision(False, f"different API methods: {what} after a shared setup")
        names = ", ".join(sorted(broken))
        return Decision(True, f"one corrupted state breaks {len(broken)} methods: {names}")
