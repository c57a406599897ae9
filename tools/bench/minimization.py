"""How short the reproducers are: apifuzz minimize, line-level ddmin and Hypothesis's shrinker.

    python tools/bench/minimization.py [--runs 3] [--budget 40] [--parallel 2] [--quick]
        [--bugs a,b] [--out FILE] [--report-only]

For every seeded bug of the example timeline (only that bug switched on) and
seeds 1..N, on one core each, at most ``--parallel`` at a time:

- apifuzz (traced corpus, structure mutator) fuzzes until its first bug or the
  budget, with fuzz-time minimization off.  Its crash input is then reduced
  twice, each in a child process: by ``apifuzz minimize`` with its defaults,
  and by plain delta debugging over the input's lines (Zeller and
  Hildebrandt's ddmin, as a generic test-case reducer does it) with the same
  predicate, the same signature.
- Hypothesis (the RuleBasedStateMachine of peers/hypothesis_machine.py, a
  program of at most 50 steps) generates until its first failure or the
  budget, then shrinks it within its own limits.

Sizes count model calls: the statements of a script, the calls of a
Hypothesis program.  They are set against the shortest known script of each
bug (``example_timeline/bugs/<bug>.txt``).  Each finished job appends one JSON
line to ``--out`` and is not run again (a killed benchmark resumes); the
table goes to docs/benchmarks.md (section ``minimization``), the plot to
docs/minimization.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Queue
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contenders
from report import machine, versions, write_section

from example_timeline.bugs import ALL_BUGS

ROOT = contenders.ROOT
DEFAULT_OUT = ROOT / "tools" / "bench" / "results" / "minimization.jsonl"
PLOT = ROOT / "docs" / "minimization.png"
QUICK_BUGS = ("collision_off_by_one", "redo_not_cleared", "delete_track_dangling_group")
FUZZER = contenders.BY_KEY["traced-structure"]
SHRINK_LIMIT = 400.0  # seconds a reducer may take before it is killed (Hypothesis: 300 s)


def shortest_known(bug: str) -> int:
    """Statements of the shortest known script of ``bug``."""
    from apifuzz.minimize.statements import count_statements

    return count_statements((ROOT / "example_timeline" / "bugs" / f"{bug}.txt").read_text())


# -- the reducers, each run in a child process with the bug on --------------------------


def ddmin_lines(folder: Path, max_time: float) -> dict[str, Any]:
    """Reduce a crash folder's input by ddmin over its lines; keep the recorded signature."""
    from apifuzz.engine.crashes import load_artifact
    from apifuzz.engine.replay import replay_setup
    from apifuzz.minimize.ddmin import ddmin
    from apifuzz.minimize.statements import count_statements

    artifact = load_artifact(folder)
    judge, expected = replay_setup("example_timeline", artifact).judge(), artifact.signature
    lines = [ln for ln in artifact.script.decode().splitlines() if ln.strip()]
    cache: dict[tuple[str, ...], bool] = {}
    best = lines
    started = time.monotonic()

    def fails(chunk: list[str]) -> bool:
        nonlocal best
        key = tuple(chunk)
        if key not in cache:
            if time.monotonic() - started > max_time:
                raise TimeoutError
            cache[key] = judge.run("\n".join(chunk) + "\n").signature == expected
            if cache[key] and len(chunk) < len(best):
                best = chunk
        return cache[key]

    complete = fails(lines)
    if complete:
        try:
            best = ddmin(lines, fails)
        except TimeoutError:
            complete = False
    return {
        "after": count_statements("\n".join(best) + "\n"),
        "seconds": time.monotonic() - started,
        "runs": judge.runs,
        "complete": complete,
        "script": "\n".join(best) + "\n",
    }


# -- the jobs ------------------------------------------------------------------------------


def _child_json(cmd: list[str], bug: str, log: Path, core: int | None) -> dict[str, Any] | None:
    """Run ``cmd`` with ``bug`` on; the last JSON line it printed, or None."""
    _, code, wall = contenders._spawn(cmd, contenders.env_for(bug), ROOT, log, SHRINK_LIMIT, core)
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("{")]
    if code is None or not lines:
        return None
    result: dict[str, Any] = json.loads(lines[-1])
    result["wall"] = wall
    return result


def apifuzz_job(bug: str, seed: int, budget: float, workdir: Path, core: int | None) -> dict:
    """Fuzz until the first bug, then reduce its input with apifuzz minimize and line ddmin."""
    from apifuzz.engine.crashes import load_crashes
    from apifuzz.minimize.statements import count_statements

    found = contenders.run(FUZZER, bug, seed, budget, workdir, core)
    record: dict[str, Any] = {"status": found.status, "detail": found.detail}
    crashes = load_crashes(workdir / "work" / "crashes")
    if found.status != "found" or not crashes:
        return record
    folder = min(crashes, key=lambda c: c.first_seen).folder
    script = (folder / "input.txt").read_text()
    record.update(input=count_statements(script), input_script=script)
    minimize = [sys.executable, "-m", "apifuzz", "minimize", "example_timeline", str(folder), "-q"]
    log = workdir / "minimize.log"
    _, code, wall = contenders._spawn(
        minimize, contenders.env_for(bug), ROOT, log, SHRINK_LIMIT, core
    )
    info = json.loads((folder / "minimize.json").read_text()) if code == 0 else None
    if info is None or info["status"] != "minimized":
        record["apifuzz"] = {"error": f"exit {code}: {contenders._tail(log)}"}
    else:
        script = (folder / "minimized.txt").read_text()
        record["apifuzz"] = {
            **{k: info[k] for k in ("after", "seconds", "runs", "complete")},
            "wall": wall,
            "script": "".join(ln + "\n" for ln in script.splitlines() if not ln.startswith("#")),
        }
    ddmin = [sys.executable, __file__, "--ddmin-lines", str(folder)]
    record["ddmin"] = _child_json(ddmin, bug, workdir / "ddmin.log", core) or {
        "error": contenders._tail(workdir / "ddmin.log")
    }
    return record


def hypothesis_job(bug: str, seed: int, budget: float, workdir: Path, core: int | None) -> dict:
    """Hypothesis until its first failure, then its shrinker."""
    cmd = [
        *(sys.executable, str(contenders.PEERS / "hypothesis_machine.py"), "--seed", str(seed)),
        *("--budget", f"{budget:g}", "--steps", str(contenders.HYPOTHESIS_STEPS), "--shrink"),
    ]
    result = _child_json(cmd, bug, workdir / "hypothesis.log", core)
    if result is None or result.get("harness_error"):
        why = (result or {}).get("harness_error") or contenders._tail(workdir / "hypothesis.log")
        return {"status": "error", "detail": str(why)[:300]}
    if not result["found"]:
        return {"status": "miss", "detail": f"{result['programs']} programs"}
    if not contenders.in_model(str(result["where"])):
        return {"status": "error", "detail": f"failure outside the model: {result['where']}"}
    return {
        "status": "found",
        "detail": f"{result['error']}"[:200],
        "input": result["failing_steps"],
        "hypothesis": {"after": result["shrunk_steps"], "seconds": result["shrink_seconds"]},
    }


JOBS = {"apifuzz": apifuzz_job, "hypothesis": hypothesis_job}


# -- the report ----------------------------------------------------------------------------


def _sizes(records: Sequence[dict[str, Any]], key: str) -> list[int]:
    return [r[key]["after"] for r in records if "after" in r.get(key, {})]


def _span(values: Sequence[float]) -> str:
    if not values:
        return "-"
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:g}" if low == high else f"{mid:g} ({low:g}-{high:g})"


def report(results: list[dict[str, Any]], bugs: list[str], runs: int, budget: float) -> str:
    """The markdown section, and the plot."""
    by = {(r["bug"], r["job"]): [] for r in results}  # type: dict[tuple[str, str], list[dict]]
    for r in results:
        by[(r["bug"], r["job"])].append(r)
    rows = []
    deltas: list[int] = []
    vs_ddmin: list[float] = []  # apifuzz minimize / line ddmin, per input
    vs_hyp: list[tuple[str, float, float]] = []
    medians: dict[str, dict[str, float]] = {}
    for bug in bugs:
        ours = by.get((bug, "apifuzz"), [])
        hyp = by.get((bug, "hypothesis"), [])
        known = shortest_known(bug)
        small, lines = _sizes(ours, "apifuzz"), _sizes(ours, "ddmin")
        shrunk = _sizes(hyp, "hypothesis")
        deltas += [s - known for s in small]
        vs_ddmin += [
            r["apifuzz"]["after"] / r["ddmin"]["after"]
            for r in ours
            if "after" in r.get("apifuzz", {}) and r.get("ddmin", {}).get("after")
        ]
        if small and shrunk:
            vs_hyp.append((bug, statistics.median(small), statistics.median(shrunk)))
        medians[bug] = {
            "known": known,
            "apifuzz": statistics.median(small) if small else float("nan"),
            "ddmin": statistics.median(lines) if lines else float("nan"),
            "hypothesis": statistics.median(shrunk) if shrunk else float("nan"),
        }
        found = sum(r["status"] == "found" for r in ours)
        hfound = sum(r["status"] == "found" for r in hyp)
        seconds = [r["apifuzz"]["seconds"] for r in ours if "seconds" in r.get("apifuzz", {})]
        dd_seconds = [r["ddmin"]["seconds"] for r in ours if "seconds" in r.get("ddmin", {})]
        h_seconds = [
            r["hypothesis"]["seconds"] for r in hyp if "seconds" in r.get("hypothesis", {})
        ]
        rows.append(
            f"| `{bug}` | {known} | {found}/{len(ours)} | "
            f"{_span([r['input'] for r in ours if 'input' in r])} | **{_span(small)}** | "
            f"{_span([round(s, 2) for s in seconds])} | {_span(lines)} | "
            f"{_span([round(s, 2) for s in dd_seconds])} | {hfound}/{len(hyp)} | "
            f"{_span([r['input'] for r in hyp if 'input' in r])} | {_span(shrunk)} | "
            f"{_span([round(s, 1) for s in h_seconds])} |"
        )
    errors = []
    for r in results:
        where = f"`{r['bug']}` {r['job']} seed {r['seed']}"
        if r["status"] == "error":
            errors.append(f"- {where}: {r['detail'][:200]}")
        errors += [
            f"- {where}, {key}: {r[key]['error'][:200]}"
            for key in ("apifuzz", "ddmin")
            if "error" in r.get(key, {})
        ]
    within = {k: sum(d <= k for d in deltas) for k in (0, 1, 2)}
    lines_out = [
        "## Minimization",
        "",
        "How short the reproducers of the seeded bugs end up "
        "(`python tools/bench/minimization.py`): apifuzz's crash input reduced by "
        "`apifuzz minimize` (default settings) and, on the same input, by plain ddmin over "
        "its lines, keeping the same signature too (what a generic test-case reducer does); "
        "Hypothesis's RuleBasedStateMachine shrinking the program it failed on first. "
        f"Sizes are model calls; {runs} runs per bug (seeds 1..{runs}), {budget:g} s to find "
        "the bug, each run on one core. Cells: median (min-max).",
        "",
        "| bug | shortest known | apifuzz found | crash input | **apifuzz minimize** | "
        "seconds | line ddmin | seconds | Hypothesis found | failing program | "
        "Hypothesis shrunk | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]
    if deltas:
        lines_out.append(
            f"- apifuzz minimize against the shortest known script: {within[0]} of "
            f"{len(deltas)} results no longer than it, {within[1]} within one statement, "
            f"{within[2]} within two (longest: +{max(deltas)})."
        )
    if vs_ddmin:
        shorter = sum(r < 1 for r in vs_ddmin)
        same = sum(r == 1 for r in vs_ddmin)
        lines_out.append(
            f"- Against line ddmin on the same {len(vs_ddmin)} inputs: apifuzz minimize is "
            f"shorter on {shorter}, as short on {same}, longer on "
            f"{len(vs_ddmin) - shorter - same} (median size ratio "
            f"{statistics.median(vs_ddmin):.2f}); its scripts also carry simplified arguments."
        )
    if vs_hyp:
        better = sum(a < h for _, a, h in vs_hyp)
        same = sum(a == h for _, a, h in vs_hyp)
        lines_out.append(
            f"- Against Hypothesis, on the {len(vs_hyp)} bugs both found: apifuzz's median "
            f"is shorter on {better}, the same on {same}, longer on "
            f"{len(vs_hyp) - better - same}. Hypothesis keeps any failure while it shrinks "
            "(it may slip to another way the bug shows); apifuzz keeps the exact signature, "
            "so its result is the same bug the crash folder is named by."
        )
    lines_out.append(
        "- A seeded bug may show in several ways (BUGS.md's 'shows as'); the shortest known "
        "script is for one of them, so a result for another signature may be longer (or "
        "shorter) without being worse."
    )
    if errors:
        lines_out += ["", "Errors:", *errors]
    lines_out += [
        "",
        f"Machine: {machine()}; {versions()}. Results: "
        f"`tools/bench/results/{DEFAULT_OUT.name}` (each crash input and every reduced script); "
        "`--report-only` rewrites this section from them.",
        "",
        "![reproducer sizes per bug](minimization.png)",
    ]
    plot(bugs, medians)
    return "\n".join(lines_out)


def plot(bugs: list[str], medians: dict[str, dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = (
        ("known", "shortest known", "#bbbbbb"),
        ("apifuzz", "apifuzz minimize", "#1f77b4"),
        ("ddmin", "line ddmin", "#ff7f0e"),
        ("hypothesis", "Hypothesis shrunk", "#2ca02c"),
    )
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.2
    for i, (key, label, colour) in enumerate(series):
        xs = [b + (i - 1.5) * width for b in range(len(bugs))]
        ax.bar(xs, [medians[bug][key] for bug in bugs], width, label=label, color=colour)
    ax.set_xticks(range(len(bugs)))
    ax.set_xticklabels(bugs, rotation=35, ha="right", fontsize=8)
    ax.set_ylabel("model calls (median; no bar: not found)")
    ax.set_title("Reproducer size per seeded bug")
    ax.legend(fontsize=8)
    fig.savefig(PLOT, dpi=110, bbox_inches="tight")
    plt.close(fig)


# -- the driver ----------------------------------------------------------------------------


def run_all(args: argparse.Namespace, seeds: list[int], cores: list[int]) -> None:
    done = contenders.load_results(args.out, "job")
    jobs = [
        (bug, job, seed)
        for seed in seeds
        for bug in args.bug_list
        for job in JOBS
        if done.get((bug, job, seed, args.budget), {}).get("status") not in ("found", "miss")
    ]
    print(f"{len(jobs)} jobs to do", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    free: Queue[int | None] = Queue()
    for i in range(args.parallel):
        free.put(cores[i] if cores else None)
    lock = threading.Lock()
    base = Path(tempfile.mkdtemp(prefix="minimization-"))
    finished = [0]

    def one(bug: str, job: str, seed: int) -> None:
        core = free.get()
        workdir = base / f"{bug}-{job}-{seed}"
        workdir.mkdir(parents=True)
        try:
            record = JOBS[job](bug, seed, args.budget, workdir, core)
        except Exception as exc:  # the bench's own failure: record it, go on
            record = {"status": "error", "detail": f"bench: {exc!r}"}
        finally:
            free.put(core)
        shutil.rmtree(workdir, ignore_errors=True)
        record.update(bug=bug, job=job, seed=seed, budget=args.budget)
        with lock:
            with open(args.out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
            finished[0] += 1
            sizes = [
                f"{k} {record[k]['after']}"
                for k in ("apifuzz", "ddmin", "hypothesis")
                if "after" in record.get(k, {})
            ]
            print(
                f"[{finished[0]}/{len(jobs)}] {bug} | {job} | seed {seed}: {record['status']}"
                f" input {record.get('input', '-')} -> {', '.join(sizes) or '-'}",
                flush=True,
            )

    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        for future in [pool.submit(one, *j) for j in jobs]:
            future.result()
    shutil.rmtree(base, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None, help="runs per bug (3)")
    parser.add_argument("--budget", type=float, default=None, help="seconds to find a bug (40)")
    parser.add_argument("--parallel", type=int, default=2, help="jobs at a time (2)")
    parser.add_argument("--quick", action="store_true", help="3 bugs, 1 run, 20 s budget")
    parser.add_argument("--bugs", default="", help="comma-separated bug names (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON-lines results")
    parser.add_argument("--report-only", action="store_true", help="no runs: report --out")
    parser.add_argument("--ddmin-lines", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ddmin_lines:  # the child that reduces one crash folder by line ddmin
        print(json.dumps(ddmin_lines(args.ddmin_lines, SHRINK_LIMIT - 30)))
        return
    runs = args.runs or (1 if args.quick else 3)
    args.budget = args.budget or (20.0 if args.quick else 40.0)
    args.bug_list = [b for b in args.bugs.split(",") if b] or list(
        QUICK_BUGS if args.quick else ALL_BUGS
    )
    unknown = sorted(set(args.bug_list) - set(ALL_BUGS))
    if unknown:
        parser.error(f"unknown bug {', '.join(unknown)}; valid: {', '.join(ALL_BUGS)}")
    seeds = list(range(1, runs + 1))
    cores = sorted(os.sched_getaffinity(0))
    print(f"reproducer sizes: {len(args.bug_list)} bugs x {runs} runs, {args.budget:g} s to find")
    if not args.report_only:
        run_all(args, seeds, cores if args.parallel <= len(cores) else [])
    chosen = [
        r
        for (bug, _, seed, budget), r in contenders.load_results(args.out, "job").items()
        if bug in args.bug_list and seed in seeds and budget == args.budget
    ]
    section = report(chosen, args.bug_list, runs, args.budget)
    write_section("minimization", section)
    print(section)


if __name__ == "__main__":
    main()
