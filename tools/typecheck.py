"""Run mypy over the installed package layout.

setuptools maps ``interpreter/`` and ``tracing/`` to ``apifuzz.interpreter``
and ``apifuzz.tracing``; mypy cannot follow that mapping, so this script
builds a tree of symlinks with the installed layout and checks that.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = ROOT / ".venv" / "mypy-tree"


def build_tree() -> Path:
    """Lay out apifuzz/, its mapped subpackages and example_timeline/ as installed."""
    package = TREE / "apifuzz"
    package.mkdir(parents=True, exist_ok=True)
    wanted: dict[Path, Path] = {}
    for source in (ROOT / "apifuzz").iterdir():
        if source.suffix == ".py" or (source.is_dir() and (source / "__init__.py").exists()):
            wanted[package / source.name] = source
    wanted[package / "interpreter"] = ROOT / "interpreter"
    wanted[package / "tracing"] = ROOT / "tracing"
    wanted[TREE / "example_timeline"] = ROOT / "example_timeline"
    for link in [*package.iterdir(), TREE / "example_timeline"]:
        if link.is_symlink() and link not in wanted:
            link.unlink()
    for link, source in wanted.items():
        if link.is_symlink() and Path(os.readlink(link)) == source:
            continue
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(source)
    return TREE


def main() -> int:
    """Type-check with the configuration in pyproject.toml."""
    tree = build_tree()
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        "-p",
        "apifuzz",
        "-p",
        "example_timeline",
    ]
    env = dict(os.environ, MYPYPATH=str(tree))
    return subprocess.call(command, cwd=tree, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
