"""Argument domains and preconditions on example_fs: time to each seeded bug and the share of
executed calls, for two source trees (before and after), run side by side.

    python tools/bench/domains.py BEFORE AFTER [--seeds 1,2,3] [--bugs a,b] [--out DIR]

BEFORE and AFTER are checkouts of this repository (``git worktree add`` or
``git archive REF | tar -x -C DIR``); each run is
``APIFUZZ_FS_BUGS=<bug> apifuzz fuzz example_fs --corpus corpora/example_fs --stop-on-first
--max-time 30 --seed S --minimize-time 0`` with that tree first on ``PYTHONPATH``, the two
trees' runs of one bug and seed at the same time (so that both see the same load).  Prints
a Markdown table: per bug, the seconds to the bug (apifuzz's "time to the first new bug")
per seed and their median, and the inputs run by then; then each tree's executed, refused
and skipped shares of all calls (``stats.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BUGS = (
    "write_checks_parent_only",
    "restore_keeps_quota",
    "unlink_frees_open_file",
    "copy_skips_blob_ref",
    "move_into_own_subtree",
    "rename_onto_itself",
    "link_overwrites_entry",
    "restore_shares_snapshot",
)
BUDGET = 30.0


def fuzz(tree: Path, bug: str, seed: int, out: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """One run; its time to the bug (None: not found), inputs and call counts."""
    workdir = out / f"{tree.name}-{bug}-{seed}"
    env = dict(os.environ, APIFUZZ_FS_BUGS=bug, PYTHONPATH=str(tree))
    argv = [sys.executable, "-m", "apifuzz", "fuzz", "example_fs"]
    argv += ["--corpus", str(tree / "corpora" / "example_fs"), "--workdir", str(workdir)]
    argv += ["--stop-on-first", "--max-time", str(BUDGET), "--seed", str(seed)]
    argv += ["--minimize-time", "0"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=out, check=False)
    found = re.search(r"time to the first new bug: ([\d.]+)s", done.stdout + done.stderr)
    stats = json.loads((workdir / "stats.json").read_text(encoding="utf-8"))
    counts = {"executed": 0, "refused": 0, "skipped": 0}
    for method in stats["methods"]:
        counts["executed"] += method["executed"]
        counts["refused"] += sum(method["refused"].values())
        counts["skipped"] += sum(method["skipped"].values())
    seconds = float(found.group(1)) if found else None
    return {"bug": bug, "seed": seed, "seconds": seconds, "inputs": stats["totals"]["runs"]}, counts


def main() -> None:
    """Run both trees on every bug and seed, then print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--bugs", default=",".join(BUGS))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = (args.out or Path(tempfile.mkdtemp(prefix="apifuzz-domains-"))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    trees = (args.before.resolve(), args.after.resolve())
    seeds = [int(s) for s in args.seeds.split(",")]
    runs: dict[Path, list[dict[str, Any]]] = {tree: [] for tree in trees}
    calls = {tree: {"executed": 0, "refused": 0, "skipped": 0} for tree in trees}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for bug in args.bugs.split(","):
            for seed in seeds:
                pair = [pool.submit(fuzz, tree, bug, seed, out) for tree in trees]
                for tree, job in zip(trees, pair, strict=True):
                    run, counts = job.result()
                    runs[tree].append(run)
                    for key, n in counts.items():
                        calls[tree][key] += n
    print_table(args.bugs.split(","), runs, calls, trees)


def print_table(
    bugs: list[str],
    runs: dict[Path, list[dict[str, Any]]],
    calls: dict[Path, dict[str, int]],
    trees: tuple[Path, Path],
) -> None:
    """The Markdown table of the runs, and the shares of the calls."""
    print("| bug | before: s to bug | median | inputs | after: s to bug | median | inputs |")
    print("|---|---|---|---|---|---|---|")
    for bug in bugs:
        cells = []
        for tree in trees:
            mine = [r for r in runs[tree] if r["bug"] == bug]
            times = [r["seconds"] if r["seconds"] is not None else BUDGET for r in mine]
            shown = ", ".join(
                "miss" if r["seconds"] is None else f"{r['seconds']:.1f}" for r in mine
            )
            inputs = statistics.median(r["inputs"] for r in mine)
            cells += [shown, f"{statistics.median(times):.1f}", f"{inputs:.0f}"]
        print(f"| `{bug}` | " + " | ".join(cells) + " |")
    for name, tree in zip(("before", "after"), trees, strict=True):
        total = sum(calls[tree].values()) or 1
        shares = ", ".join(f"{k} {n / total:.1%}" for k, n in calls[tree].items())
        print(f"{name}: {shares} of {total} calls")


if __name__ == "__main__":
    main()
