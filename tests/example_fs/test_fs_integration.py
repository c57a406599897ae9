"""apifuzz on the example file system: the committed lock and corpus, the reproducers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language
from apifuzz.language.aliases import AliasLock
from apifuzz.model.loader import load_target
from example_fs import bugs

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora" / "example_fs"


def apifuzz(*args: str, bugs_on: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != bugs.ENV_VAR}
    if bugs_on is not None:
        env[bugs.ENV_VAR] = bugs_on
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_committed_lock_is_complete_and_stable() -> None:
    lock = AliasLock.load(CORPUS / LOCK_NAME)
    before = lock.dumps()
    language = Language.build(load_target("example_fs"), lock)
    assert lock.dumps() == before, "run: apifuzz lang example_fs --write-lock"
    assert language.aliases == lock.aliases


def test_every_committed_script_replays_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bugs.ENV_VAR, raising=False)
    language = Language.for_target(load_target("example_fs"), CORPUS / LOCK_NAME)
    interpreter = Interpreter(language)
    scripts = sorted(CORPUS.glob("*.txt"))
    assert len(scripts) >= 40
    for path in scripts:
        report = interpreter.run(path.read_bytes())
        assert report.ok and report.skipped == 0, (path.name, report.bug and report.bug.summary())


def test_no_committed_script_shows_a_seeded_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzzer has to find every bug: none is handed to it by the seed corpus."""
    monkeypatch.setenv(bugs.ENV_VAR, "all")
    language = Language.for_target(load_target("example_fs"), CORPUS / LOCK_NAME)
    interpreter = Interpreter(language)
    for path in sorted(CORPUS.glob("*.txt")):
        report = interpreter.run(path.read_bytes())
        assert report.ok, (path.name, report.bug and report.bug.summary())


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_replay_shows_each_bug_only_when_switched_on(name: str) -> None:
    script = str(bugs.script_path(name))
    on = apifuzz("replay", "-q", "example_fs", script, bugs_on=name)
    assert on.returncode == 1, on.stdout + on.stderr
    assert "BUG: " in on.stdout
    off = apifuzz("replay", "-q", "example_fs", script)
    assert off.returncode == 0, off.stdout + off.stderr
