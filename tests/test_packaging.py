"""A regular (non-editable) install holds the mapped packages and the grammar."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def source_modules() -> set[str]:
    """The dotted names of every module under apifuzz/ and the example models."""
    names = set()
    for top in ("apifuzz", "example_timeline", "example_fs"):
        for folder, _, files in os.walk(ROOT / top, followlinks=True):
            package = Path(folder).relative_to(ROOT).parts
            if "__pycache__" in package:
                continue
            for file in files:
                if file.endswith(".py") and file != "__main__.py":
                    stem = file[:-3]
                    names.add(".".join(package if stem == "__init__" else (*package, stem)))
    return names


def clean_copy(dest: Path) -> None:
    """The files git tracks (symlinks kept): no build/ left over from an earlier build."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        src, dst = ROOT / name, dest / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(os.readlink(src))
        elif src.is_file():
            shutil.copy2(src, dst)


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    wheels, site, source = tmp_path / "wheels", tmp_path / "site", tmp_path / "source"
    clean_copy(source)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(wheels)],
        check=True, capture_output=True, cwd=tmp_path,
    )
    (wheel,) = wheels.glob("apifuzz-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True, capture_output=True,
    )
    env = dict(os.environ, PYTHONPATH=str(site))
    # Every module of the source tree (the mapped folders through their symlinks) is in
    # the wheel, and imports from it.
    modules = sorted(source_modules())
    assert "apifuzz.engine.worker" in modules and "apifuzz.minimize.minimizer" in modules
    probe = subprocess.run(
        [sys.executable, "-c",
         "import importlib, sys\n"
         "for name in sys.argv[1:]:\n"
         "    print(importlib.import_module(name).__file__)",
         *modules],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    files = probe.stdout.split()
    assert len(files) == len(modules) and all(f.startswith(str(site)) for f in files)
    lang = subprocess.run([sys.executable, "-m", "apifuzz", "lang", "example_timeline", "--grammar"],
                          env=env, cwd=tmp_path, capture_output=True, text=True)
    assert lang.returncode == 0, lang.stderr
    assert "METHOD: /(?:" in lang.stdout
    assert (site / "example_timeline" / "BUGS.md").exists()
    assert (site / "example_fs" / "BUGS.md").exists()
