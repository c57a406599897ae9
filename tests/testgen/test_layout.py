"""tracing.pytest_layout: long generated lines are wrapped exactly as ruff format wraps them."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import libcst as cst

from apifuzz.testgen.layout import Layout

ROOT = Path(__file__).resolve().parents[2]


def random_statements(rng: random.Random, layout: Layout, count: int) -> list[cst.BaseStatement]:
    """Calls of every shape a test emits: literals, names, nested calls and displays."""

    def atom(depth: int) -> cst.BaseExpression:
        r = rng.random()
        if r < 0.3 or depth > 3:
            return cst.Integer(str(rng.randrange(10 ** rng.randrange(1, 12))))
        if r < 0.55:
            return cst.SimpleString('"' + "x" * rng.randrange(60) + '"')
        if r < 0.7:
            return cst.Name(f"clip_{rng.randrange(100)}")
        return compound(depth + 1)

    def compound(depth: int) -> cst.BaseExpression:
        items = [atom(depth) for _ in range(rng.randrange(6 if depth > 1 else 12))]
        r = rng.random()
        if r < 0.25:
            return cst.List([cst.Element(e) for e in items])
        if r < 0.45:
            return cst.Set([cst.Element(e) for e in items]) if items else cst.Call(cst.Name("set"))
        if r < 0.6:
            return cst.Tuple([cst.Element(e) for e in items])
        method = cst.Attribute(cst.Name("m"), cst.Name("f" * rng.randrange(1, 20)))
        return cst.Call(method, [cst.Arg(e) for e in items])

    statements: list[cst.BaseStatement] = []
    for index in range(count):
        method = cst.Attribute(cst.Name("model"), cst.Name("act" + "x" * rng.randrange(15)))
        call = cst.Call(method, [cst.Arg(atom(1)) for _ in range(rng.randrange(1, 6))])
        small: cst.BaseSmallStatement = cst.Expr(call)
        r = rng.random()
        if r < 0.4:
            small = cst.Assign([cst.AssignTarget(cst.Name(f"value_{index}"))], call)
        elif r < 0.55:
            cause = cst.From(cst.Name("exc")) if rng.random() < 0.5 else None
            small = cst.Raise(call, cause)
        if rng.random() < 0.7:
            statements.append(cst.SimpleStatementLine([layout.statement(small, 1)]))
        else:  # inside a with block, as a refused or failing call is
            line = cst.SimpleStatementLine([layout.statement(small, 2)])
            statements.append(cst.With([cst.WithItem(cst.Name("ctx"))], cst.IndentedBlock([line])))
    return statements


def test_layout_agrees_with_ruff_format(tmp_path: Path) -> None:
    layout = Layout("    ", 100)
    body = random_statements(random.Random(1), layout, 200)
    function = cst.FunctionDef(cst.Name("f"), cst.Parameters(), cst.IndentedBlock(body))
    code = cst.Module([function]).code
    assert code.count("(\n") > 20  # the sample does need wrapping, at many depths
    path = tmp_path / "wrapped.py"
    path.write_text(code)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--diff",
            "--config",
            str(ROOT / "pyproject.toml"),
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[:4000]


def test_short_statements_are_left_alone() -> None:
    layout = Layout("    ", 100)
    small = cst.Expr(cst.parse_expression("timeline.move_clip(clip_6, track_1, 100)"))
    assert layout.statement(small, 1) is small


def test_a_trailing_comment_counts_and_tabs_are_kept() -> None:
    layout = Layout("\t", 40)
    small = cst.Expr(cst.parse_expression("tally.bump(key_12345, 123456, 7)"))
    wrapped = layout.statement(small, 1, "# key 12345")
    line = cst.SimpleStatementLine([wrapped])
    block = cst.IndentedBlock([line], indent="\t")
    code = cst.Module([cst.FunctionDef(cst.Name("f"), cst.Parameters(), block)]).code
    assert code == "def f():\n\ttally.bump(\n\t\tkey_12345, 123456, 7\n\t)\n"
