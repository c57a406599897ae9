"""The undo/redo oracle in the engine: signatures, the Judge, and ``apifuzz fuzz --undo-redo``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import undo_models

from apifuzz import Target, UsageError
from apifuzz.engine.crashes import load_artifact, load_crashes
from apifuzz.engine.judge import Judge
from apifuzz.engine.triage import Signature, signature_of
from apifuzz.interpreter.report import Bug, BugKind
from apifuzz.language import Language
from apifuzz.model.loader import target_packages

SUPPORT = Path(__file__).resolve().parents[1] / "support"


def judge(target: Target = undo_models.broken_redo, *, undo_redo: bool = True) -> Judge:
    return Judge(Language.build(target), target_packages("undo_models"), undo_redo=undo_redo)


def test_judge_runs_the_oracle_only_when_asked() -> None:
    assert judge(undo_redo=False).run("push 13\n").signature is None
    verdict = judge().run("push 1\npush 13\n")
    assert verdict.signature == Signature("oracle", "AssertionError", "", "push", 0)
    assert verdict.signature.describe() == "oracle: undo/redo after push (AssertionError)"
    assert verdict.signature.key().startswith("oracle-AssertionError-push-")


def test_oracle_signatures_are_named_by_the_call() -> None:
    def oracle_bug(method: str, message: str) -> Bug:
        return Bug(BugKind.ORACLE, AssertionError(message), 3, method, oracle="compare")

    dirs = (str(SUPPORT),)
    push = signature_of(oracle_bug("push", "values changed"), dirs)
    assert push == signature_of(oracle_bug("push", "size changed"), dirs)  # one bug
    assert push.key() != signature_of(oracle_bug("pop", "values changed"), dirs).key()


def test_an_exception_in_undo_is_signed_by_the_model_frame() -> None:
    verdict = judge(undo_models.crashing_undo).run("push 5\n")
    assert verdict.signature is not None
    assert (verdict.signature.kind, verdict.signature.error) == ("exception", "KeyError")
    assert verdict.signature.function == "undo"
    assert verdict.signature.file == "undo_models.py" and verdict.signature.line > 0


def test_the_flag_needs_a_target_with_undo_and_redo() -> None:
    with pytest.raises(UsageError, match="declares no undo/redo methods"):
        judge(undo_models.no_undo)


# -- end to end -----------------------------------------------------------------------------


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return dict(base, PYTHONPATH=str(SUPPORT), **extra)


def apifuzz(tmp_path: Path, *args: str, timeout: float = 150) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=tmp_path,
        env=env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_fuzz_with_the_oracle_finds_the_broken_redo(tmp_path: Path) -> None:
    started = time.monotonic()
    result = apifuzz(
        tmp_path, "fuzz", "undo_models", "--undo-redo", "--max-time", "60", "--stop-on-first"
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert time.monotonic() - started < 100
    (record,) = load_crashes(tmp_path / ".apifuzz" / "undo_models" / "crashes")
    assert record.signature.kind == "oracle" and record.signature.function == "push"
    info = json.loads((record.folder / "signature.json").read_text())
    assert (info["target"], info["undo_redo"]) == ("undo_models", True)
    artifact = load_artifact(record.folder)
    assert (artifact.target, artifact.undo_redo) == ("undo_models", True)
    # reproduce.sh replays the folder, which turns the oracle on by itself.
    replay = subprocess.run(
        ["sh", str(record.folder / "reproduce.sh")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
    )
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert "(undo/redo oracle on)" in replay.stdout
    assert "reproduced: oracle: undo/redo after push (AssertionError)" in replay.stdout


@pytest.mark.parametrize("command", ["fuzz", "replay"])
def test_the_flag_on_a_target_without_undo_is_a_usage_error(tmp_path: Path, command: str) -> None:
    (tmp_path / "s.txt").write_text("new 1\n")
    args = ["--max-time", "5"] if command == "fuzz" else ["s.txt"]
    result = apifuzz(tmp_path, command, "fuzz_models", "--undo-redo", *args, timeout=60)
    assert result.returncode == 2
    assert result.stderr == (
        f"apifuzz {command}: error: --undo-redo: target 'fuzz_models' declares no undo/redo "
        f"methods; add undo=..., redo=... (and state=...) to its Target\n"
    )
    assert not (tmp_path / ".apifuzz").exists()
