"""``apifuzz fuzz`` end to end, in a subprocess: what it finds and what it leaves on disk."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apifuzz.engine.corpus import is_whole
from apifuzz.engine.crashes import load_crashes

SUPPORT = Path(__file__).resolve().parents[1] / "support"
pytestmark = pytest.mark.slow


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return dict(base, PYTHONPATH=str(SUPPORT), **extra)


def fuzz(
    tmp_path: Path, *args: str, timeout: float = 120, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "fuzz", "fuzz_models", *args],
        cwd=tmp_path,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def crashes(tmp_path: Path) -> list[str]:
    return sorted(
        r.signature.describe()
        for r in load_crashes(tmp_path / ".apifuzz" / "fuzz_models" / "crashes")
    )


def test_finds_a_bug_within_60_seconds(tmp_path: Path) -> None:
    started = time.monotonic()
    result = fuzz(tmp_path, "--max-time", "60", "--stop-on-first")
    assert result.returncode == 1, result.stdout + result.stderr
    assert time.monotonic() - started < 60
    (found,) = crashes(tmp_path)
    assert found.startswith("ZeroDivisionError in divide at fuzz_models.py:")
    assert "1 bug (1 variant); 1 shown by this run" in result.stdout
    assert re.search(r"^time to the first new bug: \d+\.\ds \(bug 1\)$", result.stdout, re.M)
    assert "run:    sh .apifuzz/fuzz_models/crashes/exception-ZeroDivisionError" in result.stdout
    assert "(run: replays the bug; with to-test added at the end, writes its" in result.stdout
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("exception-*"))
    assert {p.name for p in folder.iterdir()} >= {
        "input.txt",
        "traceback.txt",
        "signature.json",
        "reproduce.sh",
    }
    assert "ZeroDivisionError" in (folder / "traceback.txt").read_text()
    replay = subprocess.run(
        ["sh", str(folder / "reproduce.sh")],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert replay.returncode == 1 and "BUG: " in replay.stdout


def test_each_new_bug_is_minimized_after_the_run(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "--max-time", "60", "--stop-on-first")
    assert result.returncode == 1, result.stdout + result.stderr
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("exception-*"))
    minimized = (folder / "minimized.txt").read_text()
    statements = [line for line in minimized.splitlines() if not line.startswith("#")]
    assert statements[-1].startswith("divide ") and statements[-1].endswith(" 100")
    assert len(statements) <= 2  # "new 0" may be needed for a live cell
    assert "INFO: minimizing 1 new signature" in result.stdout
    assert f"[1/1] {folder.name}: minimized: " in result.stdout
    assert f"minimized: {len(statements)} statements (from " in result.stdout
    assert f"run:    sh {folder.relative_to(tmp_path)}/reproduce.sh\n" in result.stdout
    record = json.loads((folder / "minimize.json").read_text())
    assert record["status"] == "minimized" and record["after"] == len(statements)


def test_a_bug_left_unminimized_is_minimized_by_the_next_run(tmp_path: Path) -> None:
    first = fuzz(tmp_path, "--max-time", "60", "--stop-on-first", "--minimize-time", "0")
    assert first.returncode == 1, first.stdout + first.stderr
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("exception-*"))
    assert not (folder / "minimize.json").exists() and "INFO: minimizing" not in first.stdout
    again = fuzz(tmp_path, "--max-time", "3")
    # Minimized while the workers run (background triage) or right after they stop.
    assert "script: " in again.stdout and "not minimized" not in again.stdout, again.stdout
    assert (folder / "minimized.txt").exists() and (folder / "minimize.json").exists()
    assert "time to the first new bug" not in again.stdout  # the bug is on record, not new


def test_a_bug_that_does_not_replay_is_reported_flaky(tmp_path: Path) -> None:
    result = fuzz(
        tmp_path,
        "--max-time",
        "60",
        "--stop-on-first",
        APIFUZZ_TEST_WEAR="1",
        APIFUZZ_TEST_NO_DIVIDE_BUG="1",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("exception-*"))
    assert "OSError" in folder.name
    assert (
        "flaky: the worker saw it, a fresh process does not (not reproduced: every replay "
        "gave no bug (recorded: OSError in wear"
    ) in result.stdout
    assert not (folder / "minimized.txt").exists()


def test_two_bugs_give_two_signatures_and_repeats_count_once(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "--max-time", "25", APIFUZZ_TEST_LABEL_BUG="1")
    assert result.returncode == 1, result.stdout + result.stderr
    found = crashes(tmp_path)
    assert len(found) == 2, found
    assert found[0].startswith("ZeroDivisionError in divide")
    assert found[1].startswith("invariant whole: AssertionError in whole")
    records = load_crashes(tmp_path / ".apifuzz" / "fuzz_models" / "crashes")
    assert max(r.count for r in records) > 1  # hit again and again, stored once
    assert "2 bugs (2 variants); 2 shown by this run" in result.stdout


def test_a_hang_becomes_a_timeout_bug(tmp_path: Path) -> None:
    result = fuzz(
        tmp_path,
        "--max-time",
        "60",
        "--timeout",
        "0.5",
        "--stop-on-first",
        APIFUZZ_TEST_HANG="1",
        APIFUZZ_TEST_NO_DIVIDE_BUG="1",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    (found,) = crashes(tmp_path)
    assert found.startswith("timeout in spin")
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("timeout-*"))
    assert "ran longer than 0.5s" in (folder / "traceback.txt").read_text()


def test_two_jobs_share_the_crash_folders(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "--max-time", "15", "--jobs", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(crashes(tmp_path)) == 1
    folder = next((tmp_path / ".apifuzz" / "fuzz_models" / "crashes").glob("exception-*"))
    counts = sorted(p.name for p in folder.glob("count-*.json"))
    assert counts == ["count-0.json", "count-1.json"]  # both workers hit it; one folder
    stats = sorted((tmp_path / ".apifuzz" / "fuzz_models" / "stats").glob("[0-9].json"))
    assert [json.loads(p.read_text())["runs"] > 0 for p in stats] == [True, True]


def test_kill_9_leaves_whole_files_and_a_rerun_resumes(tmp_path: Path) -> None:
    workdir = tmp_path / ".apifuzz" / "fuzz_models"
    proc = subprocess.Popen(
        [sys.executable, "-m", "apifuzz", "fuzz", "fuzz_models", "--max-time", "120"],
        cwd=tmp_path,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not load_crashes(workdir / "crashes"):
        time.sleep(0.5)
    time.sleep(2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    corpus = list((workdir / "corpus").iterdir())
    assert corpus and all(is_whole(p) for p in corpus)
    records = load_crashes(workdir / "crashes")
    assert len(records) == 1
    for name in ("input.txt", "traceback.txt", "signature.json", "reproduce.sh"):
        assert (records[0].folder / name).stat().st_size > 0
    json.loads((records[0].folder / "signature.json").read_text())
    before = len(corpus)
    again = fuzz(tmp_path, "--max-time", "5")
    assert again.returncode == 1, again.stdout + again.stderr
    assert len(list((workdir / "corpus").iterdir())) >= before
    assert "  new " not in again.stdout  # the bug was already known
    assert all(is_whole(p) for p in (workdir / "corpus").iterdir())


def test_bytes_mutator_and_run_limit(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "--mutator", "bytes", "--runs", "3000", APIFUZZ_TEST_NO_DIVIDE_BUG="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no bug found" in result.stdout
    assert "== apifuzz fuzz fuzz_models: 3000 runs" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "apifuzz fuzz: error: --jobs must be positive, got 0"),
        (["--corpus", "missing"], "apifuzz fuzz: error: --corpus missing: no such folder"),
        (["--mutator", "nope"], "apifuzz fuzz: error: argument --mutator: invalid choice: 'nope'"),
        (["--max-time", "-1"], "apifuzz fuzz: error: --max-time must be positive, got -1.0"),
        (["--max-len", "0"], "apifuzz fuzz: error: --max-len must be positive, got 0"),
        (["--", "-fork=2"], "apifuzz fuzz: error: libFuzzer flag -fork=2 is not supported here"),
        (["--", "-merge=1"], "apifuzz fuzz: error: libFuzzer flag -merge=1 is not supported"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = fuzz(tmp_path, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1


def test_default_max_len_follows_libfuzzer(tmp_path: Path) -> None:
    from apifuzz.engine.corpus import DEFAULT_MAX_LEN, default_max_len

    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    (small / "a.txt").write_bytes(b"x" * 100)
    (big / "b.txt").write_bytes(b"x" * 10_000)
    (small / "aliases.lock").write_bytes(b"x" * 20_000)  # not an input
    (small / ".partial").write_bytes(b"x" * 30_000)  # hidden: not an input
    assert default_max_len([]) == default_max_len([small]) == DEFAULT_MAX_LEN == 4096
    assert default_max_len([small, big, tmp_path / "missing"]) == 10_000


def test_a_resumed_run_keeps_the_long_inputs_of_its_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / ".apifuzz" / "fuzz_models" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "long").write_text("new 1\n" * 1000)  # 6000 bytes, from a run with --max-len 8000
    result = fuzz(tmp_path, "--runs", "10")
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads((corpus.parent / "stats" / "config-0.json").read_text())
    assert config["max_len"] == 6000


def _worker_pids(workdir: Path, jobs: int, timeout: float = 60) -> list[int]:
    """The pids the workers wrote into their stats files, once all have."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = []
        for k in range(jobs):
            try:
                pids.append(int(json.loads((workdir / "stats" / f"{k}.json").read_text())["pid"]))
            except (OSError, ValueError, KeyError):
                break
        if len(pids) == jobs:
            return pids
        time.sleep(0.2)
    raise AssertionError("the workers never wrote their stats")


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ")[-1].startswith("Z"):
                    return True  # exited, not reaped yet
        except OSError:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_killing_the_runner_stops_its_workers(tmp_path: Path, how: signal.Signals) -> None:
    workdir = tmp_path / ".apifuzz" / "fuzz_models"
    proc = subprocess.Popen(
        [sys.executable, "-m", "apifuzz", "fuzz", "fuzz_models", "--jobs", "2"],  # no time limit
        cwd=tmp_path,
        env=env(APIFUZZ_TEST_NO_DIVIDE_BUG="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pids: list[int] = []
    try:
        pids = _worker_pids(workdir, 2)
        proc.send_signal(how)  # the runner only: its workers are not signalled
        out, _ = proc.communicate(timeout=60)
        # SIGTERM: the runner stops them, as for Ctrl-C; SIGKILL: they see they are orphans.
        assert all(_gone(pid, 15) for pid in pids), out
        if how == signal.SIGTERM:
            assert "interrupted; stopping the workers" in out
            assert proc.returncode == 130 and "no bug found" in out, out  # the summary still comes
    finally:
        proc.kill()
        for pid in pids:  # never leave a worker behind, whatever failed
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
