"""The summary's time to the first new bug of a run."""

from __future__ import annotations

from pathlib import Path

from apifuzz.campaign.summary import first_bug
from apifuzz.engine.bugs import BugRecord
from apifuzz.engine.crashes import CrashRecord
from apifuzz.engine.triage import Signature


def record(function: str, first_seen: float) -> CrashRecord:
    signature = Signature("exception", "KeyError", "model.py", function, 10, method=function)
    return CrashRecord(signature.key(), signature, "KeyError", first_seen, first_seen, count=1)


def bug(*records: CrashRecord) -> BugRecord:
    return BugRecord(Path(records[0].key), records[0], list(records[1:]))


def test_the_first_new_bug_is_timed_from_the_start_of_the_run() -> None:
    old, late, early = record("_old", 50.0), record("_late", 130.0), record("_early", 102.5)
    bugs = [bug(old), bug(late), bug(early)]
    assert first_bug(bugs, {old.key: 1}, started_at=100.0) == (
        "time to the first new bug: 2.5s (bug 3)"
    )


def test_a_new_variant_of_a_bug_on_record_is_not_a_new_bug() -> None:
    old, variant = record("_old", 50.0), record("_variant", 101.0)
    assert first_bug([bug(old, variant)], {old.key: 1}, started_at=100.0) == ""


def test_no_new_bug_no_line() -> None:
    old = record("_old", 50.0)
    assert first_bug([bug(old)], {old.key: 3}, started_at=100.0) == ""
    assert first_bug([], {}, started_at=100.0) == ""
    # A run stopped before its workers started has no start time.
    assert first_bug([bug(record("_new", 120.0))], {}, started_at=float("inf")) == ""
