"""How likely one structure mutation of a traced seed shows a seeded bug, per mutator variant.

    python tools/bench/mutator.py [--samples 20000] [--bugs a,b] [--seed 1]

For each seeded bug of ``example_timeline`` (switched on alone, in this
process) and each variant of the structure mutator, ``--samples`` times: pick
a seed script of the traced corpus that does not show the bug, apply one
mutation (the same pick and mutation seed for every variant), run the result
and count whether it shows the bug.  The figure is P(one mutation shows the
bug): what a mechanism adds to the mutator alone, with no coverage guidance
and no corpus growth (tools/bench/ablation.py measures the whole fuzzer).
Writes the ``mutator`` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section

from apifuzz.engine.generate import Rng
from apifuzz.engine.mutator import ScriptMutator
from apifuzz.interpreter import Interpreter
from apifuzz.language import LoadedTarget
from example_timeline.bugs import ALL_BUGS, ENV_VAR

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpora" / "example_timeline"
HARD = ("cut_uses_source_frames", "resize_past_source_end", "redo_keeps_selection")

#: (key, label, ScriptMutator options).
VARIANTS: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("plain", "plain structure mutations", {"relational": False, "swarm": False}),
    ("relational", "+ relational", {"relational": True, "swarm": False}),
)


def seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.iterdir()) if p.suffix == ".txt"]


def measure(bug: str, samples: int, seed: int) -> dict[str, int]:
    os.environ[ENV_VAR] = bug
    language = LoadedTarget.load("example_timeline").language()
    interpreter = Interpreter(language)
    clean = [s for s in seeds() if interpreter.run(s, record=False).bug is None]
    mutators = {
        key: ScriptMutator(language, None, interpreter.parser, **options)
        for key, _, options in VARIANTS
    }
    shown = dict.fromkeys(mutators, 0)
    pick = Rng(seed)
    for _ in range(samples):
        data = clean[pick.below(len(clean))]
        mutation_seed = pick.next() & 0xFFFFFFFF
        for key, mutator in mutators.items():
            mutated = mutator.mutate(data, 4096, mutation_seed)
            if interpreter.run(mutated, record=False).bug is not None:
                shown[key] += 1
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--bugs", default=",".join(HARD), help="comma-separated (default: 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    bugs = [b for b in args.bugs.split(",") if b]
    unknown = sorted(set(bugs) - set(ALL_BUGS))
    if unknown:
        parser.error(f"unknown bug {', '.join(unknown)}")
    head = ["bug", *(label for _, label, _ in VARIANTS), "ratio (last / first)"]
    lines = [
        "## One mutation of a seed (`tools/bench/mutator.py`)",
        "",
        f"Machine: {machine()}. Per seeded bug of `example_timeline` (on alone): "
        f"{args.samples} times, a traced seed that does not show the bug, one structure "
        "mutation (the same seed and mutation seed for every variant), run: the share of "
        "mutated scripts that show the bug. No coverage guidance, no corpus growth: what "
        "each mechanism adds to one mutation.",
        "",
        "| " + " | ".join(head) + " |",
        "|---|" + "---:|" * (len(head) - 1),
    ]
    for bug in bugs:
        started = time.monotonic()
        shown = measure(bug, args.samples, args.seed)
        rates = [shown[key] / args.samples for key, _, _ in VARIANTS]
        first, last = rates[0], rates[-1]
        ratio = f"{last / first:.2f}" if first else ("n/a" if not last else "> 0 vs 0")
        cells = [
            f"{r * 1e4:.1f} per 10k ({shown[k]})"
            for r, (k, _, _) in zip(rates, VARIANTS, strict=True)
        ]
        lines.append(f"| `{bug}` | " + " | ".join([*cells, ratio]) + " |")
        print(lines[-1], f"({time.monotonic() - started:.0f} s)", flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    write_section("mutator", text)


if __name__ == "__main__":
    main()
