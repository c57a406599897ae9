"""Bug folders: variants inside, moved atomically, found by workers, read back whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from apifuzz.engine.bugs import load_bugs, mark_bug, move_variant, read_triage, split_variants
from apifuzz.engine.crashes import (
    CrashStore,
    artifact_lock,
    find_artifacts,
    load_crashes,
    locate,
)
from apifuzz.engine.triage import Signature
from apifuzz.interpreter.report import Bug, BugKind
from apifuzz.language import LOCK_NAME


def signature(function: str, method: str = "m") -> Signature:
    return Signature("exception", "KeyError", "model.py", function, 10, method=method)


def bug() -> Bug:
    return Bug(BugKind.EXCEPTION, KeyError(1), 2, "m")


def store(root: Path, worker: str = "0") -> CrashStore:
    return CrashStore(root, worker, "apifuzz replay model {folder}")


def test_a_moved_variant_keeps_its_files_counts_and_replay_command(tmp_path: Path) -> None:
    root = tmp_path / "crashes"
    s = store(root)
    first, second = signature("_a"), signature("_b")
    assert s.hit(first, bug(), b"a 1\n", "tb a") and s.hit(second, bug(), b"b 2\n", "tb b")
    s.flush()
    mark_bug(root / first.key(), "first")
    moved = move_variant(root / second.key(), root / first.key(), "same corruption")
    assert moved == root / first.key() / "variants" / second.key()
    assert (moved / "input.txt").read_bytes() == b"b 2\n"
    assert str(moved.resolve()) in (moved / "reproduce.sh").read_text()
    triage = read_triage(moved)
    assert triage is not None and (triage.status, triage.of) == ("variant", first.key())

    (only,) = load_bugs(root).bugs
    assert only.key == first.key() and [v.key for v in only.variants] == [second.key()]
    assert only.count == 2 and len(load_crashes(root)) == 2
    # A worker that sees the variant again finds it where it is now: not new, counted there.
    again = store(root, "1")
    assert again.hit(second, bug(), b"b 3\n", "tb") is False
    again.flush()
    assert (moved / "count-1.json").is_file() and not (root / second.key()).exists()
    assert locate(root, second.key()) == moved
    # One regression test per bug: the variants are not searched.
    assert find_artifacts(tmp_path) == [root / first.key()]
    assert find_artifacts(moved) == [moved]


def test_counts_add_up_across_runs(tmp_path: Path) -> None:
    first = signature("_a")
    for _ in range(2):  # two runs, each with its worker 0
        s = store(tmp_path)
        s.hit(first, bug(), b"a 1\n", "tb")
        s.hit(first, bug(), b"a 1\n", "tb")
        s.flush()
    (record,) = load_crashes(tmp_path)
    assert record.count == 4


def test_split_variants_puts_every_signature_back_undecided(tmp_path: Path) -> None:
    s = store(tmp_path)
    keys = [signature(f"_{n}").key() for n in "abc"]
    for n in "abc":
        s.hit(signature(f"_{n}"), bug(), n.encode(), "tb")
    mark_bug(tmp_path / keys[0], "first")
    for key in keys[1:]:
        move_variant(tmp_path / key, tmp_path / keys[0], "same")
    assert len(load_bugs(tmp_path).bugs) == 1
    split_variants(tmp_path / keys[0])
    bugs = load_bugs(tmp_path)
    assert sorted(b.key for b in bugs.bugs) == sorted(keys)
    assert len(bugs.pending()) == 3


def test_a_damaged_folder_is_named_and_kept(tmp_path: Path) -> None:
    s = store(tmp_path)
    good = signature("_a")
    s.hit(good, bug(), b"a\n", "tb")
    broken = tmp_path / "exception-KeyError-_x-0123456789"
    broken.mkdir()
    (broken / "input.txt").write_text("a\n")
    (broken / "signature.json").write_text('{"signature": {"kind": "exc')
    variants = tmp_path / good.key() / "variants" / "junk"
    variants.mkdir(parents=True)
    bugs = load_bugs(tmp_path)
    assert [b.key for b in bugs.bugs] == [good.key()]
    assert bugs.damaged == sorted([broken, variants])
    assert all(str(p) in line for p, line in zip(bugs.damaged, bugs.warnings(), strict=True))
    assert broken.is_dir() and variants.is_dir()


def test_a_variants_aliases_are_its_workdirs(tmp_path: Path) -> None:
    (tmp_path / LOCK_NAME).write_text("{}")
    variant = tmp_path / "crashes" / "bug" / "variants" / "sig"
    variant.mkdir(parents=True)
    assert artifact_lock(variant) == tmp_path / LOCK_NAME


KILLER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from apifuzz.engine.bugs import load_bugs, mark_bug, move_variant

    root = Path(sys.argv[1])
    while True:  # merge everything into the first bug, split, again and again
        bugs = load_bugs(root).bugs
        first = bugs[0].folder
        mark_bug(first, "first")
        for other in bugs[1:]:
            move_variant(other.folder, first, "same")
        from apifuzz.engine.bugs import split_variants
        split_variants(first)
    """
)


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3])
def test_kill_9_during_triage_loses_nothing(tmp_path: Path, delay: float) -> None:
    s = store(tmp_path)
    keys = set()
    for n in range(12):
        sig = signature(f"_f{n}")
        s.hit(sig, bug(), f"s {n}\n".encode(), "tb")
        keys.add(sig.key())
    s.flush()
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(tmp_path)])
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    bugs = load_bugs(tmp_path)
    assert {r.key for r in bugs.signatures()} == keys and not bugs.damaged
    for record in bugs.signatures():
        assert json.loads((record.folder / "signature.json").read_text())["summary"]
        assert (record.folder / "input.txt").read_bytes().startswith(b"s ")


def test_a_full_disk_is_apifuzzs_failure_not_a_lost_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import tempfile

    from apifuzz.engine.crashes import StoreError

    def full(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    s = store(tmp_path)
    monkeypatch.setattr(tempfile, "mkdtemp", full)
    with pytest.raises(StoreError) as raised:
        s.hit(signature("_a"), bug(), b"a\n", "tb")
    assert raised.value.errno == errno.ENOSPC and str(tmp_path) in str(raised.value)


def test_a_traceback_with_a_lone_surrogate_is_written(tmp_path: Path) -> None:
    s = store(tmp_path)
    assert s.hit(signature("_a"), bug(), b"a\n", "ValueError: bad name '\ud800'\n")
    (record,) = load_crashes(tmp_path)
    assert "\\ud800" in (record.folder / "traceback.txt").read_text()


def test_a_signature_recorded_without_its_api_method_still_matches() -> None:
    old = Signature("exception", "KeyError", "model.py", "_a", 10)
    assert old.matches(signature("_a", "m")) and signature("_a", "m").matches(old)
    assert not signature("_a", "m").matches(signature("_a", "n"))
    assert not old.matches(signature("_b", "m")) and not old.matches(None)
    assert old.key() == "exception-KeyError-_a-" + old.key().rsplit("-", 1)[1]


def test_a_bug_with_variants_moves_into_another_one_signature_at_a_time(tmp_path: Path) -> None:
    from typing import cast

    from apifuzz.engine.crashes import MINIMIZED_NAME, MinimizeRecord, write_minimize_record
    from apifuzz.engine.grouping import triage_pending
    from apifuzz.engine.rootcause import Case, Decision, RootCause

    class SameAlways:
        def same_bug(self, known: Case, new: Case) -> Decision:
            return Decision(True, "same")

    s = store(tmp_path)
    keys = [signature(f"_{n}").key() for n in "abc"]
    for n in "abc":
        s.hit(signature(f"_{n}"), bug(), n.encode(), "tb")
    for key in keys:
        (tmp_path / key / MINIMIZED_NAME).write_text("m\n")
        write_minimize_record(
            tmp_path / key, MinimizeRecord("minimized", 1, 1, 0.1, 1, True, False, "", None)
        )
    mark_bug(tmp_path / keys[0], "first")
    move_variant(tmp_path / keys[2], tmp_path / keys[1], "same")  # b's decision lost
    outcomes = triage_pending(tmp_path, cast(RootCause, SameAlways()))
    # b keeps its variant at its turn, then, on the second look, moves into a: its
    # variant first, then b itself; none ends up hidden two levels down.
    assert [(o.key, o.merged) for o in outcomes] == [(keys[1], True), (keys[2], True)]
    bugs = load_bugs(tmp_path)
    assert [b.key for b in bugs.bugs] == [keys[0]]
    assert {r.key for r in bugs.signatures()} == set(keys)
    assert not list(tmp_path.glob("*/variants/*/variants/*"))


def test_hand_edited_records_are_damaged_or_skipped_never_a_traceback(tmp_path: Path) -> None:
    s = store(tmp_path)
    good, odd, bare = signature("_a"), signature("_b"), signature("_c")
    for sig in (good, odd, bare):
        s.hit(sig, bug(), b"a\n", "tb")
    s.flush()
    (tmp_path / good.key() / "count-9.json").write_text(
        '{"count": 1, "first_seen": Infinity, "last_seen": NaN}'
    )
    info = json.loads((tmp_path / odd.key() / "signature.json").read_text())
    info["signature"]["file"] = 5
    (tmp_path / odd.key() / "signature.json").write_text(json.dumps(info))
    (tmp_path / bare.key() / "input.txt").unlink()
    bugs = load_bugs(tmp_path)
    assert [b.key for b in bugs.bugs] == [good.key()] and bugs.bugs[0].count == 1
    assert bugs.damaged == sorted([tmp_path / odd.key(), tmp_path / bare.key()])
