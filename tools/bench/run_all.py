"""Every benchmark, one after the other, so all figures in docs/benchmarks.md come from one run.

    bash tools/bench.sh [--quick]

Runs tracing_overhead, exec_speed, time_to_bug, corpus_coverage and memory
(each with ``--quick`` when given), printing each command before it starts.
Each script writes its own section of docs/benchmarks.md and its plots.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "tracing_overhead.py",
    "exec_speed.py",
    "time_to_bug.py",
    "corpus_coverage.py",
    "memory.py",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark in its quick mode")
    parser.add_argument("--only", default="", help="comma-separated script names to run")
    args = parser.parse_args()
    chosen = [s for s in SCRIPTS if not args.only or s.removesuffix(".py") in args.only.split(",")]
    started = time.monotonic()
    for script in chosen:
        command = [sys.executable, str(HERE / script)]
        if args.quick and script != "tracing_overhead.py":
            command.append("--quick")
        print(f"\n==== {' '.join(command[1:])}", flush=True)
        subprocess.run(command, check=True)
    print(f"\nall benchmarks done in {(time.monotonic() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
