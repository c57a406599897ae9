"""Branch coverage of the model reached by fuzzing, per seed corpus and mutator.

    python tools/bench/corpus_coverage.py [--budget 25] [--seeds 3] [--parallel 2] [--quick]

Contenders, each fuzzing the example timeline (seeded bugs off) for the same
budget as a time-to-bug run, on one core, ``--parallel`` at a time:

- empty corpus, bytes mutator;
- the traced corpus (``corpora/example_timeline``), bytes mutator;
- the traced corpus, structure mutator;

and the traced corpus alone, before any fuzzing.  Coverage is measured by
``apifuzz cov --json`` (coverage.py, line and branch coverage of the model's
package) over the seeds plus every input the run added.  Coverage over time
replays the inputs found up to each checkpoint (their files' modification
times say when they were found).  Prints the table and ratios, writes a
section of docs/benchmarks.md and docs/coverage.png.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section  # noqa: E402

TRACED = ROOT / "corpora" / "example_timeline"
PLOT = ROOT / "docs" / "coverage.png"
ENV = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}


@dataclass
class Contender:
    name: str
    traced: bool
    mutator: str


CONTENDERS = [
    Contender("empty corpus, bytes mutator", False, "bytes"),
    Contender("traced corpus, bytes mutator", True, "bytes"),
    Contender("traced corpus, structure mutator", True, "structure"),
]


@dataclass
class Run:
    contender: Contender
    seed: int
    started: float = 0.0
    corpus: Path = Path()
    curve: list[tuple[float, float]] = field(default_factory=list)  # (seconds, branch %)
    final: dict[str, object] = field(default_factory=dict)


def measure(paths: list[Path], lock_dir: Path | None, out: Path) -> dict[str, object]:
    """``apifuzz cov --json`` over ``paths``."""
    command = [sys.executable, "-m", "apifuzz", "cov", "example_timeline", *map(str, paths)]
    command += ["--json", str(out)]
    if lock_dir is not None:
        command += ["--corpus", str(lock_dir)]
    done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"apifuzz cov failed: {done.stderr.strip()}")
    result: dict[str, object] = json.loads(out.read_text())
    return result


def branch_percent(result: dict[str, object]) -> float:
    branches = result["branches"]
    assert isinstance(branches, dict)
    return 100.0 * branches["covered"] / max(1, branches["total"])


def fuzz(run: Run, budget: float, base: Path) -> None:
    empty = base / "empty"
    empty.mkdir(exist_ok=True)
    workdir = base / f"{run.contender.mutator}-{run.contender.traced}-{run.seed}"
    command = [sys.executable, "-m", "apifuzz", "fuzz", "example_timeline"]
    command += ["--corpus", str(TRACED if run.contender.traced else empty)]
    command += ["--workdir", str(workdir), "--mutator", run.contender.mutator]
    command += ["--seed", str(run.seed), "--max-time", str(budget), "--minimize-time", "0"]
    run.started = time.time()
    subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, check=False)
    run.corpus = workdir / "corpus"
    print(f"  fuzzed: {run.contender.name}, seed {run.seed}", flush=True)


def coverage_curve(run: Run, budget: float, checkpoints: int, base: Path) -> None:
    """Coverage of the inputs found up to each checkpoint (by file modification time)."""
    found = sorted((p.stat().st_mtime - run.started, p) for p in run.corpus.iterdir())
    lock_dir = run.corpus.parent  # the workdir keeps the alias lock the inputs were written with
    for k in range(checkpoints + 1):
        t = budget * k / checkpoints
        folder = base / f"cp-{id(run)}-{k}"
        folder.mkdir()
        for _, path in (f for f in found if f[0] <= t):
            os.link(path, folder / path.name)
        paths = ([folder] if any(folder.iterdir()) else []) + (
            [TRACED] if run.contender.traced else []
        )
        if paths:
            result = measure(paths, lock_dir, base / f"cp-{id(run)}-{k}.json")
            run.curve.append((t, branch_percent(result)))
            if k == checkpoints:
                run.final = result
        else:
            run.curve.append((t, 0.0))  # nothing found yet: nothing covered
        shutil.rmtree(folder)


def plot(runs: list[Run], seeds_only: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    colors = {c.name: f"C{i}" for i, c in enumerate(CONTENDERS)}
    labelled: set[str] = set()
    for run in runs:
        name = run.contender.name
        ax.plot(
            [c[0] for c in run.curve],
            [c[1] for c in run.curve],
            color=colors[name],
            alpha=0.8,
            label=None if name in labelled else name,
        )
        labelled.add(name)
    ax.axhline(seeds_only, color="grey", linestyle=":", label="traced corpus alone")
    ax.set_xlabel("seconds of fuzzing (one core)")
    ax.set_ylabel("branch coverage of example_timeline (%)")
    ax.set_ylim(0, 100)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Coverage over time (one line per seed)")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=25.0, help="seconds per run (25)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per contender")
    parser.add_argument("--checkpoints", type=int, default=6, help="points per coverage curve")
    parser.add_argument("--parallel", type=int, default=2, help="runs at a time")
    parser.add_argument("--quick", action="store_true", help="10 s, one seed")
    args = parser.parse_args()
    budget, seeds = (10.0, 1) if args.quick else (args.budget, args.seeds)
    print(
        f"coverage: budget {budget:g}s per run, {seeds} seed(s) per contender, "
        f"{args.parallel} at a time, {args.checkpoints} checkpoints"
    )
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        alone = measure([TRACED], TRACED, base / "seeds.json")
        runs = [Run(c, seed) for c in CONTENDERS for seed in range(1, seeds + 1)]

        def fuzz_and_measure(run: Run) -> None:
            fuzz(run, budget, base)
            coverage_curve(run, budget, args.checkpoints, base)

        with ThreadPoolExecutor(args.parallel) as pool:
            list(pool.map(fuzz_and_measure, runs))
    seeds_only = branch_percent(alone)
    plot(runs, seeds_only)
    rows = []
    for contender in CONTENDERS:
        mine = [r for r in runs if r.contender is contender]
        branch = statistics.median(branch_percent(r.final) for r in mine)
        lines = statistics.median(
            100.0 * r.final["lines"]["covered"] / r.final["lines"]["total"]  # type: ignore[index]
            for r in mine
        )
        inputs = statistics.median(int(r.final["inputs"]) for r in mine)  # type: ignore[call-overload]
        rows.append((contender.name, branch, lines, inputs))
    alone_lines = 100.0 * alone["lines"]["covered"] / alone["lines"]["total"]  # type: ignore[index]
    empty, traced_bytes, traced_structure = (r[1] for r in rows)
    text = "\n".join(
        [
            "## Coverage (`tools/bench/corpus_coverage.py`)",
            "",
            f"Machine: {machine()}. Each run fuzzes `example_timeline` (seeded bugs off) for "
            f"{budget:g} s on one core, {args.parallel} runs at a time, {seeds} seed(s) per "
            "contender; coverage.py line and branch coverage of the `example_timeline` "
            "package over the seeds plus every input the run kept (median over seeds).",
            "",
            "| corpus | branch coverage | line coverage | inputs |",
            "|---|---:|---:|---:|",
            f"| traced corpus alone, no fuzzing | {seeds_only:.1f}% | {alone_lines:.1f}% | "
            f"{alone['inputs']} |",
            *(f"| {n} | {b:.1f}% | {li:.1f}% | {i:,.0f} |" for n, b, li, i in rows),
            "",
            f"- Traced corpus (structure mutator) / empty corpus, branch coverage at equal "
            f"budget: **{traced_structure / empty:.2f}** (goal ≥ 2; Kdenlive reported 2× "
            "from its traced corpus).",
            f"- Traced corpus, bytes mutator / empty corpus: **{traced_bytes / empty:.2f}**.",
            f"- Fuzzing the traced corpus (structure) / the traced corpus alone: "
            f"**{traced_structure / seeds_only:.2f}**.",
            "",
            "![coverage over time](coverage.png)",
        ]
    )
    print(text)
    write_section("coverage", text)


if __name__ == "__main__":
    main()
