"""The table, ratios and plot of tools/bench/time_to_bug.py.

A median is taken over all N runs of a bug and contender, a miss counting as
"later than the budget" (a censored median): when more than half the runs
missed it is only known to be beyond the budget, shown "≥ budget".  A median
over the runs that found the bug would flatter a contender that rarely finds it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from contenders import CONTENDERS, DEFAULT_BUDGET, DEFAULT_RUNS, ROOT, Contender
from report import machine, write_section

from example_timeline.bugs import ALL_BUGS

PLOT = ROOT / "docs" / "time_to_bug.png"
MAIN = "traced-structure"  # apifuzz as its README runs it
PEERS = ("hypothesis", "atheris-fdp")
TARGET_RATIO = 0.25  # the deep-state goal: a quarter of Hypothesis's median, every bug
#: Why apifuzz (traced, structure) may miss a bug within the budget, said under the table
#: when it does: what the bug needs that no coverage feedback leads to.
MISSES = {
    "redo_keeps_selection": (
        "needs the deleted item selected between the undo and the redo of its deletion. "
        "Selecting, undoing and redoing are all covered by the seeds; the state that matters "
        "(a selected item that a redo destroys) gives no new coverage, so one mutation must "
        "put undo, `select_items` on the deleted item and redo right after the deletion"
    ),
    "cut_uses_source_frames": (
        "needs a clip trimmed on the left, then cut past its end: two calls on one clip "
        "with related arguments, neither of which reaches new code alone"
    ),
    "resize_past_source_end": (
        "needs a clip trimmed on the left, then stretched on the right past its source: two "
        "calls on one clip with related arguments, neither of which reaches new code alone"
    ),
}
REASONS = {
    "hypothesis": (
        "Hypothesis draws every id from its Bundles (always a live object of the right "
        "kind) and starts each 1-50-step program on a fresh timeline, so a bug that needs one "
        "short, specific sequence is a matter of luck and program rate; coverage guidance "
        "gives apifuzz nothing there, and from the traced corpus its inputs are long "
        "(~60 calls each, ~13x fewer inputs per second than from an empty corpus)."
    ),
    "atheris-fdp": (
        "the hand-written harness makes only valid calls (ids picked among the live ones, "
        "small argument ranges) and starts every input from an empty timeline at ~3k exec/s, "
        "so a shallow bug takes only a few bytes to reach; apifuzz from the traced corpus "
        "spends its time in long seed scripts."
    ),
}


def _times(runs: Sequence[dict[str, Any]]) -> list[float]:
    """Detection times of the runs that did not fail, misses as +inf."""
    return [
        r["seconds"] if r["status"] == "found" else math.inf for r in runs if r["status"] != "error"
    ]


def censored_median(runs: Sequence[dict[str, Any]]) -> float:
    times = _times(runs)
    if not times:
        return math.nan
    low, high = sorted(times)[(len(times) - 1) // 2], sorted(times)[len(times) // 2]
    return math.inf if math.inf in (low, high) else statistics.median(times)


def cell(runs: Sequence[dict[str, Any]], budget: float) -> str:
    found = sum(r["status"] == "found" for r in runs)
    errors = sum(r["status"] == "error" for r in runs)
    n = len(runs) - errors
    if not runs:
        return "–"
    median = censored_median(runs)
    if math.isnan(median):
        text = "–"
    elif math.isinf(median):
        text = f"≥ {budget:g} s"
    else:
        text = f"{median:.1f} s" + ("*" if found < n else "")
    rate = f"{found}/{n}"
    return f"{rate}, {text}" + (f" (+{errors} error{'s' if errors > 1 else ''})" if errors else "")


def ratio(ours: float, theirs: float, budget: float) -> tuple[str, float | None]:
    """(text, the ratio or its upper bound, None when unknown) of two censored medians."""
    if math.isnan(ours) or math.isnan(theirs):
        return "–", None
    if math.isinf(ours) and math.isinf(theirs):
        return "n/a (both ≥ budget)", None
    if math.isinf(ours):
        return f"≥ {budget / theirs:.2f}", None
    if math.isinf(theirs):
        return f"≤ {ours / budget:.2f}", ours / budget
    return f"{ours / theirs:.2f}", ours / theirs


def report(
    records: list[dict[str, Any]],
    bugs: list[str],
    contenders: list[Contender],
    seeds: list[int],
    budget: float,
    parallel: int,
    versions: dict[str, str],
) -> None:
    by: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        by.setdefault((r["bug"], r["contender"]), []).append(r)
    keys = [c.key for c in contenders]
    peers = [p for p in PEERS if p in keys and MAIN in keys]
    names = {"hypothesis": "Hypothesis", "atheris-fdp": "atheris"}
    head = ["bug", *(c.label for c in contenders), *(f"ratio vs {names[p]}" for p in peers)]
    lines = [
        "## Time to first detection of the seeded bugs (`tools/bench/time_to_bug.py`)",
        "",
        f"Machine: {machine()}; atheris {versions['atheris']}, Hypothesis "
        f"{versions['hypothesis']}. Each seeded bug of `example_timeline` switched on alone; "
        f"{len(seeds)} runs per bug and contender (seeds {seeds[0]}..{seeds[-1]}), "
        f"{budget:g} s budget per run, one core each, {parallel} runs at a time (other "
        "load on the machine is not controlled). Time = wall time from the child's launch "
        "(interpreter start and imports included) to the moment the bug was recorded; a "
        "detection after the budget is a miss.",
        "",
    ]
    if len(seeds) < DEFAULT_RUNS or budget < DEFAULT_BUDGET or len(bugs) < len(ALL_BUGS):
        lines += [
            f"**Short settings ({len(bugs)} bugs, {len(seeds)} runs, {budget:g} s): a smoke "
            f"run, not the benchmark; `python tools/bench/time_to_bug.py` runs every bug "
            f"{DEFAULT_RUNS} times for {DEFAULT_BUDGET:g} s.**",
            "",
        ]
    lines += [
        "- apifuzz: `python -m apifuzz fuzz example_timeline --corpus <empty dir or "
        "corpora/example_timeline> --mutator <bytes|structure> --seed S --stop-on-first "
        f"--max-time {budget:g} --minimize-time 0`.",
        "- Hypothesis: `tools/bench/peers/hypothesis_machine.py` (RuleBasedStateMachine with "
        "Bundles, `check_consistency` as an `@invariant`), `@seed(S)`, `max_examples=10**9`, "
        "`stateful_step_count=50`, `phases=[Phase.generate]` (no shrinking), no database.",
        "- atheris: `tools/bench/peers/atheris_fdp.py -seed=S -max_total_time="
        f"{int(budget)}` (FuzzedDataProvider, first uncaught exception = detection).",
        "",
        "Cells: found/N, censored median time (a miss counts as beyond the budget; `*`: some "
        "runs missed; `≥`: half of them or more did). Ratio: median of apifuzz (traced corpus, "
        "structure mutator) / median of the peer; below 1 apifuzz is faster.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    wins: dict[str, list[str]] = {p: [] for p in peers}
    missed: list[str] = []
    meet = 0
    for bug in bugs:
        row = [f"`{bug}`", *(cell(by.get((bug, k), []), budget) for k in keys)]
        main_runs = by.get((bug, MAIN), [])
        ours = censored_median(main_runs)
        for p in peers:
            theirs = censored_median(by.get((bug, p), []))
            text, value = ratio(ours, theirs, budget)
            row.append(text)
            if theirs < ours:
                wins[p].append(f"`{bug}` ({_short(theirs, budget)} vs {_short(ours, budget)})")
            if p == "hypothesis":
                all_found = bool(main_runs) and all(r["status"] == "found" for r in main_runs)
                ok = value is not None and value <= TARGET_RATIO and all_found
                meet += int(ok)
                if not ok and not all_found:
                    found = sum(r["status"] == "found" for r in main_runs)
                    why = MISSES.get(bug, "no explanation recorded yet")
                    missed.append(f"`{bug}` ({found}/{len(main_runs)}): {why}")
        lines.append("| " + " | ".join(row) + " |")
    totals = ["**all bugs**"]
    for k in keys:
        runs = [r for bug in bugs for r in by.get((bug, k), [])]
        n = sum(r["status"] != "error" for r in runs)
        totals.append(f"**{sum(r['status'] == 'found' for r in runs)}/{n}**")
    lines.append("| " + " | ".join(totals + [""] * len(peers)) + " |")
    lines.append("")
    if "hypothesis" in peers:
        lines.append(
            f"- **{meet} of {len(bugs)} bugs** meet the goal: median(apifuzz traced+structure) "
            f"/ median(Hypothesis) ≤ {TARGET_RATIO} and apifuzz traced+structure finds the bug "
            "in every run."
        )
    if missed:
        lines.append(
            f"- Found by apifuzz (traced, structure) in some runs only, within {budget:g} s: "
            + "; ".join(missed)
            + "."
        )
    for p in peers:
        label = next(c.label for c in CONTENDERS if c.key == p)
        if wins[p]:
            lines.append(
                f"- {label} is faster than apifuzz (traced, structure) on "
                f"{', '.join(wins[p])}. Likely reason: {REASONS[p]}"
            )
    errors = [r for r in records if r["status"] == "error"]
    for r in errors[:5]:
        lines.append(f"- error: `{r['bug']}`, {r['contender']}, seed {r['seed']}: {r['detail']}")
    lines += ["", "![time to first detection per bug and contender](time_to_bug.png)"]
    text = "\n".join(lines)
    print(text)
    write_section("time-to-bug", text)
    plot(by, bugs, contenders, budget)
    print(f"wrote docs/benchmarks.md (section time-to-bug) and {PLOT.relative_to(ROOT)}")


def _short(median: float, budget: float) -> str:
    return f"≥ {budget:g} s" if math.isinf(median) else f"{median:.1f} s"


def plot(
    by: dict[tuple[str, str], list[dict[str, Any]]],
    bugs: list[str],
    contenders: list[Contender],
    budget: float,
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    colors = [plt.get_cmap("tab10")(k) for k in range(10)]
    fig, ax = plt.subplots(figsize=(max(7.0, 1.25 * len(bugs) + 3), 5.2))
    width = 0.8 / len(contenders)
    low = budget
    for j, c in enumerate(contenders):
        color = colors[j % 10]
        for i, bug in enumerate(bugs):
            runs = sorted(by.get((bug, c.key), []), key=lambda r: r["seed"])
            runs = [r for r in runs if r["status"] != "error"]
            x0 = i + (j - (len(contenders) - 1) / 2) * width
            # One slot per run (by seed) inside the contender's band, so misses do not overlap.
            xs = [
                x0 + width * 0.6 * ((k + 0.5) / max(len(runs), 1) - 0.5) for k in range(len(runs))
            ]
            found = [
                (x, r["seconds"]) for x, r in zip(xs, runs, strict=True) if r["status"] == "found"
            ]
            missed = [x for x, r in zip(xs, runs, strict=True) if r["status"] == "miss"]
            if found:
                fx, fy = [x for x, _ in found], [t for _, t in found]
                ax.scatter(fx, fy, s=22, color=color, zorder=3)
                low = min(low, *(t for _, t in found))
            if missed:
                ax.scatter(missed, [budget] * len(missed), s=40, marker="x", color=color, zorder=3)
            median = censored_median(runs) if runs else math.nan
            if math.isfinite(median):
                ax.hlines(
                    median, x0 - width * 0.45, x0 + width * 0.45, color=color, linewidth=2, zorder=4
                )
    ax.axhline(budget, color="grey", linestyle="--", linewidth=1)
    ax.text(
        len(bugs) - 0.5,
        budget * 1.08,
        f"budget {budget:g} s (x: missed)",
        ha="right",
        va="bottom",
        fontsize=8,
        color="grey",
    )
    for i in range(1, len(bugs)):
        ax.axvline(i - 0.5, color="#dddddd", linewidth=0.8, zorder=0)
    ax.set_yscale("log")
    bottom = max(low / 2, 0.05)
    ax.set_ylim(bottom, budget * 1.8)
    ticks = [t for t in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500) if bottom <= t]
    ax.set_yticks([t for t in ticks if t <= budget * 1.8])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xlim(-0.5, len(bugs) - 0.5)
    ax.set_xticks(range(len(bugs)))
    ax.set_xticklabels(bugs, rotation=25, ha="right", fontsize=8)
    ax.set_ylabel("time to first detection (s, log)")
    ax.set_title("Seeded bugs of example_timeline: time to first detection (bar: median)")
    handles = [
        Line2D([], [], marker="o", linestyle="", color=colors[j % 10], label=c.label)
        for j, c in enumerate(contenders)
    ]
    handles.append(Line2D([], [], marker="x", linestyle="", color="black", label="missed"))
    ax.legend(
        handles=handles,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncol=3,
        frameon=False,
    )
    fig.savefig(PLOT, dpi=110, bbox_inches="tight")
    plt.close(fig)
