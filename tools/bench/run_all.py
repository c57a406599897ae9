"""Every benchmark, one after the other, so all figures in docs/benchmarks.md come from one run.

    bash tools/bench.sh [--quick]

Runs tracing_overhead, exec_speed, time_to_bug, minimization, triage and
triage_coverage (on the runs triage kept) one after the other, then
corpus_coverage (one run at a time) beside memory, each on one of the two
cores: neither measures speed, and together they take the time of the longer.
``--quick`` is passed to each that has one.  Each command is printed before it starts, and
each script writes its own section of docs/benchmarks.md and its plots.  A run
that fails or is interrupted puts the page and the plots back as they were.
"""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from report import DOC, TITLE, machine, versions, write_section  # noqa: E402

#: Stages run one after the other; the scripts of one stage run side by side.  ``RUNS``
#: stands for a folder of this run where triage keeps its fuzzing runs for the next stage.
RUNS = "{runs}"
STAGES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("tracing_overhead.py",),),
    (("exec_speed.py",),),
    (("time_to_bug.py",),),
    (("minimization.py",),),
    (("triage.py", "--workdirs", RUNS),),
    (("triage_coverage.py", "--workdirs", RUNS),),
    (("corpus_coverage.py", "--parallel", "1"), ("memory.py",)),
)

#: Scripts with no quick mode (they measure little, or only read what an earlier one ran).
NOT_QUICK = ("tracing_overhead.py", "triage_coverage.py")


def run_stages(only: list[str], quick: bool) -> None:
    """Run every stage (or the ``only`` scripts); raises SystemExit when one fails."""
    with tempfile.TemporaryDirectory(prefix="apifuzz-bench-runs-") as runs:
        for stage in STAGES:
            _run_stage(stage, only, quick, runs)


def _run_stage(stage: tuple[tuple[str, ...], ...], only: list[str], quick: bool, runs: str) -> None:
    commands = []
    for script, *extra in stage:
        if only and script.removesuffix(".py") not in only:
            continue
        command = [sys.executable, str(HERE / script), *(runs if a == RUNS else a for a in extra)]
        if quick and script not in NOT_QUICK:
            command.append("--quick")
        print(f"\n==== {' '.join(command[1:])}", flush=True)
        commands.append(command)
    procs = [subprocess.Popen(c) for c in commands]
    codes = [proc.wait() for proc in procs]
    if any(codes):
        raise SystemExit(f"a benchmark failed (exit codes {codes})")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark in its quick mode")
    parser.add_argument("--only", default="", help="comma-separated script names to run")
    args = parser.parse_args()
    only = [name for name in args.only.split(",") if name]
    started = time.monotonic()
    # What the run replaces: put back as it was if the run fails or is interrupted, so
    # the page never mixes a partial run with the last whole one.
    saved = {p: p.read_bytes() for p in [DOC, *DOC.parent.glob("*.png")] if p.is_file()}
    if not only:  # a full run replaces every figure, so the page holds one run only
        DOC.write_text(TITLE + "\n<!-- run -->\n<!-- /run -->\n", encoding="utf-8")
    try:
        run_stages(only, args.quick)
    except BaseException:
        for path, data in saved.items():
            path.write_bytes(data)
        print(f"\nbenchmarks stopped: {DOC.name} and its plots are as they were", flush=True)
        raise
    minutes = (time.monotonic() - started) / 60
    print(f"\nall benchmarks done in {minutes:.1f} min")
    if not only:
        command = "bash tools/bench.sh" + (" --quick" if args.quick else "")
        write_section(
            "run",
            "\n".join(
                [
                    f"All figures below come from one run of `{command}` "
                    f"({minutes:.0f} min; `{shlex.join(['python', *sys.argv])}`).",
                    "",
                    f"- Machine: {machine()}.",
                    f"- Versions: {versions()}.",
                    "- Each section names its script and parameters; `bash tools/bench.sh "
                    "--only NAME` (e.g. `--only time_to_bug`) reruns one and rewrites its "
                    "section.",
                ]
            ),
        )


if __name__ == "__main__":
    main()
