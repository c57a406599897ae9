"""Replaying crash folders: finding them, reading them back, ``apifuzz replay FOLDER``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import fuzz_models
import pytest
import undo_models

from apifuzz import Target
from apifuzz.engine.crashes import (
    CrashStore,
    artifact_lock,
    find_artifacts,
    is_artifact,
    load_artifact,
)
from apifuzz.engine.judge import Judge
from apifuzz.engine.replay import Reproduction, model_traceback, replay_setup
from apifuzz.engine.triage import Signature
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.loader import target_packages

SUPPORT = Path(__file__).resolve().parents[1] / "support"


def crash(
    root: Path,
    script: str,
    *,
    target: Target = undo_models.broken_redo,
    spec: str = "undo_models",
    undo_redo: bool = True,
) -> Path:
    """A crash folder written by CrashStore, as a worker writes it."""
    judge = Judge(Language.build(target), target_packages(spec), undo_redo=undo_redo)
    verdict = judge.run(script)
    assert verdict.signature is not None and verdict.bug is not None
    store = CrashStore(root, "0", "replay {folder}", target=spec, undo_redo=undo_redo)
    assert store.hit(verdict.signature, verdict.bug, script.encode(), verdict.bug.traceback)
    return root / verdict.signature.key()


def test_crash_folders_record_their_target_and_the_oracle(tmp_path: Path) -> None:
    folder = crash(tmp_path, "push 13\n")
    info = json.loads((folder / "signature.json").read_text())
    assert (info["target"], info["undo_redo"]) == ("undo_models", True)
    artifact = load_artifact(folder)
    assert (artifact.target, artifact.undo_redo, artifact.minimized) == ("undo_models", True, None)
    assert artifact.best == b"push 13\n"
    (folder / "minimized.txt").write_text("push 13")
    assert load_artifact(folder).best == b"push 13"


def test_old_crash_folders_read_back_without_target(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "input.txt").write_text("new 1\n")
    sig = {"kind": "exception", "error": "KeyError", "file": "", "function": "f", "line": 1}
    (folder / "signature.json").write_text(json.dumps({"signature": sig}))
    artifact = load_artifact(folder)
    assert (artifact.target, artifact.undo_redo) == (None, False)
    assert artifact.signature == Signature("exception", "KeyError", "", "f", 1)


def test_find_artifacts(tmp_path: Path) -> None:
    for name in ("w1/crashes/a", "w1/crashes/b", "w2/crashes/c", "w2/crashes/.staging"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "input.txt").write_text("x\n")
    (tmp_path / "w2" / "corpus").mkdir()
    found = find_artifacts(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "w1/crashes/a",
        "w1/crashes/b",
        "w2/crashes/c",
    ]
    assert find_artifacts(tmp_path / "w1" / "crashes" / "a") == [tmp_path / "w1/crashes/a"]
    assert find_artifacts(tmp_path / "w2" / "corpus") == []
    assert is_artifact(found[0]) and not is_artifact(tmp_path)


def test_artifact_lock_is_the_workdirs(tmp_path: Path) -> None:
    folder = tmp_path / "crashes" / "key"
    folder.mkdir(parents=True)
    assert artifact_lock(folder) is None
    (tmp_path / LOCK_NAME).write_text("")
    assert artifact_lock(folder) == tmp_path / LOCK_NAME
    (folder / LOCK_NAME).write_text("")
    assert artifact_lock(folder) == folder / LOCK_NAME


def test_reproduction_says_what_happened() -> None:
    a = Signature("exception", "KeyError", "m.py", "f", 3)
    b = Signature("invariant", "AssertionError", "m.py", "ok", 9, "ok")
    assert Reproduction(a, a).describe() == "reproduced: KeyError in f at m.py:3"
    assert Reproduction(a, a).reproduced
    assert Reproduction(a, b).describe() == (
        "different bug: invariant ok: AssertionError in ok at m.py:9 "
        "(recorded: KeyError in f at m.py:3)"
    )
    assert not Reproduction(a, b).reproduced
    assert Reproduction(a, None).describe() == (
        "not reproduced: no bug (recorded: KeyError in f at m.py:3)"
    )
    assert (
        Reproduction(None, a).describe() == "bug: KeyError in f at m.py:3 (no signature recorded)"
    )
    assert Reproduction(None, None).describe() == "no bug (no signature recorded)"


def test_model_traceback_keeps_the_models_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APIFUZZ_TEST_NO_DIVIDE_BUG", raising=False)
    judge = Judge(Language.build(fuzz_models.target), ["fuzz_models"])
    verdict = judge.run("new 5\ndivide 0 100\n")
    text = model_traceback(verdict, judge.model_dirs)
    assert text.startswith("Traceback (model frames only):\n")
    assert 'fuzz_models.py", line' in text and "in divide" in text
    # Every frame is the model's own (not a word search: the checkout's path may say anything).
    files = re.findall(r'^  File "([^"]+)", line', text, re.MULTILINE)
    assert files and {Path(f).resolve() for f in files} == {Path(fuzz_models.__file__).resolve()}
    assert text.endswith("ZeroDivisionError: integer division or modulo by zero\n")


# -- apifuzz replay ------------------------------------------------------------------------


def replay(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "replay", *args],
        cwd=tmp_path,
        env=dict(base, PYTHONPATH=str(SUPPORT), **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_replay_a_crash_folder_that_reproduces(tmp_path: Path) -> None:
    folder = crash(tmp_path / "crashes", "push 1\npush 13\n")
    (folder / "minimized.txt").write_text("push 13\n")
    result = replay(tmp_path, "undo_models", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert f"{folder}/input.txt: 2 executed, 0 refused, 0 skipped (undo/redo oracle on)\n" in out
    assert (
        f"{folder}/minimized.txt: 1 executed, 0 refused, 0 skipped (undo/redo oracle on)\n" in out
    )
    assert "BUG: line 2, undo/redo after push: AssertionError: undo then redo" in out
    assert out.count("reproduced: oracle: undo/redo after push (AssertionError)\n") == 2


def test_replay_a_fixed_bug_and_a_different_bug(tmp_path: Path) -> None:
    crashes = tmp_path / "w" / "crashes"
    fixed = crash(crashes, "push 13\n")
    different = crash(
        crashes,
        "new 5\ndivide 0 100\n",
        target=fuzz_models.target,
        spec="fuzz_models",
        undo_redo=False,
    )
    (different / "input.txt").write_text('new 1\nlabel 0 "clip"\n')
    result = replay(tmp_path, "-q", "undo_models:stack", str(fixed))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"WARNING: {fixed} was recorded with target undo_models; replaying with undo_models:stack",
        f"{fixed}/input.txt: 1 executed, 0 refused, 0 skipped (undo/redo oracle on)",
        "not reproduced: no bug (recorded: oracle: undo/redo after push (AssertionError))",
    ]
    result = replay(tmp_path, "-q", "fuzz_models", str(different), APIFUZZ_TEST_LABEL_BUG="1")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1].startswith(
        "different bug: invariant whole: AssertionError in whole at fuzz_models.py:"
    )
    assert "(recorded: ZeroDivisionError in divide at fuzz_models.py:" in result.stdout


def test_replay_a_folder_of_crash_folders(tmp_path: Path) -> None:
    crashes = tmp_path / ".apifuzz" / "undo_models" / "crashes"
    crash(crashes, "push 13\n")
    crash(crashes, "push 7\npop\n", target=undo_models.refusing_redo)
    result = replay(tmp_path, "-q", "undo_models", str(tmp_path / ".apifuzz"))
    assert result.returncode == 1
    verdicts = [line.split(":")[0] for line in result.stdout.splitlines() if "reproduced: " in line]
    assert sorted(verdicts) == ["not reproduced", "reproduced"]
    bad = replay(tmp_path, "-q", "undo_models", str(crashes), "x.txt")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == (
        "apifuzz replay: error: cannot read script 'x.txt': No such file or directory\n"
    )


def test_a_crash_folder_replays_with_its_recorded_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APIFUZZ_TEST_HANG", "1")
    judge = Judge(Language.build(fuzz_models.target), target_packages("fuzz_models"), timeout=0.5)
    verdict = judge.run("spin 255\n")
    assert verdict.hang and verdict.signature is not None and verdict.bug is not None
    store = CrashStore(tmp_path, "0", "replay {folder}", target="fuzz_models", timeout=0.5)
    assert store.hit(verdict.signature, verdict.bug, b"spin 255\n", "")
    folder = tmp_path / verdict.signature.key()
    assert replay_setup("fuzz_models", load_artifact(folder)).timeout == 0.5
    assert replay_setup("fuzz_models", load_artifact(folder), timeout=2).timeout == 2
    assert replay_setup("fuzz_models").timeout == 5.0
    info = json.loads((folder / "signature.json").read_text())
    for recorded in (None, 0):  # an older folder; one found with --timeout 0 (no limit)
        info.pop("timeout", None)
        if recorded is not None:
            info["timeout"] = recorded
        (folder / "signature.json").write_text(json.dumps(info))
        assert replay_setup("fuzz_models", load_artifact(folder)).timeout == 5.0
    info["timeout"] = 0.5
    (folder / "signature.json").write_text(json.dumps(info))
    # The folder, or its input.txt (older reproduce.sh files name it), replays as recorded.
    for path in (folder, folder / "input.txt"):
        result = replay(tmp_path, "-q", "fuzz_models", str(path), APIFUZZ_TEST_HANG="1")
        assert result.returncode == 1, result.stdout + result.stderr
        assert "BUG: line 1, in spin: Hang: the statement ran longer than 0.5s" in result.stdout
        assert "reproduced: timeout in spin" in result.stdout
    given = replay(
        tmp_path, "-q", "fuzz_models", str(folder), "--timeout", "0.2", APIFUZZ_TEST_HANG="1"
    )
    assert "ran longer than 0.2s" in given.stdout


def test_replay_a_folder_without_crash_folders_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = replay(tmp_path, "undo_models", "empty")
    assert result.returncode == 2
    assert result.stderr == (
        "apifuzz replay: error: empty: no crash folder (a folder holding input.txt) in it\n"
    )


def test_replay_scripts_with_the_oracle(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("push 13\n")
    assert replay(tmp_path, "-q", "undo_models", "s.txt").returncode == 0
    result = replay(tmp_path, "-q", "--undo-redo", "undo_models", "s.txt")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "s.txt: 1 executed, 0 refused, 0 skipped",
        "BUG: line 1, undo/redo after push: AssertionError: undo then redo did not give back "
        "the state: values changed; values before: (13,), after: (14,)",
    ]
