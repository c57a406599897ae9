"""Triage of pending folders: the order in which signatures arrive matters as little as it can."""

from __future__ import annotations

import time
from pathlib import Path

from apifuzz.engine.bugs import load_bugs
from apifuzz.engine.crashes import (
    MINIMIZED_NAME,
    CrashStore,
    MinimizeRecord,
    write_minimize_record,
)
from apifuzz.engine.grouping import triage_pending
from apifuzz.engine.rootcause import Case, Decision
from apifuzz.engine.triage import Signature
from apifuzz.interpreter.report import Bug, BugKind


class Links:
    """A stand-in for :class:`RootCause`: two scripts are one bug when a pair says so."""

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self.pairs = {frozenset(p) for p in pairs}

    def same_bug(self, known: Case, new: Case) -> Decision:
        same = frozenset((known.script.strip(), new.script.strip())) in self.pairs
        return Decision(same, "linked" if same else "apart")


def pending(root: Path, function: str, script: str) -> None:
    signature = Signature("exception", "KeyError", "model.py", function, 10, method=function)
    store = CrashStore(root, "0", "apifuzz replay model {folder}")
    assert store.hit(signature, Bug(BugKind.EXCEPTION, KeyError(1), 1, function), b"x\n", "tb")
    folder = root / signature.key()
    (folder / MINIMIZED_NAME).write_text(script + "\n")
    write_minimize_record(
        folder, MinimizeRecord("minimized", 3, 1, 0.1, 9, True, False, "3 -> 1", None)
    )
    time.sleep(0.01)  # first seen in this order


def test_a_bug_decided_early_joins_a_later_variant_it_shares_its_cause_with(
    tmp_path: Path,
) -> None:
    root = tmp_path / "crashes"
    # "c" arrives before "b", and only "b" links it to "a".
    for function, script in (("fa", "a"), ("fc", "c"), ("fb", "b")):
        pending(root, function, script)
    links = Links(("a", "b"), ("b", "c"))
    decisions = triage_pending(root, links)  # a stand-in
    assert sum(d.merged for d in decisions) == 2
    bugs = load_bugs(root).bugs
    assert len(bugs) == 1 and len(bugs[0].variants) == 2
    assert len(decisions) == 3  # one decision per signature, the last word kept


def test_unlinked_bugs_stay_apart(tmp_path: Path) -> None:
    root = tmp_path / "crashes"
    for function, script in (("fa", "a"), ("fc", "c"), ("fb", "b")):
        pending(root, function, script)
    decisions = triage_pending(root, Links(("a", "b")))  # a stand-in
    assert sum(d.merged for d in decisions) == 1
    assert len(load_bugs(root).bugs) == 2


def test_bugs_decided_in_earlier_calls_get_a_second_look_when_asked(tmp_path: Path) -> None:
    # A run decides each signature as it comes: "c" first, alone; then "a", alone; then
    # "b", which joins "a" and is what links "c" to it.  "c" was decided before "b"
    # came, so only a second look at the run's bugs (at its end) brings it over.
    root = tmp_path / "crashes"
    links = Links(("a", "b"), ("b", "c"))
    for function, script in (("fc", "c"), ("fa", "a"), ("fb", "b")):
        pending(root, function, script)
        triage_pending(root, links)  # a stand-in
    assert len(load_bugs(root).bugs) == 2
    keys = frozenset(bug.key for bug in load_bugs(root).bugs)
    decisions = triage_pending(root, links, again=keys)  # a stand-in
    bugs = load_bugs(root).bugs
    assert len(bugs) == 1 and len(bugs[0].variants) == 2
    assert any(d.merged for d in decisions)
