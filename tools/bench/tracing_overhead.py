"""What the @api tracing wrapper costs per call, side by side in one run.

    python tools/bench/tracing_overhead.py

Compares a plain method, the same method behind ``@api`` with no recorder
(the state of every program that is not being traced), the same with a
recorder active, and the undecorated function the fuzzer calls.  Prints
calls per second and ratios, and writes them to docs/benchmarks.md.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import machine, write_section

from apifuzz import Target, api
from apifuzz.language import Language
from apifuzz.tracing.recorder import Recorder


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def plain(self, step: int) -> int:
        self.n += step
        return self.n

    @api
    def traced(self, step: int) -> int:
        self.n += step
        return self.n


def rate(stmt: object, number: int) -> float:
    """Best of five: calls per second."""
    return number / min(timeit.repeat(stmt, number=number, repeat=5))  # type: ignore[arg-type]


def main() -> None:
    number = 300_000
    c = Counter()
    raw = Counter.traced.__wrapped__
    rows = [
        ("plain method", rate(lambda: c.plain(1), number)),
        ("@api, no recorder", rate(lambda: c.traced(1), number)),
        ("undecorated function (the fuzz path)", rate(lambda: raw(c, 1), number)),
    ]
    recorder = Recorder([Language.build(Target(Counter))])
    with recorder:
        recorded = Counter()
        rows.append(("@api, recording", rate(lambda: recorded.traced(1), number // 10)))
    base = rows[0][1]
    lines = [
        "## Tracing wrapper (`tools/bench/tracing_overhead.py`)",
        "",
        f"Machine: {machine()}. Best of 5 runs of {number:,} calls (recording: {number // 10:,}).",
        "",
        "| call | calls/s | vs plain method | ns per call |",
        "|---|---:|---:|---:|",
    ]
    for name, value in rows:
        lines.append(f"| {name} | {value:,.0f} | {value / base:.3f} | {1e9 / value:,.0f} |")
    wrapped = rows[1][1]
    lines += [
        "",
        f"With no recorder the wrapper adds {1e9 / wrapped - 1e9 / base:,.0f} ns per call "
        "(wrapt binds a wrapper object on every attribute access, then calls through); "
        "the fuzzer calls the undecorated function and pays nothing.",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("tracing-overhead", text)


if __name__ == "__main__":
    main()
