"""A timeout is 0 (off) or 0.01 to 86400 s: anything else is refused, or, recorded, replaced.

``inf`` and ``1e300`` made ``signal.setitimer`` raise OverflowError; a recorded
``1e-6`` fired before the model ran and blamed apifuzz's own alarm handler.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import fuzz_models
import pytest

from apifuzz.cli import main
from apifuzz.engine.crashes import load_artifact
from apifuzz.engine.judge import Judge
from apifuzz.engine.replay import recorded_timeout, replay_setup
from apifuzz.engine.timeouts import MAX_TIMEOUT, MIN_TIMEOUT, timeout_ok
from apifuzz.language import Language
from apifuzz.model.loader import target_packages

SUPPORT = Path(__file__).resolve().parents[1] / "support"
BAD = ["inf", "-inf", "nan", "1e300", "1e-6", "-1", "86401"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=cwd,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_range() -> None:
    assert all(timeout_ok(s) for s in (0, MIN_TIMEOUT, 0.5, 5, MAX_TIMEOUT))
    assert not any(timeout_ok(float(s)) for s in BAD)
    assert (MIN_TIMEOUT, MAX_TIMEOUT) == (0.01, 86400)


@pytest.mark.parametrize("value", BAD)
def test_a_bad_timeout_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.txt").write_text("new 1\n")
    for command, args in (
        ("replay", ["s.txt"]),
        ("minimize", ["s.txt"]),
        ("to-test", ["s.txt"]),
        ("fuzz", []),
    ):
        assert main([command, "fuzz_models", *args, f"--timeout={value}"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"apifuzz {command}: error: --timeout must "), err
        assert err.count("\n") == 1 and "0 (off) or 0.01 to 86400 seconds" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.txt"]  # refused before any write


def test_a_bad_timeout_in_a_subprocess(tmp_path: Path) -> None:
    result = run("fuzz", "fuzz_models", "--timeout", "inf", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "apifuzz fuzz: error: --timeout must be 0 (off) or 0.01 to 86400 seconds, got inf\n"
    )


@pytest.mark.parametrize("option", ["--max-time", "--minimize-time"])
def test_fuzz_refuses_endless_times(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    option: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["fuzz", "fuzz_models", option, "inf"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"apifuzz fuzz: error: {option} must be ") and err.count("\n") == 1


def crash_folder(root: Path, timeout: object) -> Path:
    """A crash folder of fuzz_models' divide bug that records ``timeout``."""
    judge = Judge(Language.build(fuzz_models.target), target_packages("fuzz_models"))
    verdict = judge.run("new 5\ndivide 0 100\n")
    assert verdict.signature is not None
    folder = root / verdict.signature.key()
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text("new 5\ndivide 0 100\n")
    info = {"signature": verdict.signature.__dict__, "target": "fuzz_models", "timeout": timeout}
    (folder / "signature.json").write_text(json.dumps(info))
    return folder


@pytest.mark.parametrize("recorded", [math.inf, 1e300, 1e-6, -1.0, math.nan])
def test_a_bad_recorded_timeout_is_unrecorded(
    tmp_path: Path, recorded: float, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = crash_folder(tmp_path, recorded)
    artifact = load_artifact(folder)
    assert recorded_timeout(artifact) == 5.0
    assert replay_setup("fuzz_models", artifact).timeout == 5.0
    assert replay_setup("fuzz_models", artifact, timeout=0.5).timeout == 0.5
    err = capsys.readouterr().err
    assert err == (
        f"WARNING: {folder}/signature.json records timeout {recorded:g}, not 0 (off) or 0.01 "
        f"to 86400 seconds; using 5s (--timeout S sets one)\n"
    )  # once per folder


@pytest.mark.parametrize("recorded", [1e300, 1e-6])
def test_replay_of_a_folder_with_a_bad_recorded_timeout(tmp_path: Path, recorded: float) -> None:
    folder = crash_folder(tmp_path / "crashes", recorded)
    result = run("replay", "-q", "fuzz_models", str(folder), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"WARNING: {folder}/signature.json records timeout ")
    assert result.stderr.count("\n") == 1
    assert "reproduced: ZeroDivisionError in divide at fuzz_models.py:" in result.stdout
