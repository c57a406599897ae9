"""Bugs that live in state: time to find a benchmark model's seeded bugs, apifuzz vs Hypothesis.

    python tools/bench/deep_bugs.py [--model ledger|notebook] [--runs 5] [--budget 60]
        [--parallel 2] [--bugs a,b]

The models (tools/bench/models/) have seeded bugs that each need at least
four related calls and give no new coverage before the failing call: the
ledger's (the same account or hold, amounts that add up), and the
notebook's, which live in state its undo history does not hold (a note
pinned between the undo of its deletion and the redo).  Per bug (switched on
alone) and contender, ``--runs`` runs with seeds 1..N, each a child process
on one core that stops at the first bug or at the budget:

- apifuzz, default settings, from an empty corpus;
- apifuzz with its deep-state search off (``--state-feedback off --relational
  off --swarm off --value-profile off``): what those mechanisms add;
- Hypothesis, a RuleBasedStateMachine over the same API
  (tools/bench/peers/hypothesis_<model>.py).

A detection counts only if it is in the model's code.  Writes the
``deep-bugs`` section (the ledger) or ``deep-bugs-<model>`` of docs/benchmarks.md.
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
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contenders import ROOT, _spawn
from report import machine, write_section
from time_to_bug_report import cell, censored_median, ratio

MODEL_DIR = ROOT / "tools" / "bench" / "models"
sys.path.insert(0, str(MODEL_DIR))

import ledger  # noqa: E402
import notebook  # noqa: E402

#: The benchmark's models, by name, and what the report says of each.
MODELS: dict[str, tuple[ModuleType, str]] = {
    "ledger": (
        ledger,
        "The benchmark ledger (`tools/bench/models/ledger.py`): each seeded bug needs four or "
        "more related calls and gives no new coverage before the failing call.",
    ),
    "notebook": (
        notebook,
        "The benchmark notebook (`tools/bench/models/notebook.py`, undo and redo declared on "
        "its target): each seeded bug lives in state the undo history does not hold (pins, the "
        "open note, cached word counts) and needs five related calls, the last a redo, with "
        "a call on the note between the undo and the redo.",
    ),
}

OFF = (
    *("--state-feedback", "off", "--relational", "off", "--swarm", "off"),
    *("--value-profile", "off"),
)
CONTENDERS = (
    ("apifuzz", "apifuzz (default)"),
    ("apifuzz-off", "apifuzz, deep-state search off"),
    ("hypothesis", "Hypothesis RuleBasedStateMachine"),
)


def command(model: str, key: str, seed: int, budget: float, workdir: Path) -> list[str]:
    if key == "hypothesis":
        script = ROOT / "tools" / "bench" / "peers" / f"hypothesis_{model}.py"
        return [sys.executable, str(script), "--seed", str(seed), "--budget", f"{budget:g}"]
    return [
        *(sys.executable, "-m", "apifuzz", "fuzz", f"{model}:target", "--stop-on-first"),
        *("--max-time", f"{budget:g}", "--minimize-time", "0", "--seed", str(seed)),
        *("--workdir", str(workdir / "work"), "--corpus", str(workdir / "empty")),
        *(OFF if key == "apifuzz-off" else ()),
    ]


def one(
    model: str, key: str, bug: str, seed: int, budget: float, core: int | None
) -> dict[str, Any]:
    """One run: ``status`` found or miss (or error) and ``seconds`` from launch to detection."""
    from apifuzz.engine.crashes import load_crashes

    workdir = Path(tempfile.mkdtemp(prefix="deep_bugs-"))
    (workdir / "empty").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    env.update({MODELS[model][0].ENV_VAR: bug, "PYTHONPATH": str(MODEL_DIR)})
    log = workdir / "child.log"
    run = command(model, key, seed, budget, workdir)
    launch, code, _ = _spawn(run, env, ROOT, log, budget + 30, core)
    found: float | None = None
    if key == "hypothesis":
        lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("{")]
        result = json.loads(lines[-1]) if lines else {}
        # Only a failure raised in the model's code: not a peer's wrong call of it.
        if result.get("found") and result.get("file", "").endswith(f"{model}.py"):
            found = result["detected_at"] - launch
    else:
        crashes = load_crashes(workdir / "work" / "crashes")
        mine = [c for c in crashes if c.signature.file.endswith(f"{model}.py")]
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
    parser.add_argument("--model", choices=sorted(MODELS), default="ledger")
    parser.add_argument("--bugs", default="", help="comma-separated (default: all the model's)")
    args = parser.parse_args()
    bugs = [b for b in args.bugs.split(",") if b] or list(MODELS[args.model][0].ALL_BUGS)
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
            outcome = one(args.model, key, bug, seed, args.budget, core)
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
    title = "" if args.model == "ledger" else f": the {args.model}"
    lines = [
        f"## Bugs that live in state{title} (`tools/bench/deep_bugs.py --model {args.model}`)",
        "",
        f"Machine: {machine()}. {MODELS[args.model][1]} Each bug on alone, {len(seeds)} runs "
        f"per contender (seeds "
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
    write_section("deep-bugs" if args.model == "ledger" else f"deep-bugs-{args.model}", text)


if __name__ == "__main__":
    main()
