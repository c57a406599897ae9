"""A campaign reports bugs, not signatures: ``apifuzz fuzz`` end to end, in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.engine.bugs import load_bugs

SUPPORT = Path(__file__).resolve().parents[1] / "support"
pytestmark = pytest.mark.slow


def fuzz(tmp_path: Path, target: str, seconds: int) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    options = ["--workdir", str(tmp_path / "work"), "--seed", "3", "--max-time"]
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", "fuzz", target, *options, str(seconds)],
        cwd=tmp_path,
        env=dict(base, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_one_stale_entry_is_one_bug_with_its_variants(tmp_path: Path) -> None:
    result = fuzz(tmp_path, "rootcause_models:shelf_target", 20)
    assert result.returncode == 1, result.stdout + result.stderr
    bugs = load_bugs(tmp_path / "work" / "crashes")
    (bug,) = bugs.bugs
    assert len(bug.variants) >= 1 and not bugs.pending(), result.stdout
    assert f"1 bug ({len(bug.signatures)} variants); 1 shown by this run" in result.stdout
    assert "INFO: triage: " in result.stdout or (tmp_path / "work/logs/triage.log").is_file()
    for variant in bug.variants:
        assert variant.folder.parent == bug.folder / "variants"
        assert (variant.folder / "minimized.txt").is_file()


def test_one_assertion_broken_through_two_methods_is_two_bugs(tmp_path: Path) -> None:
    # Two paths to one assertion, the second five related calls deep: a budget that finds
    # both on a loaded machine too.
    result = fuzz(tmp_path, "rootcause_models:disk_target", 40)
    assert result.returncode == 1, result.stdout + result.stderr
    bugs = load_bugs(tmp_path / "work" / "crashes").bugs
    methods = sorted(b.representative.signature.method for b in bugs)
    assert methods == ["restore", "write"], result.stdout
    assert all(b.representative.signature.invariant == "within_quota" for b in bugs)
    assert "2 bugs (" in result.stdout


def test_a_fixed_bug_is_on_record_and_no_longer_shows(tmp_path: Path) -> None:
    def run(**extra: str) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
        return subprocess.run(
            [sys.executable, "-m", "apifuzz", "fuzz", "fuzz_models", "--max-time", "5"],
            cwd=tmp_path,
            env=dict(base, PYTHONPATH=str(SUPPORT), **extra),
            capture_output=True,
            text=True,
            timeout=300,
        )

    found = run()
    assert found.returncode == 1 and "[new] ZeroDivisionError in divide" in found.stdout
    fixed = run(APIFUZZ_TEST_NO_DIVIDE_BUG="1")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "0 shown by this run, 1 only on record" in fixed.stdout
    assert "[on record, no longer shows] ZeroDivisionError in divide" in fixed.stdout
    again = run()
    assert again.returncode == 1 and "[seen] ZeroDivisionError in divide" in again.stdout
