"""``apifuzz crashes``: list a workdir's bugs, triage an old one, survive a damaged folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fuzz_models import target

from apifuzz.engine.bugs import load_bugs, read_triage
from apifuzz.engine.crashes import CrashStore
from apifuzz.engine.triage import model_dirs, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language

SUPPORT = Path(__file__).resolve().parents[1] / "support"
SCRIPTS = ("new 5\nnew 2\ndivide 0 100\n", 'new 1\nnew 3\nlabel 0 "clip"\n')


def crashes(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "crashes", *args],
        cwd=cwd,
        env=dict(base, PYTHONPATH=str(SUPPORT), APIFUZZ_TEST_LABEL_BUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workdir as an older apifuzz wrote it: one top-level folder per signature."""
    monkeypatch.setenv("APIFUZZ_TEST_LABEL_BUG", "1")
    work = tmp_path / "work"
    language = Language.for_target(target, work / LOCK_NAME)
    store = CrashStore(work / "crashes", "0", "apifuzz replay fuzz_models {folder}")
    store.target = "fuzz_models"
    dirs = model_dirs(["fuzz_models"])
    for script in SCRIPTS:
        bug = Interpreter(language).run(script).bug
        assert bug is not None
        store.hit(signature_of(bug, dirs), bug, script.encode(), bug.traceback)
    store.flush()
    return work


def test_lists_the_bugs_of_a_workdir_without_importing_anything(workdir: Path) -> None:
    listed = crashes(str(workdir), cwd=workdir.parent)
    assert listed.returncode == 0, listed.stderr
    assert "2 bugs (2 variants); 2 not triaged yet (--triage TARGET)" in listed.stdout
    assert "input:  new 5; new 2; divide 0 100" in listed.stdout
    assert "(not minimized yet: " in listed.stdout
    assert listed.stdout.count("replay: sh work/crashes/") == 2
    # Their reproduce.sh only replays (an older apifuzz wrote it): to-test in full.
    assert "to-test fuzz_models work/crashes/" in listed.stdout
    # What was raised, not where again: the entry's first line names the method.
    lines = listed.stdout.splitlines()
    first = next(k for k, line in enumerate(lines) if "in divide" in line)
    assert lines[first + 1].strip().startswith("ZeroDivisionError: "), lines[first + 1]


def test_triage_of_an_old_workdir_minimizes_then_decides(workdir: Path) -> None:
    broken = workdir / "crashes" / "exception-Broken-x-0000000000"
    broken.mkdir()
    (broken / "input.txt").write_text("new 1\n")
    (broken / "signature.json").write_text("{truncated")
    result = crashes(str(workdir), "--triage", "fuzz_models", cwd=workdir.parent)
    assert result.returncode == 0, result.stderr
    assert f"WARNING: {broken}: no readable signature.json" in result.stdout
    assert "INFO: minimizing 2 signature(s)" in result.stdout
    bugs = load_bugs(workdir / "crashes")
    assert len(bugs.bugs) == 2 and not bugs.pending() and bugs.damaged == [broken]
    for bug in bugs.bugs:
        decision = read_triage(bug.folder)
        assert decision is not None and decision.status == "bug"
        assert (bug.folder / "minimized.txt").is_file()
    assert "script: new 0; divide 0 100" in result.stdout  # the minimized script
    assert broken.is_dir()  # named, never deleted


def test_a_missing_workdir_is_one_line(tmp_path: Path) -> None:
    result = crashes(str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"apifuzz crashes: error: {tmp_path / 'nowhere'}: no such workdir"
    ]
    (tmp_path / "wd" / "corpus").mkdir(parents=True)
    plain = crashes("wd", cwd=tmp_path)
    assert plain.returncode == 2 and "wd: no crashes/ folder in it" in plain.stderr
    alone = crashes("--again", cwd=tmp_path)
    assert alone.returncode == 2 and "--again goes with --triage TARGET" in alone.stderr
