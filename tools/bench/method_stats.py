"""The cost of the per-method counts in the fuzz loop: the interpreter with and without them.

    python tools/bench/method_stats.py [--rounds 7] [--corpus DIR ...]

Runs every input of the corpus (default: the traced example_timeline corpus)
the way a worker does (``Interpreter.run(data, record=False)``), in rounds
that alternate counting off and on, and prints the inputs per second of
each (CPU time of this process, so a busy machine moves both alike), the
median of each and their ratio.  A campaign's own figures (``apifuzz fuzz
... --max-time 30``, alternated) vary more than this difference on a shared
machine; this isolates it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from apifuzz.engine.corpus import inputs
    from apifuzz.interpreter import Interpreter
    from apifuzz.interpreter.stats import MethodStats
    from apifuzz.language import LOCK_NAME, Language
    from apifuzz.model.loader import load_target

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus a round")
    parser.add_argument("--corpus", action="append", type=Path)
    args = parser.parse_args()
    folders = args.corpus or [ROOT / "corpora" / "example_timeline"]
    target = load_target("example_timeline")
    language = Language.for_target(target, folders[0] / LOCK_NAME)
    data = [p.read_bytes() for folder in folders for p in inputs(folder)]
    interpreter = Interpreter(language)
    counts = MethodStats(m.name for m in language.registry.methods)
    rates: dict[str, list[float]] = {"off": [], "on": []}
    for _ in range(args.rounds):
        for mode in ("off", "on"):
            interpreter.stats = counts if mode == "on" else None
            started = time.process_time()
            for _ in range(args.repeat):
                for script in data:
                    interpreter.run(script, record=False)
            rates[mode].append(len(data) * args.repeat / (time.process_time() - started))
    for mode, values in rates.items():
        shown = " ".join(f"{v:,.0f}" for v in values)
        print(f"counting {mode:3}: {shown}  median {statistics.median(values):,.0f} inputs/s")
    ratio = statistics.median(rates["on"]) / statistics.median(rates["off"])
    print(f"on / off: {ratio:.3f} ({len(data)} inputs x {args.repeat} per round)")


if __name__ == "__main__":
    main()
