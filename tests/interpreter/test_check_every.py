"""Sparse invariant checks: after every Nth call and the last; a worker finds the first failure."""

from __future__ import annotations

import subprocess
from pathlib import Path

import check_models
import pytest
from apifuzz_cli import run_apifuzz
from check_models import CHECKS

from apifuzz.engine.crashes import load_crashes
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language


@pytest.fixture(autouse=True)
def _no_checks_yet() -> None:
    CHECKS.clear()


def _run(script: str, every: int) -> tuple[int, str | None]:
    interpreter = Interpreter(Language.build(check_models.gauge_target))
    interpreter.check_every = every
    report = interpreter.run(script)
    assert report.bug is not None, script
    return report.bug.line, report.bug.method


def test_every_call_names_the_call_that_broke_the_state() -> None:
    assert _run("push 20\npoke\npoke\npoke\npoke\n", 1) == (1, "push")
    assert CHECKS == [0, 20]  # the construction, then the push


def test_every_fourth_call_names_the_call_the_check_came_after() -> None:
    assert _run("push 20\npoke\npoke\npoke\npoke\n", 4) == (4, "poke")
    assert CHECKS == [0, 20]  # the construction, then after the fourth call only


def test_the_last_call_is_always_checked() -> None:
    assert _run("push 20\npoke\n", 4) == (2, "poke")


def test_a_state_repaired_before_the_next_check_goes_unseen() -> None:
    # The price of sparse checks, and why a worker checks every few calls, not once.
    interpreter = Interpreter(Language.build(check_models.gauge_target))
    interpreter.check_every = 4
    assert interpreter.run("push 20\ndrain\n").bug is None
    interpreter.check_every = 1
    assert interpreter.run("push 20\ndrain\n").bug is not None


def test_a_run_is_checked_late_only_when_a_call_went_unchecked() -> None:
    # The worker runs a failing input again only then: else the bug names its call already.
    interpreter = Interpreter(Language.build(check_models.gauge_target))
    interpreter.check_every = 4
    for script, late in (
        ("push 20\n", False),  # the one call, checked at the end: it is the bug's call
        ("push 2000\n", False),  # the one call raised
        ("push 20\npoke\n", True),  # the check after poke: the push went unchecked
        ("poke\npush 1\npush 2000\n", True),  # an exception after unchecked calls
        # A passing check in between clears nothing: the state may have been broken
        # and mended before it (the first push breaks it, the drain mends it).
        ("push 20\ndrain\npoke\npoke\npush 20\n", True),
    ):
        assert interpreter.run(script).bug is not None, script
        assert interpreter.checked_late is late, script
    interpreter.check_every = 1
    interpreter.run("push 20\npoke\n")
    assert not interpreter.checked_late


def test_a_state_broken_and_mended_before_a_check_is_named_where_it_first_broke() -> None:
    # What a replay (checks after every call) shows: the first push, not the last one.
    script = "push 20\ndrain\npoke\npoke\npush 20\n"
    assert _run(script, 4) == (5, "push")
    assert _run(script, 1) == (1, "push")


def _fuzz(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    work = str(tmp_path / "work")
    return run_apifuzz(
        *("fuzz", "check_models:gauge_target", "--minimize-time", "0", "--workdir", work),
        *args,
        cwd=tmp_path,
        timeout=180,
    )


def _first_bug(tmp_path: Path, seed: str) -> tuple[str, str]:
    """Fuzz from ``seed`` alone with a check after every 8th call, up to the first bug;
    the (kind, API method) of the bug recorded."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed.txt").write_text(seed)
    done = _fuzz(
        tmp_path,
        *("--corpus", str(seeds), "--check-every", "8", "--timeout", "0.5"),
        *("--stop-on-first", "--runs", "50"),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    (record,) = load_crashes(tmp_path / "work" / "crashes")
    return record.signature.kind, record.signature.method


def test_a_worker_reports_the_call_that_broke_the_state(tmp_path: Path) -> None:
    # The seed's check comes after a poke, yet the bug is the push, found by running the
    # failing input again with a check after every call.
    assert _first_bug(tmp_path, "push 20\n" + "poke\n" * 9) == ("invariant", "push")


def test_a_hang_on_a_state_no_check_saw_broken_is_reported_where_it_broke(
    tmp_path: Path,
) -> None:
    # The push went unchecked and the spin after it loops for good: the bug is the push,
    # as a replay (a check after every call) shows, not a hang in spin.
    assert _first_bug(tmp_path, "push 20\nspin\n") == ("invariant", "push")


def test_a_hang_of_its_own_after_unchecked_calls_stays_a_hang(tmp_path: Path) -> None:
    # The calls before the wait pass their checks when run again: the hang is the bug.
    assert _first_bug(tmp_path, "poke\npush 3\nwait 7\n") == ("timeout", "wait")


def test_a_bad_check_every_is_a_usage_error(tmp_path: Path) -> None:
    done = _fuzz(tmp_path, "--check-every", "0", "--runs", "1")
    assert done.returncode == 2
    assert "--check-every" in done.stderr and "1 to 1000" in done.stderr
    assert "Traceback" not in done.stderr
