"""A target around a library: the library is instrumented by default, and says so."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SUPPORT = Path(__file__).resolve().parents[1] / "support"


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return subprocess.run(
        [sys.executable, "-m", "apifuzz", *args],
        cwd=tmp_path,
        env=dict(env, PYTHONPATH=str(SUPPORT)),
        capture_output=True,
        text=True,
        timeout=180,
    )


def coverage(stdout: str) -> int:
    found = re.search(r"^== apifuzz fuzz .*, coverage (\d+),", stdout, re.MULTILINE)
    assert found, stdout
    return int(found.group(1))


@pytest.mark.slow
def test_fuzz_instruments_the_registered_library_unless_told_not_to(tmp_path: Path) -> None:
    common = ["fuzz", "minilib_target", "--runs", "3000", "--minimize-time", "0"]
    with_lib = run(tmp_path, *common, "--workdir", "with")
    assert with_lib.returncode == 0, with_lib.stdout + with_lib.stderr
    line = "coverage of: minilib, minilib_target (instrumented packages)"
    assert f"INFO: {line}\n" in with_lib.stdout  # the header
    assert f"\n{line}\n" in with_lib.stdout  # the summary
    own = run(tmp_path, *common, "--workdir", "own", "--no-library-coverage")
    assert own.returncode == 0, own.stdout + own.stderr
    assert "coverage of: minilib_target (instrumented packages)" in own.stdout
    assert coverage(with_lib.stdout) > coverage(own.stdout)


def test_cov_measures_the_library_unless_told_not_to(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text('a "x" 2\nr "x"\nt\n')
    measured = run(tmp_path, "cov", "minilib_target", str(script))
    assert measured.returncode == 0, measured.stderr
    assert "minilib/__init__.py" in measured.stdout
    own = run(tmp_path, "cov", "minilib_target", str(script), "--no-library-coverage")
    assert own.returncode == 0, own.stderr
    assert "minilib/__init__.py" not in own.stdout and "minilib_target.py" in own.stdout


def test_package_instruments_the_library_unless_told_not_to(tmp_path: Path) -> None:
    (tmp_path / "corpora" / "inventory").mkdir(parents=True)
    (tmp_path / "corpora" / "inventory" / "a.txt").write_text('a "x"\n')
    done = run(tmp_path, "package", "minilib_target", "--out", "with")
    assert done.returncode == 0, done.stderr
    (harness,) = (tmp_path / "with").glob("*.py")
    assert "include=['minilib', 'minilib_target']" in harness.read_text()
    done = run(tmp_path, "package", "minilib_target", "--out", "own", "--no-library-coverage")
    assert done.returncode == 0, done.stderr
    (harness,) = (tmp_path / "own").glob("*.py")
    assert "include=['minilib_target']" in harness.read_text()
