"""The committed corpus of the example timeline: it replays, and it is up to date."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.loader import load_target

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora" / "example_timeline"


def test_every_committed_script_replays_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APIFUZZ_EXAMPLE_BUGS", raising=False)
    language = Language.for_target(load_target("example_timeline"), CORPUS / LOCK_NAME)
    interpreter = Interpreter(language)
    scripts = sorted(CORPUS.glob("*.txt"))
    assert len(scripts) >= 80
    for path in scripts:
        report = interpreter.run(path.read_bytes())
        assert report.ok and report.skipped == 0, (path.name, report.bug and report.bug.summary())
        assert report.executed + report.refused >= 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["example_timeline", "example_fs"])
def test_tracing_the_suite_regenerates_the_corpus_identically(tmp_path: Path, name: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("APIFUZZ_EXAMPLE_BUGS", "APIFUZZ_FS_BUGS")}
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "trace", name, "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    summary = next(line for line in result.stdout.splitlines()
                   if line.startswith("apifuzz trace:"))
    # Every traced script replays to exactly the calls its test made (checked by the tracer).
    assert "0 dropped, 0 cut short" in summary, result.stdout[-3000:]
    fresh, committed = tmp_path / name, ROOT / "corpora" / name
    names = sorted(p.name for p in fresh.iterdir())
    assert names == sorted(p.name for p in committed.iterdir()), f"run: apifuzz trace {name}"
    _, mismatch, errors = filecmp.cmpfiles(committed, fresh, names, shallow=False)
    assert mismatch == [] and errors == [], f"run: apifuzz trace {name}"
