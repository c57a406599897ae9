"""A regular (non-editable) install holds the mapped packages and the grammar."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(wheels)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    (wheel,) = wheels.glob("apifuzz-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )
    env = dict(os.environ, PYTHONPATH=str(site))
    probe = subprocess.run(
        [sys.executable, "-c",
         "import apifuzz.interpreter, apifuzz.tracing, example_timeline;"
         "print(apifuzz.interpreter.__file__)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.startswith(str(site))
    lang = subprocess.run([sys.executable, "-m", "apifuzz", "lang", "example_timeline", "--grammar"],
                          env=env, cwd=tmp_path, capture_output=True, text=True)
    assert lang.returncode == 0, lang.stderr
    assert "METHOD: /(?:" in lang.stdout
    assert (site / "example_timeline" / "BUGS.md").exists()
