"""Memory of a fuzz worker over a long run: RSS sampled against executions.

    python tools/bench/memory.py [--runs 1000000] [--max-len 64] [--quick]

One worker fuzzes the example timeline (seeded bugs off, structure mutator,
empty corpus, inputs of at most ``--max-len`` bytes, about six calls, as
exec_speed.py measures: short inputs make the most executions per minute, so a
million fit into a few minutes, and a leak per execution shows at any length) for
``--runs`` executions; the worker's resident set size (``VmRSS`` from
``/proc/<pid>/status``) is sampled with its execution count (from its stats
file) every ``--every`` seconds.  The growth is measured from the first sample
after warm-up (10% of the runs: libFuzzer's tables, the parse cache and the
corpus fill up first) to the end.  Prints the samples' summary, writes a
section of docs/benchmarks.md and a plot, docs/memory.png.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section  # noqa: E402

PLOT = ROOT / "docs" / "memory.png"


def rss_mb(pid: int) -> float | None:
    """The resident set size of a process, in MB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def sample(runs: int, every: float, max_len: int) -> list[tuple[float, int, float]]:
    """Run one worker for ``runs`` executions; (seconds, executions, RSS MB) samples."""
    env = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}
    samples: list[tuple[float, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty"
        empty.mkdir()
        workdir = Path(tmp) / "work"
        command = [sys.executable, "-m", "apifuzz", "fuzz", "example_timeline"]
        command += ["--corpus", str(empty), "--workdir", str(workdir), "--runs", str(runs)]
        command += ["--minimize-time", "0", "--seed", "1", "--max-len", str(max_len)]
        started = time.monotonic()
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stats = workdir / "stats" / "0.json"
        while proc.poll() is None:
            time.sleep(every)
            try:
                info = json.loads(stats.read_text())
            except (OSError, ValueError):
                continue
            mb = rss_mb(int(info["pid"]))
            if mb is not None:
                samples.append((time.monotonic() - started, int(info["runs"]), mb))
                print(f"{samples[-1][0]:6.0f}s {info['runs']:>9,} runs  RSS {mb:6.1f} MB")
        if proc.returncode not in (0, 1):
            raise SystemExit(f"apifuzz fuzz stopped with exit code {proc.returncode}")
    return samples


def plot(samples: list[tuple[float, int, float]], warm: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot([s[1] for s in samples], [s[2] for s in samples], marker=".", linewidth=1)
    ax.axvline(warm, color="grey", linestyle=":", label="end of warm-up")
    ax.set_xlabel("executions")
    ax.set_ylabel("worker RSS (MB)")
    ax.set_ylim(bottom=0)
    ax.set_title("apifuzz fuzz example_timeline: one worker's memory")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="executions (default 1M)")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--max-len", type=int, default=64, help="longest input (64 bytes)")
    parser.add_argument("--quick", action="store_true", help="100,000 executions")
    args = parser.parse_args()
    runs = 100_000 if args.quick else args.runs
    print(
        f"memory: {runs:,} executions, one worker, --max-len {args.max_len}, "
        f"sample every {args.every:g}s"
    )
    samples = sample(runs, args.every, args.max_len)
    if len(samples) < 3:
        raise SystemExit("too few samples: the run ended too early")
    warm = runs // 10
    after = [s for s in samples if s[1] >= warm] or samples[-2:]
    first, last = after[0], samples[-1]
    peak = max(s[2] for s in samples)
    growth = last[2] - first[2]
    elapsed = last[0]
    plot(samples, warm)
    lines = [
        "## Memory over a long run (`tools/bench/memory.py`)",
        "",
        f"Machine: {machine()}. One worker, `apifuzz fuzz example_timeline`, structure "
        f"mutator, empty corpus, seeded bugs off, `--max-len {args.max_len}`, {runs:,} executions "
        f"({last[1]:,} sampled last, {elapsed:.0f} s, {last[1] / elapsed:,.0f} exec/s); "
        f"RSS sampled every {args.every:g} s.",
        "",
        "| | executions | RSS |",
        "|---|---:|---:|",
        f"| first sample | {samples[0][1]:,} | {samples[0][2]:.1f} MB |",
        f"| after warm-up (10%) | {first[1]:,} | {first[2]:.1f} MB |",
        f"| last sample | {last[1]:,} | {last[2]:.1f} MB |",
        f"| peak | | {peak:.1f} MB |",
        "",
        f"- Growth after warm-up: **{growth:+.1f} MB** over {last[1] - first[1]:,} executions "
        f"(goal: under 50 MB over 1M).",
        "",
        "![worker RSS against executions](memory.png)",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("memory", text)


if __name__ == "__main__":
    main()
