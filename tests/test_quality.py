"""Project rules that can be checked mechanically: lint, types, the one-way flow, function length."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = {"apifuzz": ROOT / "apifuzz", "apifuzz.interpreter": ROOT / "interpreter",
                "apifuzz.tracing": ROOT / "tracing"}

# The layers, lowest first: a module may import its own layer or a lower one, never a higher.
# Each entry is a folder (a package) or a top-level module; the longest matching name wins.
LAYERS = [
    # The base every layer may use (hashing: before the command line is even imported).
    ("apifuzz.errors", "apifuzz.atomic", "apifuzz.text", "apifuzz.hashing"),
    # The wrapper every @api method carries: the model contract's one tie to tracing.
    ("apifuzz.tracing.guard",),
    ("apifuzz.model",),
    ("apifuzz.language",),
    ("apifuzz.interpreter",),
    ("apifuzz.tracing", "apifuzz.engine"),  # tests -> scripts; scripts -> bugs
    ("apifuzz.minimize",),
    ("apifuzz.testgen",),
    ("apifuzz.campaign",),  # fuzz: workers, progress, minimize and test each new bug, summary
    ("apifuzz.report",),
    ("apifuzz.cli", "apifuzz.pytest_plugin", "apifuzz.entry", "apifuzz.__main__", "apifuzz"),
]
LAYER_OF = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def layer(module: str) -> int:
    best = max((name for name in LAYER_OF if module == name or module.startswith(name + ".")),
               key=len, default="apifuzz")
    return LAYER_OF[best]


def modules() -> list[tuple[str, Path]]:
    found = []
    for package, folder in PACKAGE_DIRS.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[0] in ("interpreter", "tracing") and package == "apifuzz":
                continue  # the symlinks to the mapped folders, scanned under their own names
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append((".".join((package, *parts)), path))
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_apifuzz_never_imports_the_example() -> None:
    examples = {"example_timeline", "example_fs"}
    for name, path in modules():
        assert not any(i.split(".")[0] in examples for i in imports(path)), name


def test_every_module_has_a_layer() -> None:
    """A new folder or top-level module is placed in LAYERS, not left to the default."""
    for name, _ in modules():
        if name.count(".") == 0:
            continue
        top = ".".join(name.split(".")[:2])
        owner = max((n for n in LAYER_OF if name == n or name.startswith(n + ".")), key=len,
                    default=None)
        assert owner not in (None, "apifuzz"), f"{name}: add {top} to LAYERS"


def test_one_way_flow() -> None:
    for name, path in modules():
        for imported in imports(path):
            if imported.split(".")[0] != "apifuzz" or name in ("apifuzz", "apifuzz.interpreter",
                                                                "apifuzz.tracing"):
                continue
            assert layer(imported) <= layer(name), f"{name} imports {imported} (a later layer)"


#: A function longer than this (def line to last line) holds more than a reader can keep in mind.
MAX_FUNCTION_LINES = 60
# Not held to it: caches, builds, workdirs and environments (as in .gitignore), which are
# not the project's code, and the tests and the benchmarks (tools/bench/).
SKIPPED_NAMES = {".venv", ".git", ".apifuzz", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                 "__pycache__", "build", "dist"}
SKIPPED_PATHS = {Path("tests"), Path("tools", "bench")}


def source_files() -> list[Path]:
    """Every .py file of the project's own code, relative to the repository root."""
    found: list[Path] = []
    # os.walk does not descend into symlinks: apifuzz/interpreter and apifuzz/tracing
    # are read once, as interpreter/ and tracing/.
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder).relative_to(ROOT)
        dirs[:] = sorted(
            d for d in dirs
            if d not in SKIPPED_NAMES and not d.endswith(".egg-info")
            and here / d not in SKIPPED_PATHS
        )
        found += [here / f for f in sorted(files) if f.endswith(".py")]
    return found


def test_source_files_cover_every_folder() -> None:
    """The walk finds the code it checks: a wrong root would make the length check vacuous."""
    files = source_files()
    tops = {path.parts[0] for path in files if len(path.parts) > 1}
    assert {"apifuzz", "interpreter", "tracing", "example_timeline", "example_fs", "docs",
            "tools"} <= tops
    assert not [path for path in files if path.parts[:2] in (("apifuzz", "interpreter"),
                                                             ("apifuzz", "tracing"))]


def test_no_long_functions() -> None:
    """No function is longer than MAX_FUNCTION_LINES, but those being split elsewhere."""
    long: list[str] = []
    for path in source_files():
        for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                long.append(f"{path.as_posix()}:{node.lineno} {node.name}: {length} lines")
    assert not long, (
        f"functions longer than {MAX_FUNCTION_LINES} lines (def line to last line); "
        "split each into parts named for what they do:\n" + "\n".join(long)
    )


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
