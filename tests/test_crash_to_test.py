"""The whole path a user takes, end to end in subprocesses: fuzz, minimize, to-test, pytest."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path, bugs: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    if bugs is not None:
        env["APIFUZZ_EXAMPLE_BUGS"] = bugs
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_fuzz_found_bug_becomes_a_failing_then_passing_regression_test(tmp_path: Path) -> None:
    bug = "collision_off_by_one"
    workdir = tmp_path / "work"
    fuzzed = run(
        "-m", "apifuzz", "fuzz", "example_timeline", "--corpus",
        str(ROOT / "corpora" / "example_timeline"), "--workdir", str(workdir),
        "--max-time", "120", "--stop-on-first", cwd=tmp_path, bugs=bug,
    )  # fmt: skip
    assert fuzzed.returncode == 1, fuzzed.stdout + fuzzed.stderr
    (folder,) = (workdir / "crashes").iterdir()
    minimized = (folder / "minimized.txt").read_text()
    statements = [s for s in minimized.splitlines() if s and not s.startswith("#")]
    # An overlap an insert makes takes 3 statements (a bin clip, two inserts); one a resize
    # makes takes 5 (a clip shrunk, a second placed after it, the first stretched too far).
    assert len(statements) <= 5, minimized
    assert f"minimized: {len(statements)} statements" in fuzzed.stdout
    (run_line,) = [s for s in fuzzed.stdout.splitlines() if s.strip().startswith("run:")]
    hint = [*run_line.split()[1:], "to-test"]
    assert hint == ["sh", f"{folder.relative_to(tmp_path)}/reproduce.sh", "to-test"]

    # The one command the summary suggests, with to-test added (plus where to write the
    # test), run with no APIFUZZ_* variable: the folder's script carries the environment
    # the bug needs.
    test_file = tmp_path / "tests" / "regression" / "test_example_timeline.py"
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env["PYTHONPATH"] = str(ROOT)
    made = subprocess.run(
        [*hint, "-o", str(test_file)], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    source = test_file.read_text()
    assert "timeline = Timeline()" in source and "timeline.check_consistency()" in source
    # A one-frame overlap needs a bin clip and two items; the last call (an insert, a move
    # or a resize) makes them overlap.
    calls = [c for c in re.findall(r"timeline\.(\w+)\(", source) if c != "check_consistency"]
    assert "add_bin_clip" in calls and "insert_clip" in calls and len(calls) >= 3, source

    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file))
    failing = run(*pytest_args, cwd=tmp_path, bugs=bug)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "AssertionError" in failing.stdout and "overlap" in failing.stdout
    passing = run(*pytest_args, cwd=tmp_path, bugs=None)
    assert passing.returncode == 0, passing.stdout + passing.stderr

    # The crash folder itself replays as a regression item, next to the generated test:
    # both fail now and both pass once the bug is gone.
    regress = ("-m", "pytest", "-q", "-p", "no:cacheprovider", f"--apifuzz-regress={workdir}",
               "--apifuzz-target=example_timeline")  # fmt: skip
    still = run(*regress, cwd=tmp_path, bugs=bug)
    assert still.returncode == 1 and "2 failed" in still.stdout, still.stdout
    assert folder.name in still.stdout  # the item is named by the signature
    fixed = run(*regress, cwd=tmp_path, bugs=None)
    assert fixed.returncode == 0 and "2 passed" in fixed.stdout, fixed.stdout


def test_one_command_fuzzes_minimizes_and_writes_the_regression_tests(tmp_path: Path) -> None:
    bug = "cut_skips_bin_usage"
    tests = tmp_path / "tests" / "regression" / "test_example_timeline_regressions.py"
    fuzzed = run(
        "-m", "apifuzz", "fuzz", "example_timeline", "--corpus",
        str(ROOT / "corpora" / "example_timeline"), "--workdir", str(tmp_path / "work"),
        "--max-time", "120", "--stop-on-first", "--to-test", cwd=tmp_path, bugs=bug,
    )  # fmt: skip
    assert fuzzed.returncode == 1, fuzzed.stdout + fuzzed.stderr
    (folder,) = (tmp_path / "work" / "crashes").iterdir()
    assert f"INFO: writing 1 regression test(s) to {tests.relative_to(tmp_path)}" in fuzzed.stdout
    assert f"[1/1] {folder.name}: created {tests.relative_to(tmp_path)}: test_" in fuzzed.stdout
    assert f"-m pytest {tests.relative_to(tmp_path)}" in fuzzed.stdout.splitlines()[-1]
    source = tests.read_text()
    # The test replays the minimized script (its size is the minimizer's).
    minimized = [s for s in (folder / "minimized.txt").read_text().splitlines() if s[:1] != "#"]
    assert "# script (minimized from " in source
    assert source.count("timeline.check_consistency()") == len(minimized) + 1, source

    pytest_args = ("-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests))
    failing = run(*pytest_args, cwd=tmp_path, bugs=bug)
    assert failing.returncode == 1 and "1 failed" in failing.stdout, failing.stdout
    passing = run(*pytest_args, cwd=tmp_path, bugs=None)
    assert passing.returncode == 0 and "1 passed" in passing.stdout, passing.stdout

    # A later run on the same workdir writes the test of a bug found earlier, or says why not.
    tests.unlink()
    again = run(
        "-m", "apifuzz", "fuzz", "example_timeline", "--workdir", str(tmp_path / "work"),
        "--max-time", "3", "--to-test", cwd=tmp_path, bugs=None,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert "INFO: writing 1 regression test(s)" in again.stdout
    assert f"[1/1] {folder.name}: not written: " in again.stdout  # fixed: nothing to test
    assert "[on record, no longer shows]" in again.stdout
