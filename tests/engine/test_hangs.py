"""A hang is one statement that does not return in time, not a script that is long."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hang_models
import pytest

from apifuzz.engine.hangs import HangClock, alarm
from apifuzz.engine.isolated import IsolatedJudge
from apifuzz.engine.judge import Judge
from apifuzz.engine.native import GRACE, REARM
from apifuzz.engine.triage import Hang
from apifuzz.interpreter.runner import Position
from apifuzz.language import Language

SUPPORT = Path(__file__).resolve().parents[1] / "support"
STUCK = hang_models.STUCK_AFTER
#: Long enough for the slowest statement of a loaded machine; short enough for a test.
TIMEOUT = 0.5


def judge(timeout: float = TIMEOUT) -> Judge:
    return Judge(Language.build(hang_models.target), ["hang_models"], timeout=timeout)


def test_a_call_that_never_returns_is_a_hang_after_the_statements_before_it() -> None:
    script = "tick\n" * (STUCK + 5)
    started = time.monotonic()
    verdict = judge().run(script)
    assert time.monotonic() - started < 30
    assert verdict.hang and verdict.signature is not None and verdict.bug is not None
    assert verdict.signature.kind == "timeout" and verdict.signature.function == "_forever"
    assert verdict.bug.line == STUCK + 1 and verdict.bug.method == "tick"
    # The counts say what ran: every call before the one that hung.
    assert (verdict.report.executed, verdict.report.refused) == (STUCK, 0)
    assert verdict.bug.summary() == (
        f"line {STUCK + 1}, in tick: Hang: the statement ran longer than {TIMEOUT:g}s"
    )


def test_the_invariant_after_a_call_can_hang_too() -> None:
    verdict = judge().run("add 1\nadd 2\npoison\nadd 3\n")
    assert verdict.hang and verdict.bug is not None and verdict.signature is not None
    assert verdict.signature.kind == "timeout"
    assert (verdict.bug.line, verdict.bug.method, verdict.bug.invariant) == (3, "poison", "settled")
    assert verdict.report.executed == 3  # poison returned; its invariant did not


def test_a_script_that_runs_longer_than_the_timeout_is_no_hang() -> None:
    naps = int(2 * TIMEOUT / hang_models.NAP)  # each well within the timeout, all twice over it
    verdict = judge().run("add 1\n" + "nap\n" * naps)
    assert verdict.signature is None and not verdict.hang, verdict.bug
    assert verdict.report.executed == naps + 1


def test_in_a_child_too_only_a_statement_is_timed() -> None:
    # The parent ends a child stuck past the timeout and a grace: since the last call began.
    isolated = IsolatedJudge(Language.build(hang_models.target), ["hang_models"], timeout=TIMEOUT)
    naps = int((TIMEOUT + GRACE + 1) / hang_models.NAP)
    verdict = isolated.run("nap\n" * naps)
    assert verdict.signature is None and not verdict.hang, verdict.bug
    assert verdict.report.executed == naps
    stuck = isolated.run("add 1\n" + "tick\n" * (STUCK + 2))
    assert stuck.hang and stuck.bug is not None and stuck.bug.line == STUCK + 2
    assert stuck.report.executed == STUCK + 1
    assert stuck.bug.summary().endswith(f"Hang: the statement ran longer than {TIMEOUT:g}s")


def test_a_script_of_any_length_runs() -> None:
    lines = 300_000
    verdict = judge().run("add 1\n" * lines)
    assert verdict.signature is None and not verdict.hang, verdict.bug
    assert verdict.report.executed == lines


def test_the_clock_fires_only_while_the_statement_does_not_move() -> None:
    position = Position()
    clock = HangClock(position, 0.4)
    assert (clock.tick, clock.ticks) == (0.1, 4)
    clock.arm()
    clock.disarm()
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    for index in range(10):  # a statement per tick: a script that moves is never a hang
        position.index = index
        clock(signal.SIGALRM, None)
    for _ in range(clock.ticks - 1):
        clock(signal.SIGALRM, None)
    with pytest.raises(Hang, match=r"the statement ran longer than 0\.4s"):
        clock(signal.SIGALRM, None)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # stopped: no second Hang
    # A timeout below the shortest tick still needs one unchanged tick.
    assert (HangClock(position, 1e-6).tick, HangClock(position, 1e-6).ticks) == (0.001, 1)
    assert HangClock.of(position, 0) is None and HangClock.of(position, float("inf")) is None


def test_alarm_raises_hang_in_the_block_and_restores_the_handler() -> None:
    def mine(signum: int, frame: object) -> None:
        raise AssertionError("not this one")

    position = Position()
    previous = signal.signal(signal.SIGALRM, mine)
    try:
        with pytest.raises(Hang), alarm(0.05, position):
            time.sleep(5)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        limit = alarm(5, position)
        for _ in range(2):  # reusable
            with limit:
                pass
            assert signal.getsignal(signal.SIGALRM) is mine
            assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        with alarm(0, position):  # no limit: the handler is not even touched
            assert signal.getsignal(signal.SIGALRM) is mine
    finally:
        signal.signal(signal.SIGALRM, previous)


def apifuzz(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=tmp_path,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=300,
    )


def replay(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return apifuzz(tmp_path, "replay", "-q", "hang_models", *args)


def test_replay_counts_what_ran_before_a_hang_and_runs_long_scripts(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.txt"
    stuck.write_text("add 5\n" * 10 + "tick\n" * (STUCK + 3))
    result = replay(tmp_path, str(stuck), "--timeout", str(TIMEOUT))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"stuck.txt: {STUCK + 10} executed, 0 refused, 0 skipped" in result.stdout
    assert (
        f"BUG: line {STUCK + 11}, in tick: Hang: the statement ran longer than {TIMEOUT:g}s"
        in result.stdout
    )
    long = tmp_path / "long.txt"
    long.write_text("add 1\n" * 300_000)
    result = replay(tmp_path, str(long), "--timeout", str(TIMEOUT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == f"{long}: 300000 executed, 0 refused, 0 skipped\n"


@pytest.mark.slow
def test_the_worker_counts_the_statements_before_a_hang(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "stuck.txt").write_text("tick\n" * (STUCK + 1))
    (seeds / "long.txt").write_text("add 1\n" * 50_000)
    # Longer than the timeout and the native watchdog's grace after it, and no hang.
    naps = int((TIMEOUT + GRACE + REARM + 1) / hang_models.NAP)
    (seeds / "slow.txt").write_text("nap\n" * naps)
    options = ("--runs", "4", "--jobs", "1", "--timeout", str(TIMEOUT), "--minimize-time", "0")
    result = apifuzz(tmp_path, "fuzz", "hang_models", "--corpus", str(seeds), *options)
    workdir = tmp_path / ".apifuzz" / "hang_models"
    stats = json.loads((workdir / "stats" / "0.json").read_text())
    assert stats["runs"] >= 4, result.stdout + result.stderr
    # Every seed ran: the long and slow ones whole, the stuck one up to the call that hung.
    assert stats["statements"] >= 50_000 + naps + STUCK, stats
    (folder,) = (workdir / "crashes").iterdir()
    assert folder.name.startswith("timeout-"), folder.name
    text = (folder / "traceback.txt").read_text()
    assert f"Hang: the statement ran longer than {TIMEOUT:g}s" in text
