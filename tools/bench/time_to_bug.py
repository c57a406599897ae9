"""Time to first detection of every seeded bug of the example timeline, per contender.

    python tools/bench/time_to_bug.py [--runs 5] [--budget 25] [--parallel 2] [--quick]
        [--bugs a,b] [--contenders x,y] [--out FILE] [--report-only]

For every seeded bug (only that bug switched on) and every contender
(tools/bench/contenders.py: apifuzz from an empty corpus with the bytes
mutator, from the traced corpus with the bytes and the structure mutator, a
Hypothesis RuleBasedStateMachine, a hand-written atheris harness with
FuzzedDataProvider), ``--runs`` independent runs with seeds 1..N, each a child
process on one core that stops at the first bug or at the budget, at most
``--parallel`` at a time.  Each finished run appends one JSON line to ``--out``;
a run already there (same bug, contender, seed and budget) is not run again, so
a killed benchmark resumes where it stopped (errors are retried).  Then the
table, the ratios and the plot go to docs/benchmarks.md (section
``time-to-bug``) and docs/time_to_bug.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from queue import Queue

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contenders
import time_to_bug_report

from example_timeline.bugs import ALL_BUGS

DEFAULT_OUT = contenders.ROOT / "tools" / "bench" / "results" / "time_to_bug.jsonl"
QUICK_BUGS = ("collision_off_by_one", "redo_not_cleared", "group_move_undo_late_binding")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per bug and contender (5)")
    parser.add_argument("--budget", type=float, default=None, help="seconds per run (25)")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time (2)")
    parser.add_argument("--quick", action="store_true", help="3 bugs, 2 runs, 20 s budget")
    parser.add_argument("--bugs", default="", help="comma-separated bug names (default: all)")
    parser.add_argument("--contenders", default="", help="comma-separated contender keys")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON-lines results")
    parser.add_argument("--report-only", action="store_true", help="no runs: report --out")
    args = parser.parse_args(argv)
    args.runs = args.runs or (2 if args.quick else contenders.DEFAULT_RUNS)
    args.budget = args.budget or (20.0 if args.quick else contenders.DEFAULT_BUDGET)
    bugs = [b for b in args.bugs.split(",") if b] or list(QUICK_BUGS if args.quick else ALL_BUGS)
    unknown = sorted(set(bugs) - set(ALL_BUGS))
    keys = [k for k in args.contenders.split(",") if k] or [c.key for c in contenders.CONTENDERS]
    unknown += sorted(set(keys) - set(contenders.BY_KEY))
    if unknown:
        valid = ", ".join([*ALL_BUGS, *contenders.BY_KEY])
        parser.error(f"unknown bug or contender {', '.join(unknown)}; valid: {valid}")
    args.bug_list, args.contender_list = bugs, [contenders.BY_KEY[k] for k in keys]
    return args


def versions() -> dict[str, str]:
    from importlib.metadata import version

    return {
        "python": sys.version.split()[0],
        "atheris": version("atheris"),
        "hypothesis": version("hypothesis"),
        "apifuzz": version("apifuzz"),
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    seeds = list(range(1, args.runs + 1))
    cores = sorted(os.sched_getaffinity(0))
    pin = args.parallel <= len(cores)
    print("time to first detection of the seeded bugs of example_timeline")
    print(f"  bugs ({len(args.bug_list)}): {', '.join(args.bug_list)}")
    for c in args.contender_list:
        print(f"  contender {c.key}: {c.label}")
    print(f"  runs per bug and contender: {args.runs} (seeds {seeds[0]}..{seeds[-1]})")
    print(f"  budget per run: {args.budget:g} s (a detection later than that is a miss)")
    print(
        f"  parallel: {args.parallel}, "
        + (f"each pinned to one of cores {cores}" if pin else "not pinned (more runs than cores)")
    )
    print(f"  hypothesis: stateful_step_count={contenders.HYPOTHESIS_STEPS}, generate phase only")
    print("  apifuzz: --stop-on-first --minimize-time 0 --seed S; atheris: -seed=S")
    print(f"  kill backstop: budget + {contenders.GRACE:g} s; results: {args.out}")
    print(f"  versions: {versions()}; load average now: {os.getloadavg()[0]:.2f}")
    if not args.report_only:
        run_all(args, seeds, cores if pin else [])
    results = contenders.load_results(args.out, "contender")
    chosen = [
        r
        for (bug, key, seed, budget), r in results.items()
        if bug in args.bug_list
        and key in [c.key for c in args.contender_list]
        and seed in seeds
        and budget == args.budget
    ]
    time_to_bug_report.report(
        chosen, args.bug_list, args.contender_list, seeds, args.budget, args.parallel, versions()
    )


def run_all(args: argparse.Namespace, seeds: list[int], cores: list[int]) -> None:
    done = contenders.load_results(args.out, "contender")
    jobs = [
        (bug, c, seed)
        for seed in seeds  # seed-major: a killed run leaves whole rounds behind
        for bug in args.bug_list
        for c in args.contender_list
        if done.get((bug, c.key, seed, args.budget), {}).get("status") not in ("found", "miss")
    ]
    skipped = len(seeds) * len(args.bug_list) * len(args.contender_list) - len(jobs)
    print(f"{len(jobs)} runs to do ({skipped} already in {args.out})", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    free: Queue[int | None] = Queue()
    for i in range(args.parallel):
        free.put(cores[i] if cores else None)
    lock = threading.Lock()
    started = time.monotonic()
    finished = [0]
    base = Path(tempfile.mkdtemp(prefix="time_to_bug-"))

    def one(bug: str, c: contenders.Contender, seed: int) -> None:
        core = free.get()
        workdir = base / f"{bug}-{c.key}-{seed}"
        load = os.getloadavg()[0]
        try:
            outcome = contenders.run(c, bug, seed, args.budget, workdir, core)
        except Exception as exc:  # the bench's own failure: record it, go on
            outcome = contenders.Outcome("error", None, 0.0, f"bench: {exc!r}")
        finally:
            free.put(core)
        shutil.rmtree(workdir, ignore_errors=True)
        record = {
            "bug": bug,
            "contender": c.key,
            "seed": seed,
            "budget": args.budget,
            **asdict(outcome),
            "core": core,
            "load": round(load, 2),
            "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        with lock:
            with open(args.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            finished[0] += 1
            n, elapsed = finished[0], time.monotonic() - started
            left = elapsed / n * (len(jobs) - n)
            when = f"{outcome.seconds:.1f} s" if outcome.seconds is not None else "-"
            print(
                f"[{n}/{len(jobs)}] {bug} | {c.key} | seed {seed}: {outcome.status} "
                f"({when}) {outcome.detail[:90]}  [{elapsed:.0f} s, ~{left:.0f} s left]",
                flush=True,
            )

    pool = ThreadPoolExecutor(max_workers=args.parallel)
    try:
        for future in [pool.submit(one, bug, c, seed) for bug, c, seed in jobs]:
            future.result()
    except KeyboardInterrupt:
        print("interrupted: the running runs finish (and are recorded), the others are not started")
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
