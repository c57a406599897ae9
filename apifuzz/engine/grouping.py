"""Triage: each new signature becomes a bug of its own or a variant of a known one.

Runs after minimization, on the folders :class:`~apifuzz.engine.bugs.Bugs`
calls pending, oldest first, one at a time, so each decision sees the ones
before it.  The evidence is the minimized scripts; :class:`RootCause`
weighs it.  A folder that could not be minimized (flaky, or it no longer
shows its bug in a fresh process) has no evidence: it stays a bug of its own.
A folder not minimized yet stays pending, for a later run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apifuzz.engine.bugs import BugRecord, load_bugs, mark_bug, move_variant
from apifuzz.engine.crashes import MINIMIZED_NAME, CrashRecord, read_minimize_record
from apifuzz.engine.rootcause import Case, RootCause


@dataclass(frozen=True)
class Outcome:
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
    root: Path, root_cause: RootCause, log: Callable[[str], None] = lambda line: None
) -> list[Outcome]:
    """Decide every pending folder of ``root`` (a ``crashes/`` folder); what was decided."""
    bugs = load_bugs(root)
    known = [b for b in bugs.bugs if b.triage is not None and b.triage.status == "bug"]
    decisions = []
    for pending in bugs.pending():
        record = pending.representative
        minimize = read_minimize_record(record.folder)
        if minimize is None:
            continue  # not minimized yet: no evidence, decide later
        decision = _decide(pending, known, root_cause)
        log(f"{decision.key}: {decision.reason}")
        decisions.append(decision)
        if not decision.merged:
            known.append(pending)
    return decisions


def _decide(pending: BugRecord, known: list[BugRecord], root_cause: RootCause) -> Outcome:
    record = pending.representative
    case = case_of(record)
    if case is None:
        reason = "not minimized (flaky or no longer shown): kept apart"
        mark_bug(record.folder, reason)
        return Outcome(record.key, record.key, reason, record.folder)
    for bug in known:
        # Every variant: a known script's normal form is reduced once and cached.
        for other in bug.signatures:
            other_case = case_of(other)
            if other_case is None:
                continue
            verdict = root_cause.same_bug(other_case, case)
            if verdict.same:
                record.folder = move_variant(record.folder, bug.folder, verdict.reason)
                bug.variants.append(record)
                return Outcome(record.key, bug.key, verdict.reason, record.folder)
    reason = "no known bug shares its cause"
    mark_bug(record.folder, reason)
    return Outcome(record.key, record.key, reason, record.folder)
