"""A crash and a hang in native code, end to end: fuzz, replay, minimize, to-test, pytest."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.engine.crashes import load_crashes

SUPPORT = Path(__file__).resolve().parents[1] / "support"
pytestmark = pytest.mark.slow


def run(tmp_path: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_segfault_is_found_replayed_minimized_and_tested(tmp_path: Path) -> None:
    fuzz = run(
        tmp_path, "-m", "apifuzz", "fuzz", "native_models", "--max-time", "60", "--jobs", "1"
    )
    assert fuzz.returncode == 1, fuzz.stdout + fuzz.stderr
    assert "no bug found" not in fuzz.stdout and "ERROR: worker" not in fuzz.stdout
    assert "fatal signal SIGSEGV in peek at native_models.py:" in fuzz.stdout
    workdir = tmp_path / ".apifuzz" / "native_models"
    # A restarted worker may find the model's other native bug (an abort) too.
    (record,) = [r for r in load_crashes(workdir / "crashes") if r.signature.error == "SIGSEGV"]
    folder = record.folder
    assert record.signature.kind == "signal" and record.count >= 1
    assert json.loads((folder / "signature.json").read_text())["signature"]["error"] == "SIGSEGV"
    assert 'native_models.py", line' in (folder / "traceback.txt").read_text()
    assert not list(workdir.glob("libfuzzer-crash-*"))  # the input lives in the folder only
    assert (folder / "minimized.txt").read_text().splitlines()[-1] == "peek 77"

    replay = run(tmp_path, "-m", "apifuzz", "replay", "native_models", str(folder))
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert re.search(r"^BUG: line \d+, in peek: killed by SIGSEGV$", replay.stdout, re.M)
    assert "reproduced: fatal signal SIGSEGV in peek" in replay.stdout
    plain = tmp_path / "plain.txt"
    plain.write_bytes((folder / "input.txt").read_bytes())
    replay = run(tmp_path, "-m", "apifuzz", "replay", "-q", "native_models", str(plain))
    assert replay.returncode == 1 and "killed by SIGSEGV" in replay.stdout, replay.stderr

    minimize = run(tmp_path, "-m", "apifuzz", "minimize", "native_models", str(plain))
    assert minimize.returncode in (0, 1), minimize.stdout + minimize.stderr
    assert (tmp_path / "plain.min.txt").read_text().splitlines()[-1] == "peek 77"

    tests = tmp_path / "test_regressions.py"
    to_test = run(
        tmp_path, "-m", "apifuzz", "to-test", "native_models", str(folder), "-o", str(tests)
    )
    assert to_test.returncode == 0, to_test.stdout + to_test.stderr
    assert "@_InChild(" in tests.read_text()
    pytest_run = run(tmp_path, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests))
    assert pytest_run.returncode == 1, pytest_run.stdout + pytest_run.stderr
    assert "the process running the test was killed by SIGSEGV" in pytest_run.stdout
    assert "1 failed" in pytest_run.stdout


def test_a_hang_in_c_code_is_a_timeout_bug(tmp_path: Path) -> None:
    fuzz = run(
        tmp_path,
        "-m",
        "apifuzz",
        "fuzz",
        "native_models:latch_target",
        "--max-time",
        "60",
        "--jobs",
        "1",
        "--timeout",
        "0.5",
        "--stop-on-first",
        "--minimize-time",
        "0",
    )
    assert fuzz.returncode == 1, fuzz.stdout + fuzz.stderr
    (record,) = load_crashes(tmp_path / ".apifuzz" / "native_models" / "crashes")
    assert (record.signature.kind, record.signature.function) == ("timeout", "close")
    assert "a hang in native code" in (record.folder / "traceback.txt").read_text()
    replay = run(
        tmp_path, "-m", "apifuzz", "replay", "native_models:latch_target", str(record.folder)
    )
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert "reproduced: timeout in close" in replay.stdout
