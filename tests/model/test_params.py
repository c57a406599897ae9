"""The parameter types are a closed union, and mypy holds every dispatcher over it to the union."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from apifuzz.model.params import ParamNode, ParamType

ROOT = Path(__file__).resolve().parents[2]

#: Every function that treats each parameter type its own way: what a new type must extend.
DISPATCHERS = {
    "apifuzz.interpreter.convert.compile_type",
    "apifuzz.interpreter.convert.immutable",
    "apifuzz.engine.generate.value_generator",
    "apifuzz.minimize.simplify._candidates",
    "apifuzz.minimize.statements._canonical",
    "apifuzz.tracing.emit.format_value",
    "apifuzz.testgen.values.Values.value",
    "apifuzz.testgen.steps.refs_in",
    "apifuzz.engine.calls.smallest",
}

_ERROR = re.compile(r"^(?P<path>[^:\n]+\.py):(?P<line>\d+): error: (?P<message>.*)$", re.MULTILINE)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_the_union_holds_every_parameter_type() -> None:
    # mypy checks a match against the union, so a class left out of it would go unchecked.
    assert set(typing.get_args(ParamType)) == _subclasses(ParamNode)


def _with_new_type(tree: Path) -> None:
    """Copy the package into ``tree`` and add ``DictType`` to the union, handled nowhere."""
    for name in ("apifuzz", "interpreter", "tracing", "example_timeline", "example_fs"):
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / name, tree / name, symlinks=True, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    params = tree / "apifuzz" / "model" / "params.py"
    head, union = params.read_text().split("ParamType: TypeAlias = (", 1)
    members, tail = union.split("\n)", 1)
    new_type = (
        "@dataclass(frozen=True)\n"
        "class DictType(ParamNode):\n"
        "    def describe(self) -> str:\n"
        '        return "dict"\n\n\n'
    )
    params.write_text(f"{head}{new_type}ParamType: TypeAlias = ({members}\n    | DictType\n){tail}")


def _function_at(path: Path, line: int) -> str:
    """The dotted name of the innermost function around ``line`` of ``path``."""
    best: list[str] = []

    def visit(node: ast.AST, outer: list[str]) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.ClassDef)):
                inside = child.lineno <= line <= (child.end_lineno or child.lineno)
                if inside:
                    if isinstance(child, ast.FunctionDef):
                        best = [*outer, child.name]
                    visit(child, [*outer, child.name])

    visit(ast.parse(path.read_text()), [])
    return ".".join(best)


@pytest.mark.slow
def test_mypy_names_every_dispatcher_a_new_type_is_missing_from(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    _with_new_type(tree)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    errors = list(_ERROR.finditer(output))
    assert errors, output
    named = set()
    for error in errors:
        assert error["message"].startswith(
            'Argument 1 to "assert_never" has incompatible type "DictType"'
        ), output
        module = error["path"].removesuffix(".py").replace("/", ".")
        named.add(f"{module}.{_function_at(tree / error['path'], int(error['line']))}")
    assert named == DISPATCHERS, output
