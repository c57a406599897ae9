"""Project rules that can be checked mechanically: lint, types, the one-way flow."""

from __future__ import annotations

import ast
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
    ("apifuzz.errors", "apifuzz.atomic"),  # the base every layer may use
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
    ("apifuzz.cli", "apifuzz.pytest_plugin", "apifuzz.__main__", "apifuzz"),
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
    for name, path in modules():
        assert not any(i.split(".")[0] == "example_timeline" for i in imports(path)), name


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


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
