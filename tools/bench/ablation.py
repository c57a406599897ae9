"""Ablation: the time to each seeded bug with apifuzz's search mechanisms on, and each one off.

    python tools/bench/ablation.py [--runs 5] [--budget 25] [--parallel 2] [--bugs a,b]
        [--variants x,y] [--out FILE] [--report-only]

Every variant is apifuzz from the traced corpus with the structure mutator
(the time-to-bug benchmark's main contender, tools/bench/time_to_bug.py) with
one mechanism switched off by its flag; ``all on`` is the default settings.
Runs, resuming and the cells are the time-to-bug benchmark's; the table goes
to docs/benchmarks.md (section ``ablation``): per bug, each variant's
found/N and censored median, and the ratio of the median with the mechanism
off to the median with everything on (above 1: the mechanism helps).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contenders
import time_to_bug
from report import machine, write_section
from time_to_bug_report import cell, censored_median, ratio

from example_timeline.bugs import ALL_BUGS

OUT = contenders.ROOT / "tools" / "bench" / "results" / "ablation.jsonl"

#: (key, what is off, the flags that switch it off).
VARIANTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("all-on", "all on (default settings)", ()),
    ("no-state", "state feedback off", ("--state-feedback", "off")),
    ("no-relational", "relational mutations off", ("--relational", "off")),
    ("no-swarm", "swarm off", ("--swarm", "off")),
    ("no-value-profile", "value profile off", ("--value-profile", "off")),
    ("every-call", "invariants after every call", ("--check-every", "1")),
)


def variant(key: str, label: str, flags: tuple[str, ...]) -> contenders.Contender:
    return contenders.Contender(
        f"ablation-{key}", label, "apifuzz", "traced", "structure", flags=flags
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=contenders.DEFAULT_RUNS)
    parser.add_argument("--budget", type=float, default=contenders.DEFAULT_BUDGET)
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (2)")
    parser.add_argument("--bugs", default="", help="comma-separated bug names (default: all)")
    parser.add_argument("--variants", default="", help="comma-separated variant keys")
    parser.add_argument("--out", type=Path, default=OUT, help="the JSON-lines results")
    parser.add_argument("--report-only", action="store_true", help="no runs: report --out")
    args = parser.parse_args(argv)
    args.bug_list = [b for b in args.bugs.split(",") if b] or list(ALL_BUGS)
    keys = [k for k in args.variants.split(",") if k] or [k for k, _, _ in VARIANTS]
    known = {k: variant(k, label, flags) for k, label, flags in VARIANTS}
    unknown = sorted({*args.bug_list} - {*ALL_BUGS}) + sorted({*keys} - {*known})
    if unknown:
        parser.error(f"unknown bug or variant {', '.join(unknown)}; variants: {', '.join(known)}")
    args.contender_list = [known[k] for k in keys]
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    seeds = list(range(1, args.runs + 1))
    cores = sorted(os.sched_getaffinity(0))
    print(f"ablation: {len(args.bug_list)} bugs x {len(args.contender_list)} variants x ", end="")
    print(f"{args.runs} runs, {args.budget:g} s each, {args.parallel} at a time")
    if not args.report_only:
        time_to_bug.run_all(args, seeds, cores if args.parallel <= len(cores) else [])
    results = contenders.load_results(args.out, "contender")
    by: dict[tuple[str, str], list[dict[str, object]]] = {}
    for (bug, key, seed, budget), record in results.items():
        if seed in seeds and budget == args.budget:
            by.setdefault((bug, key), []).append(record)
    report(args, by, seeds)


def report(
    args: argparse.Namespace, by: dict[tuple[str, str], list[dict[str, object]]], seeds: list[int]
) -> None:
    variants = args.contender_list
    base = variants[0]
    others = variants[1:]
    head = ["bug", *(v.label for v in variants), *(f"{v.label} / all on" for v in others)]
    lines = [
        "## Ablation: each search mechanism off (`tools/bench/ablation.py`)",
        "",
        f"Machine: {machine()}. apifuzz from the traced corpus with the structure mutator, "
        f"each seeded bug of `example_timeline` on alone, {len(seeds)} runs per bug and "
        f"variant (seeds {seeds[0]}..{seeds[-1]}), {args.budget:g} s per run, one core each, "
        f"{args.parallel} at a time; cells as in the time-to-bug table. Ratio: censored median "
        "with the mechanism off / with all on; above 1 the mechanism helps.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    found = {v.key: 0 for v in variants}
    for bug in args.bug_list:
        runs = {v.key: by.get((bug, v.key), []) for v in variants}
        for v in variants:
            found[v.key] += sum(r["status"] == "found" for r in runs[v.key])
        cells = [cell(runs[v.key], args.budget) for v in variants]
        on = censored_median(runs[base.key])
        ratios = [ratio(censored_median(runs[v.key]), on, args.budget)[0] for v in others]
        lines.append(f"| `{bug}` | " + " | ".join([*cells, *ratios]) + " |")
    total = len(args.bug_list) * len(seeds)
    totals = [f"**{found[v.key]}/{total}**" for v in variants]
    lines.append("| **all bugs** | " + " | ".join([*totals, *[""] * len(others)]) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    write_section("ablation", text)
    if any(math.isnan(censored_median(r)) for r in by.values()):
        print("note: some cells have no finished run")


if __name__ == "__main__":
    main()
