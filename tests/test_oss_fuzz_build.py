"""tools/oss-fuzz/build.sh builds a working PyInstaller fuzzer (checked without Docker)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_build_sh_makes_a_fuzzer_that_fuzzes_finds_and_replays(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "tools" / "oss-fuzz" / "check_build.sh"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "OK: build.sh built" in done.stdout
    binary = tmp_path / "out" / "fuzz_example_timeline.pkg"
    assert binary.stat().st_size > 1_000_000  # a PyInstaller --onefile bundle
    assert list(tmp_path.glob("crash-*"))
