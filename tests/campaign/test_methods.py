"""Per API method: the rows worst exercised first, the hint of each hole, the summary lines."""

from __future__ import annotations

import io
from typing import Any

from apifuzz.campaign.methods import MethodRow, method_rows, write_holes


def row(
    name: str,
    executed: int = 0,
    refused: dict[str, int] | None = None,
    skipped: dict[str, int] | None = None,
    bugs: int = 0,
    inputs: int = 0,
    runs: int = 1000,
) -> MethodRow:
    return MethodRow(name, executed, refused or {}, skipped or {}, bugs, inputs, runs)


def test_each_pattern_has_its_hint() -> None:
    assert row("trim", skipped={"no live clip": 40}).hint == (
        "always skipped: no live `clip`: nothing creates one before it"
    )
    assert row("read", skipped={"bad arguments": 5}).hint == (
        "always skipped: bad arguments: its arguments never fit its parameters"
    )
    assert row("burn", refused={"Refused": 9}, inputs=9).hint == (
        "always refused: Refused: the model never accepts its calls"
    )
    assert row("drop").hint.startswith("never called: no input names it")
    mixed = row("cut", refused={"False": 3}, skipped={"no live clip": 1})
    assert mixed.hint == "never executed: refused (returns False), skipped (no live `clip`)"
    mostly = row("move", executed=1, refused={"E": 80, "False": 20}, inputs=50)
    assert mostly.hint == "mostly refused: 1.0% of its calls run (E (80%), returns False (20%))"
    assert row("rare", executed=5, inputs=5, runs=10_000).hint.startswith("rarely reached")
    assert row("fine", executed=500, inputs=400).hint == ""


def test_rows_come_worst_exercised_first() -> None:
    entry: dict[str, Any] = {"refused": {}, "skipped": {}, "bugs": 0}
    merged = {
        "runs": 100,
        "methods": {
            "good": {**entry, "executed": 90, "inputs": 80},
            "half": {**entry, "executed": 10, "refused": {"E": 10}, "inputs": 10},
            "never": {**entry, "executed": 0, "skipped": {"no live x": 5}, "inputs": 0},
        },
    }
    assert [r.name for r in method_rows(merged)] == ["never", "half", "good"]


def test_the_summary_lists_five_holes_and_where_the_rest_is() -> None:
    rows = [row(f"m{i}", skipped={"no live clip": i + 1}) for i in range(7)]
    rows.append(row("fine", executed=500, inputs=400))
    out = io.StringIO()
    write_holes(rows, out, page="w/report.html")
    lines = out.getvalue().splitlines()
    assert lines[0] == "API methods exercised worst (5 of 7 holes; all in w/report.html):"
    assert len(lines) == 6
    assert (
        lines[1] == "  m0  0 run, 0 refused, 1 skipped: always skipped: no live `clip`: "
        "nothing creates one before it"
    )


def test_no_hole_no_lines() -> None:
    out = io.StringIO()
    write_holes([row("fine", executed=500, inputs=400)], out)
    assert out.getvalue() == ""
