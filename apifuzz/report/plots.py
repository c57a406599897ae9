"""The campaign over time, drawn by matplotlib as one SVG that the page holds inline.

Only matplotlib's object API is used (no pyplot): no window, no global
state, no backend to choose, safe to call from the campaign's runner.
Text stays text in the SVG (``svg.fonttype: none``): smaller, and the page's
font renders it.
"""

from __future__ import annotations

import io
from typing import Any

#: (title, the timeline field) of each plot, in reading order.
SERIES = (
    ("executions", "runs"),
    ("executions per second", "exec_per_s"),
    ("coverage (libFuzzer edges)", "cov"),
    ("features (libFuzzer)", "ft"),
    ("corpus size (inputs)", "corpus"),
    ("bugs found", "bugs"),
)


def _number(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _line(axes: Any, x: list[float], y: list[float | None], label: str, color: str) -> None:
    """One series, its gaps left out; a step line for counts of bugs."""
    points = [(a, b) for a, b in zip(x, y, strict=True) if b is not None]
    if not points:
        return
    xs, ys = zip(*points, strict=True)
    step = "steps-post" if label in ("bugs", "signatures") else "default"
    marker = "." if len(xs) < 3 else ""  # a line of one point shows nothing
    axes.plot(xs, ys, color=color, drawstyle=step, marker=marker, label=label)


def timeline_svg(rows: list[dict[str, Any]]) -> str:
    """Six small plots of the timeline's rows against the campaign's elapsed time; '' for
    no rows.  A field missing from a row (a row of another version) leaves a gap."""
    if not rows:
        return ""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    span = max(_number(r, "elapsed") or 0.0 for r in rows)
    scale, unit = (60.0, "min") if span > 300 else (1.0, "s")
    x = [(_number(r, "elapsed") or 0.0) / scale for r in rows]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "apifuzz"}):
        figure = Figure(figsize=(11, 5.6))
        # Fixed margins: constrained layout measures every tick label, a third of the cost.
        figure.subplots_adjust(
            left=0.06, right=0.99, bottom=0.09, top=0.95, wspace=0.22, hspace=0.42
        )
        for axes, (title, key) in zip(figure.subplots(2, 3).flat, SERIES, strict=True):
            axes.set_title(title, fontsize=10)
            axes.set_xlabel(f"time ({unit})", fontsize=8)
            axes.tick_params(labelsize=8)
            axes.grid(alpha=0.3)
            _line(axes, x, [_number(r, key) for r in rows], key, "#3465a4")
            if key == "bugs":  # signatures too: triage later merges some into one bug
                _line(axes, x, [_number(r, "variants") for r in rows], "signatures", "#cc7a00")
                if axes.lines:
                    axes.legend(fontsize=8, loc="upper left")
            axes.set_ylim(bottom=0)
            if key != "exec_per_s":  # counts: no tick at 0.5 bugs
                axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.ticklabel_format(axis="y", style="plain", useOffset=False)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg") :]  # no XML prologue or DOCTYPE inside an HTML page
