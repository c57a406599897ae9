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

# registry -> language -> interpreter -> engine: a module may import only its own layer or lower.
LAYERS = {
    "apifuzz.errors": 0, "apifuzz.decorators": 0, "apifuzz.tracing.guard": 0, "apifuzz.params": 1, "apifuzz.registry": 2,
    "apifuzz.target": 3, "apifuzz.aliases": 3, "apifuzz.language": 4, "apifuzz.interpreter": 5,
    "apifuzz.tracing": 6, "apifuzz.engine": 7, "apifuzz.engine.worker": 7, "apifuzz.loader": 4,
    "apifuzz.minimize": 8, "apifuzz.regression": 8, "apifuzz.coverage_report": 8,
    "apifuzz.package": 8,
    "apifuzz.pytest_plugin": 9, "apifuzz.regress_plugin": 9, "apifuzz.cli": 9,
    "apifuzz.__main__": 9, "apifuzz": 9,
}


def layer(module: str) -> int:
    best = max((name for name in LAYERS if module == name or module.startswith(name + ".")),
               key=len, default="apifuzz")
    return LAYERS[best]


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
