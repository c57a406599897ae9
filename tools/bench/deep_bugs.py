"""Bugs that live in state: time to find the benchmark ledger's seeded bugs, apifuzz vs Hypothesis.

    python tools/bench/deep_bugs.py [--runs 5] [--budget 60] [--parallel 2] [--bugs a,b]

The model (tools/bench/models/ledger.py) has seeded bugs that each need at
least four related calls (the same account or hold, amounts that add up) and
give no new coverage before the failing call.  Per bug (switched on alone)
and contender, ``--runs`` runs with seeds 1..N, each a child process on one
core that stops at the first bug or at the budget:

- apifuzz, default settings, from an empty corpus;
- apifuzz with its deep-state search off (``--state-feedback off --relational
  off --swarm off --value-profile off``): what those mechanisms add;
- Hypothesis, a RuleBasedStateMachine over the same API
  (tools/bench/peers/hypothesis_ledger.py).

A detection counts only if it is in the ledger's code.  Writes the
``deep-bugs`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Queue
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contenders import ROOT, _spawn
from report import machine, write_section
from time_to_bug_report import cell, censored_median, ratio

MODELS = ROOT / "tools" / "bench" / "models"
sys.path.insert(0, str(MODELS))

from ledger import ALL_BUGS, ENV_VAR  # noqa: E402

OFF = (
    *("--state-feedback", "off", "--relational", "off", "--swarm", "off"),
    *("--value-profile", "off"),
)
CONTENDERS = (
    ("apifuzz", "apifuzz (default)"),
    ("apifuzz-off", "apifuzz, deep-state search off"),
    ("hypothesis", "Hypothesis RuleBasedStateMachine"),
)


def command(key: str, seed: int, budget: float, workdir: Path) -> list[str]:
    if key == "hypothesis":
        script = ROOT / "tools" / "bench" / "peers" / "hypothesis_ledger.py"
        return [sys.executable, str(script), "--seed", str(seed), "--budget", f"{budget:g}"]
    return [
        *(sys.executable, "-m", "apifuzz", "fuzz", "ledger:target", "--stop-on-first"),
        *("--max-time", f"{budget:g}", "--minimize-time", "0", "--seed", str(seed)),
        *("--workdir", str(workdir / "work"), "--corpus", str(workdir / "empty")),
        *(OFF if key == "apifuzz-off" else ()),
    ]


def one(key: str, bug: str, seed: int, budget: float, core: int | None) -> dict[str, Any]:
    """One run: ``status`` found or miss (or error) and ``seconds`` from launch to detection."""
    from apifuzz.engine.crashes import load_crashes

    workdir = Path(tempfile.mkdtemp(prefix="deep_bugs-"))
    (workdir / "empty").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env.update({ENV_VAR: bug, "PYTHONPATH": str(MODELS)})
    log = workdir / "child.log"
    launch, code, _ = _spawn(command(key, seed, budget, workdir), env, ROOT, log, budget + 30, core)
    found: float | None = None
    if key == "hypothesis":
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("{")]
        result = json.loads(lines[-1]) if lines else {}
        if result.get("found"):
            found = result["detected_at"] - launch
    else:
        crashes = load_crashes(workdir / "work" / "crashes")
        mine = [c for c in crashes if c.signature.file.endswith("ledger.py")]
        if mine:
            found = min(c.first_seen for c in mine) - launch
    tail = log.read_text(errors="replace")[-300:]
    shutil.rmtree(workdir, ignore_errors=True)
    if found is not None and found <= budget:
        return {"status": "found", "seconds": found}
    if code is None or (key != "hypothesis" and code not in (0, 1)):
        return {"status": "error", "seconds": None, "detail": tail}
    return {"status": "miss", "seconds": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--bugs", default=",".join(ALL_BUGS))
    args = parser.parse_args()
    bugs = [b for b in args.bugs.split(",") if b]
    seeds = list(range(1, args.runs + 1))
    cores = sorted(os.sched_getaffinity(0))
    free: Queue[int | None] = Queue()
    for i in range(args.parallel):
        free.put(cores[i] if args.parallel <= len(cores) else None)
    jobs = [(bug, key, seed) for seed in seeds for bug in bugs for key, _ in CONTENDERS]
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def run(job: tuple[str, str, int]) -> None:
        bug, key, seed = job
        core = free.get()
        try:
            outcome = one(key, bug, seed, args.budget, core)
        finally:
            free.put(core)
        results.setdefault((bug, key), []).append(outcome)
        print(f"{bug} | {key} | seed {seed}: {outcome['status']} {outcome['seconds']}", flush=True)

    with ThreadPoolExecutor(max_workers=args.parallel) as pool:
        list(pool.map(run, jobs))
    report(bugs, seeds, args, results)


def report(
    bugs: list[str],
    seeds: list[int],
    args: argparse.Namespace,
    results: dict[tuple[str, str], list[dict[str, Any]]],
) -> None:
    head = ["bug", *(label for _, label in CONTENDERS), "ratio vs Hypothesis", "ratio vs off"]
    lines = [
        "## Bugs that live in state (`tools/bench/deep_bugs.py`)",
        "",
        f"Machine: {machine()}. The benchmark ledger (`tools/bench/models/ledger.py`): each "
        "seeded bug needs four or more related calls and gives no new coverage before the "
        f"failing call. Each bug on alone, {len(seeds)} runs per contender (seeds "
        f"{seeds[0]}..{seeds[-1]}), {args.budget:g} s per run, one core each, {args.parallel} "
        "at a time, apifuzz from an empty corpus. Cells: found/N, censored median time; "
        "ratio: apifuzz (default) / the other, below 1 apifuzz is faster.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    for bug in bugs:
        runs = {key: results.get((bug, key), []) for key, _ in CONTENDERS}
        ours = censored_median(runs["apifuzz"])
        cells = [cell(runs[key], args.budget) for key, _ in CONTENDERS]
        versus = [
            ratio(ours, censored_median(runs[k]), args.budget)[0]
            for k in ("hypothesis", "apifuzz-off")
        ]
        lines.append(f"| `{bug}` | " + " | ".join([*cells, *versus]) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    write_section("deep-bugs", text)


if __name__ == "__main__":
    main()
