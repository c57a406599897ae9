"""An older release with a known bug: time to find it, apifuzz vs Hypothesis.

    python tools/real_world/older.py --target T --corpus DIR --old-site DIR --new-site DIR \
        --hypothesis SCRIPT [--runs 3] [--budget 300] [--label NAME] [--json FILE]

Called by ``tools/real_world/<module>.sh --older``, which installs both
releases (``--old-site``, ``--new-site``: folders put first on PYTHONPATH) and
traces the older release's own tests into ``--corpus``.  Per run (seeds
1..N, one child process on one core, stopped at the first failure or the
budget):

- apifuzz: ``apifuzz fuzz`` from the traced corpus, default settings;
- Hypothesis: the package's ``RuleBasedStateMachine`` (``--hypothesis``).

A failure counts as the known bug only when it is gone in the newer release:
apifuzz's crash input replays there without that failure (the same exception
and message), and Hypothesis's same seed runs the same number of programs
there without it.  The newer release may fail the same input for a bug of its
own: that is no reason to doubt the older one's.  Anything else is reported as
"other".  Prints a markdown table (and writes the runs as JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GRACE = 60.0  # seconds past the budget before a child is killed


def env_with(site: str) -> dict[str, str]:
    """This environment with ``site`` (a pinned release) and the checkout on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env["PYTHONPATH"] = os.pathsep.join((site, str(ROOT)))
    return env


def spawn(cmd: list[str], env: dict[str, str], limit: float, log: Path) -> tuple[float, int | None]:
    """Run ``cmd`` pinned to one core, output to ``log``; (launch time, exit code or None)."""
    with open(log, "wb") as out:
        launch = time.time()
        proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        with contextlib.suppress(OSError):  # gone already, or no affinity on this system
            os.sched_setaffinity(proc.pid, {proc.pid % (os.cpu_count() or 1)})
        try:
            return launch, proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return launch, None


def run_apifuzz(args: argparse.Namespace, seed: int, scratch: Path) -> dict[str, Any]:
    from apifuzz.engine.crashes import load_crashes

    work = scratch / f"apifuzz-{seed}"
    cmd = [
        *(sys.executable, "-m", "apifuzz", "fuzz", args.target, "--corpus", args.corpus),
        *("--workdir", str(work), "--stop-on-first", "--max-time", f"{args.budget:g}"),
        *("--minimize-time", "0", "--seed", str(seed), "--jobs", "1"),
    ]
    launch, code = spawn(cmd, env_with(args.old_site), args.budget + GRACE, scratch / "log")
    crashes = load_crashes(work / "crashes")
    if not crashes:
        status = "miss" if code == 0 else "error"
        return {"status": status, "seconds": None, "detail": f"exit code {code}"}
    first = min(crashes, key=lambda c: c.first_seen)
    replay = [
        *(sys.executable, "-m", "apifuzz", "replay", args.target, "-q"),
        *("--corpus", args.corpus, str(first.folder)),
    ]
    again = subprocess.run(
        replay, env=env_with(args.new_site), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    fixed = again.returncode == 0 or error_of(first.summary) not in again.stdout + again.stderr
    return {
        "status": "found" if fixed else "other",
        "seconds": first.first_seen - launch,
        "detail": f"{first.signature.describe()}: {first.summary}"[:300],
    }


def run_hypothesis(args: argparse.Namespace, seed: int, scratch: Path) -> dict[str, Any]:
    cmd = [sys.executable, args.hypothesis, "--seed", str(seed), "--budget", f"{args.budget:g}"]
    launch, code = spawn(cmd, env_with(args.old_site), args.budget + GRACE, scratch / "log")
    result = last_json(scratch / "log")
    if result is None:
        return {"status": "error", "seconds": None, "detail": f"exit {code}, no JSON line"}
    if not result["found"]:
        return {"status": "miss", "seconds": None, "detail": f"{result['programs']} programs"}
    control = [*cmd[:-2], "--budget", "1e9", "--programs", str(result["programs"])]
    spawn(control, env_with(args.new_site), 10 * args.budget + GRACE, scratch / "control")
    again = last_json(scratch / "control")
    fixed = again is not None and (not again["found"] or again["error"] != result["error"])
    return {
        "status": "found" if fixed else "other",
        "seconds": result["detected_at"] - launch,
        "detail": str(result["error"])[:300],
    }


def error_of(summary: str) -> str:
    """``TypeError: message`` out of a crash summary (``line 8, in difference: ...``)."""
    return summary.split(": ", 1)[1] if summary.startswith("line ") else summary


def last_json(log: Path) -> dict[str, Any] | None:
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def cell(run: dict[str, Any]) -> str:
    if run["status"] == "found":
        return f"{run['seconds']:.1f} s"
    return str(run["status"])


def median(runs: list[dict[str, Any]], budget: float) -> str:
    """Median time, a miss counting as beyond the budget."""
    times = sorted(r["seconds"] if r["status"] == "found" else float("inf") for r in runs)
    value = statistics.median_low(times) if len(times) % 2 == 0 else statistics.median(times)
    return f"{value:.1f} s" if value <= budget else f"> {budget:g} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in ("--target", "--corpus", "--old-site", "--new-site", "--hypothesis"):
        parser.add_argument(name, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--label", default="the known bug")
    parser.add_argument("--json", type=Path, help="also write the runs here")
    args = parser.parse_args()
    rows: dict[str, list[dict[str, Any]]] = {"apifuzz": [], "Hypothesis": []}
    with tempfile.TemporaryDirectory(prefix="older-") as tmp:
        for seed in range(1, args.runs + 1):
            for name, one in (("apifuzz", run_apifuzz), ("Hypothesis", run_hypothesis)):
                scratch = Path(tmp) / f"{name}-{seed}"
                scratch.mkdir()
                run = one(args, seed, scratch)
                rows[name].append(run)
                print(f"INFO: {name} seed {seed}: {cell(run)} {run['detail']}", file=sys.stderr)
    runs = " | ".join(f"run {i}" for i in range(1, args.runs + 1))
    print(f"| {args.label} | {runs} | median |")
    print("|---" * (args.runs + 2) + "|")
    for name, results in rows.items():
        cells = " | ".join(cell(r) for r in results)
        print(f"| {name} | {cells} | {median(results, args.budget)} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
