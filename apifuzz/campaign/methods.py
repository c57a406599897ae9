"""Per API method: how well a campaign exercised it, worst first, with a hint for each hole.

The counts come from the workers (:mod:`apifuzz.interpreter.stats`); this
module reads them as rows a person (the summary, the report page) or a
script (``stats.json``) can use.  A method that is always refused or
always skipped is a hole in the harness that no coverage percentage shows:
its hint says which pattern it follows and what usually causes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from apifuzz.interpreter.stats import BAD_ARGUMENTS, FALSE_RETURN

#: Below this share of its calls executed, a method is a hole ("mostly refused").
MOSTLY = 0.10
#: Below this share of inputs reaching it, a method that runs is still "rarely reached".
RARELY = 0.01
#: The holes the text summary lists.
SUMMARY_HOLES = 5
_NO_LIVE = "no live "


@dataclass(frozen=True)
class MethodRow:
    """One method's counts in a campaign (see :mod:`apifuzz.interpreter.stats`)."""

    name: str
    executed: int
    refused: dict[str, int]  # by exception type name, "False" for a False return
    skipped: dict[str, int]  # by reason: "no live clip", "bad arguments"
    bugs: int
    inputs: int  # inputs that called it at least once
    runs: int  # inputs run in all

    @property
    def calls(self) -> int:
        """Every statement that asked for this method: executed, refused, skipped, bugs."""
        return self.executed + sum(self.refused.values()) + sum(self.skipped.values()) + self.bugs

    @property
    def share(self) -> float:
        """The share of inputs that called it (0.0 to 1.0)."""
        return self.inputs / self.runs if self.runs else 0.0

    @property
    def hint(self) -> str:
        """One line naming the method's pattern when it is a hole; '' when it is exercised."""
        return _hint(self)

    def sort_key(self) -> tuple[Any, ...]:
        """Worst exercised first: never executed, then the smallest share of calls executed."""
        calls = self.calls
        return (self.executed > 0, self.executed / calls if calls else 0.0, self.share, self.name)

    def to_json(self) -> dict[str, Any]:
        """The row as stored in ``stats.json``."""
        return {
            "name": self.name,
            "executed": self.executed,
            "refused": self.refused,
            "skipped": self.skipped,
            "bugs": self.bugs,
            "inputs": self.inputs,
            "share": self.share,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class MethodCounts:
    """A campaign's per-method rows (worst first), its lines that named no method, its runs."""

    rows: list[MethodRow]
    lines: dict[str, int]  # by reason: "parse error", "unknown method"
    runs: int


def method_rows(merged: dict[str, Any]) -> list[MethodRow]:
    """The rows of :func:`~apifuzz.interpreter.stats.merge_json`'s data, worst exercised first."""
    runs = merged.get("runs", 0)
    rows = [
        MethodRow(
            name,
            entry["executed"],
            entry["refused"],
            entry["skipped"],
            entry["bugs"],
            entry["inputs"],
            runs,
        )
        for name, entry in merged.get("methods", {}).items()
    ]
    return sorted(rows, key=MethodRow.sort_key)


def _top(counts: dict[str, int]) -> str:
    """The most frequent key, its share shown when there are several: ``no live `clip` (80%)``."""
    total = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{_reason(k)}{f' ({n / total:.0%})' if len(ranked) > 1 else ''}" for k, n in ranked]
    return ", ".join(parts[:2]) + (", ..." if len(parts) > 2 else "")


def _reason(key: str) -> str:
    if key.startswith(_NO_LIVE):
        return f"no live `{key[len(_NO_LIVE) :]}`"
    return "returns False" if key == FALSE_RETURN else key


def _skip_cause(skipped: dict[str, int]) -> str:
    """What usually makes calls skipped for their main reason."""
    main = max(skipped.items(), key=lambda kv: (kv[1], kv[0]))[0]
    if main.startswith(_NO_LIVE):
        return "nothing creates one before it"
    if main == BAD_ARGUMENTS:
        return "its arguments never fit its parameters"
    return ""


def _hint(row: MethodRow) -> str:
    calls = row.calls
    refused, skipped = sum(row.refused.values()), sum(row.skipped.values())
    if calls == 0:
        return "never called: no input names it (a seed script that calls it helps)"
    if row.executed == 0:
        if refused == 0 and skipped == 0:
            return "never executed: every call showed a bug"
        if refused == 0:
            cause = _skip_cause(row.skipped)
            return f"always skipped: {_top(row.skipped)}" + (f": {cause}" if cause else "")
        if skipped == 0:
            return f"always refused: {_top(row.refused)}: the model never accepts its calls"
        return f"never executed: refused ({_top(row.refused)}), skipped ({_top(row.skipped)})"
    if row.executed / calls < MOSTLY:
        what = "refused" if refused >= skipped else "skipped"
        why = _top(row.refused if refused >= skipped else row.skipped)
        return f"mostly {what}: {row.executed / calls:.1%} of its calls run ({why})"
    if row.share < RARELY:
        return f"rarely reached: {row.share:.2%} of inputs call it"
    return ""


def holes(rows: list[MethodRow]) -> list[MethodRow]:
    """The rows with a hint, worst first."""
    return [row for row in rows if row.hint]


def write_holes(rows: list[MethodRow], out: TextIO, page: str = "") -> None:
    """The summary's lines: the :data:`SUMMARY_HOLES` worst-exercised methods with a hint.

    ``page`` names where the rest is (the report page); nothing is written
    when no method has a hint.
    """
    found = holes(rows)
    if not found:
        return
    where = f"; all in {page}" if page else ""
    shown = found[:SUMMARY_HOLES]
    out.write(f"API methods exercised worst ({len(shown)} of {len(found)} holes{where}):\n")
    width = max(len(row.name) for row in shown)
    for row in shown:
        counts = (
            f"{row.executed} run, {sum(row.refused.values())} refused, "
            f"{sum(row.skipped.values())} skipped"
        )
        out.write(f"  {row.name:<{width}}  {counts}: {row.hint}\n")
