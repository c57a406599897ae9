"""Triage: each new signature becomes a bug of its own or a variant of a known one.

Runs after minimization, on the folders :class:`~apifuzz.engine.bugs.Bugs`
calls pending, oldest first, one at a time, so each decision sees the ones
before it.  The evidence is the minimized scripts; :class:`RootCause`
weighs it.  A folder that could not be minimized (flaky, or it no longer
shows its bug in a fresh process) has no evidence: it stays a bug of its own.
A folder not minimized yet stays pending, for a later run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from apifuzz.engine.bugs import BugRecord, load_bugs, mark_bug, move_variant
from apifuzz.engine.crashes import MINIMIZED_NAME, VARIANTS_NAME, CrashRecord, read_minimize_record
from apifuzz.engine.rootcause import Case, RootCause


@dataclass(frozen=True)
class Triaged:
    """What triage did with one folder."""

    key: str  # the signature's key
    bug: str  # the key of the bug it is now part of (its own key: a new bug)
    reason: str
    folder: Path  # where it is now

    @property
    def merged(self) -> bool:
        """Whether it became a variant of another bug."""
        return self.bug != self.key


def case_of(record: CrashRecord) -> Case | None:
    """A signature's evidence: its minimized script, when minimization wrote one."""
    minimize = read_minimize_record(record.folder)
    if minimize is None or minimize.status != "minimized":
        return None
    try:
        script = (record.folder / MINIMIZED_NAME).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return Case(record.signature, script)


def triage_pending(
    root: Path,
    root_cause: RootCause,
    log: Callable[[str], None] = lambda line: None,
    again: Collection[str] = (),
) -> list[Triaged]:
    """Decide every pending folder of ``root`` (a ``crashes/`` folder); what was decided.

    A bug decided here met only the variants known at its turn; once all are decided,
    each new bug gets a second look, its representative against every signature of the
    bugs as they are now (a variant decided later can be what links two), so the order
    of arrival matters less.  So do the bugs decided before whose keys are in ``again``
    (at the end of a run, the bugs it decided while its workers fuzzed, each when it
    came).  A bug found one with another moves there whole, variants first.
    """
    bugs = load_bugs(root)
    known = [b for b in bugs.bugs if b.triage is not None and b.triage.status == "bug"]
    earlier = [b for b in known if b.key in again]
    decisions: dict[str, Triaged] = {}
    fresh = []
    for pending in bugs.pending():
        record = pending.representative
        minimize = read_minimize_record(record.folder)
        if minimize is None:
            continue  # not minimized yet: no evidence, decide later
        decision = _decide(pending, known, root_cause)
        log(f"{decision.key}: {decision.reason}")
        decisions[decision.key] = decision
        if not decision.merged:
            known.append(pending)
            fresh.append(pending)
    for bug in fresh + earlier:
        if bug not in known:  # moved into another bug already
            continue
        match = _match_bug(bug, [b for b in known if b is not bug], root_cause)
        if match is None:
            continue
        known.remove(bug)
        for decision in _merge_bug(bug, *match):
            log(f"{decision.key}: {decision.reason}")
            decisions[decision.key] = decision
    return list(decisions.values())


def _match_bug(
    bug: BugRecord, known: list[BugRecord], root_cause: RootCause
) -> tuple[BugRecord, str] | None:
    """The first known bug that ``bug``'s representative is a variant of, and why.

    Its representative, not any of its variants: a bug that moves takes all its
    variants along, so one doubtful variant must not carry a whole bug away."""
    case = case_of(bug.representative)
    return _match(case, known, root_cause) if case else None


def _merge_bug(bug: BugRecord, into: BugRecord, reason: str) -> list[Triaged]:
    """Move ``bug``'s variants, then its representative, into ``into``'s variants.

    One rename each: a kill in between leaves ``bug`` with fewer variants, every
    signature in exactly one bug."""
    moved = []
    for record in list(bug.variants):
        why = f"with {bug.key}, which is one bug with it: {reason}"
        record.folder = move_variant(record.folder, into.folder, why)
        bug.variants.remove(record)
        into.variants.append(record)
        moved.append(Triaged(record.key, into.key, why, record.folder))
    with contextlib.suppress(OSError):  # emptied: a variant folder holds no variants
        (bug.folder / VARIANTS_NAME).rmdir()
    moved.append(_merge(bug.representative, into, reason))
    return moved


def _decide(pending: BugRecord, known: list[BugRecord], root_cause: RootCause) -> Triaged:
    record = pending.representative
    case = case_of(record)
    if case is None or pending.variants:
        # A bug folder moves whole: one with variants of its own (its decision lost to a
        # kill, say) would take them out of sight inside another bug's variants/.
        reason = "not minimized (flaky or no longer shown): kept apart"
        if pending.variants:
            reason = "holds variants of its own: kept as their bug"
        mark_bug(record.folder, reason)
        return Triaged(record.key, record.key, reason, record.folder)
    match = _match(case, known, root_cause)
    if match is not None:
        return _merge(record, *match)
    reason = "no known bug shares its cause"
    mark_bug(record.folder, reason)
    return Triaged(record.key, record.key, reason, record.folder)


def _match(
    case: Case, known: list[BugRecord], root_cause: RootCause
) -> tuple[BugRecord, str] | None:
    """The first known bug ``case`` is a variant of, and why."""
    for bug in known:
        # Every variant: a known script's normal form is reduced once and cached.
        for other in bug.signatures:
            other_case = case_of(other)
            if other_case is None:
                continue
            verdict = root_cause.same_bug(other_case, case)
            if verdict.same:
                return bug, verdict.reason
    return None


def _merge(record: CrashRecord, bug: BugRecord, reason: str) -> Triaged:
    """Move ``record``'s folder into ``bug``'s variants."""
    record.folder = move_variant(record.folder, bug.folder, reason)
    bug.variants.append(record)
    return Triaged(record.key, bug.key, reason, record.folder)
