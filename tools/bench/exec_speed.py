"""Executions per second on the example timeline, every contender in one run.

    python tools/bench/exec_speed.py [--seconds 10] [--quick]

Contenders, one after the other on one core, seeded bugs off:
apifuzz (structure mutator, bytes mutator; from an empty corpus, and from the
traced corpus), a hand-written atheris harness with FuzzedDataProvider
(tools/bench/peers/atheris_fdp.py), a Hypothesis RuleBasedStateMachine with
Bundles (tools/bench/peers/hypothesis_machine.py), and the limit: the same
inputs apifuzz ran, their calls resolved once, replayed by direct method calls
on uninstrumented code.  apifuzz runs with its defaults (no check after a
query, checks after every 4th call and the last, ``--check-every``), and from
the traced corpus also with checks after every call, and as it ran before
queries and sparse checks existed (``peers/every_call`` on PYTHONPATH: every
call checked, getters included).  Every other contender checks
check_consistency after every call.  Prints the table and ratios and writes
them to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "peers"))

from report import machine, write_section  # noqa: E402

ENV = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}
EVERY_CALL = Path(__file__).resolve().parent / "peers" / "every_call"
BEFORE = "apifuzz, traced corpus, as before (every call checked, getters included)"
TRACED = "apifuzz, structure mutator, traced corpus"
EMPTY = "apifuzz, structure mutator, empty corpus"
EMPTY_EVERY = "apifuzz, structure mutator, empty corpus, --check-every 1"


def apifuzz(
    seconds: float,
    mutator: str,
    corpus: Path,
    workdir: Path,
    flags: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> dict[str, float]:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "apifuzz",
            "fuzz",
            "example_timeline",
            "--corpus",
            str(corpus),
            "--workdir",
            str(workdir),
            "--max-time",
            str(seconds),
            "--mutator",
            mutator,
            *flags,
        ],
        cwd=ROOT,
        env=env or ENV,
        capture_output=True,
        check=False,
    )
    stats = json.loads((workdir / "stats" / "0.json").read_text())
    return {
        "exec/s": stats["runs"] / stats["elapsed"],
        "calls/s": stats["statements"] / stats["elapsed"],
        "calls/exec": stats["statements"] / max(stats["runs"], 1),
    }


def atheris_fdp(seconds: float, workdir: Path) -> dict[str, float]:
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools/bench/peers/atheris_fdp.py"),
            str(corpus),
            f"-max_total_time={int(seconds)}",
            "-print_final_stats=1",
        ],
        cwd=workdir,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    runs = int(re.search(r"stat::number_of_executed_units: (\d+)", result.stderr).group(1))  # type: ignore[union-attr]
    return {"exec/s": runs / seconds}


def hypothesis(seconds: float) -> dict[str, float]:
    import hypothesis_machine

    started = time.monotonic()
    programs, steps, failure = hypothesis_machine.run(seconds)
    elapsed = time.monotonic() - started
    assert failure is None, failure
    return {
        "exec/s": programs / elapsed,
        "calls/s": steps / elapsed,
        "calls/exec": steps / max(programs, 1),
    }


def direct_replay(inputs: list[bytes], seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    """(direct calls on uninstrumented code, apifuzz's interpreter on the same inputs)."""
    from apifuzz.interpreter import Interpreter
    from apifuzz.language import LOCK_NAME, Language
    from apifuzz.model.loader import load_target

    target = load_target("example_timeline")
    language = Language.for_target(target, ROOT / "corpora/example_timeline" / LOCK_NAME)
    interpreter = Interpreter(language)
    methods = {m.name: m.func for m in language.methods}
    programs: list[list[tuple[Any, tuple[Any, ...], dict[str, Any]]]] = []
    for data in inputs:
        calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []
        interpreter.run(
            data,
            record=False,
            on_call=lambda m, a, k, v, calls=calls: calls.append((methods[m], a, k)),
        )
        programs.append(calls)
    check = target.model_class.check_consistency  # @invariant only tags: no wrapper
    expected = target.expected

    def replay() -> int:
        done = 0
        for calls in programs:
            model = target.factory()
            for func, args, kwargs in calls:
                with contextlib.suppress(expected):
                    func(model, *args, **kwargs)
                check(model)
                done += 1
        return done

    def timed(step: Any) -> tuple[float, float]:
        runs = calls = 0
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            calls += step()
            runs += len(programs)
        elapsed = time.monotonic() - started
        return runs / elapsed, calls / elapsed

    direct = timed(replay)
    statements = sum(len(p) for p in programs)
    interp = timed(lambda: [interpreter.run(d, record=False) for d in inputs] and statements)
    return (
        {"exec/s": direct[0], "calls/s": direct[1], "calls/exec": statements / len(programs)},
        {"exec/s": interp[0], "calls/s": interp[1], "calls/exec": statements / len(programs)},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per contender (10)")
    parser.add_argument("--quick", action="store_true", help="5 seconds per contender")
    args = parser.parse_args()
    seconds = 5.0 if args.quick else args.seconds
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        empty = base / "empty"
        empty.mkdir()
        traced = ROOT / "corpora/example_timeline"
        every = ("--check-every", "1")
        before_env = {**ENV, "PYTHONPATH": str(EVERY_CALL)}
        rows.append((EMPTY, apifuzz(seconds, "structure", empty, base / "s")))
        rows.append((EMPTY_EVERY, apifuzz(seconds, "structure", empty, base / "s1", every)))
        rows.append(
            ("apifuzz, bytes mutator, empty corpus", apifuzz(seconds, "bytes", empty, base / "b"))
        )
        rows.append((TRACED, apifuzz(seconds, "structure", traced, base / "t")))
        rows.append(
            (
                "apifuzz, traced corpus, --check-every 1",
                apifuzz(seconds, "structure", traced, base / "t1", every),
            )
        )
        rows.append((BEFORE, apifuzz(seconds, "structure", traced, base / "t0", every, before_env)))
        rows.append(
            (
                "hand-written atheris harness (FuzzedDataProvider)",
                atheris_fdp(seconds, base / "fdp"),
            )
        )
        rows.append(("Hypothesis RuleBasedStateMachine (20-step programs)", hypothesis(seconds)))
        inputs = [p.read_bytes() for p in sorted((base / "s" / "corpus").iterdir())]
        direct, interp = direct_replay(inputs, seconds)
    rows.append(("direct calls, uninstrumented (apifuzz's inputs, the limit)", direct))
    rows.append(("apifuzz interpreter, uninstrumented, same inputs", interp))
    by = dict(rows)
    structure = by[EMPTY]
    lines = [
        "## Executions per second (`tools/bench/exec_speed.py`)",
        "",
        f"Machine: {machine()}. {seconds:.0f} s per contender, one core, seeded bugs off. "
        "apifuzz checks check_consistency after every 4th call that is no query and after "
        "the last (its default), else as the row says; every other contender after every "
        "call.",
        "",
        "| contender | exec/s | calls/s | calls per exec |",
        "|---|---:|---:|---:|",
    ]
    for name, r in rows:
        calls = f"{r['calls/s']:,.0f}" if "calls/s" in r else "n/a"
        per = f"{r['calls/exec']:.1f}" if "calls/exec" in r else "n/a"
        lines.append(f"| {name} | {r['exec/s']:,.0f} | {calls} | {per} |")
    fdp = by["hand-written atheris harness (FuzzedDataProvider)"]["exec/s"]
    hyp = by["Hypothesis RuleBasedStateMachine (20-step programs)"]["calls/s"]
    lines += [
        "",
        f"- apifuzz (structure, empty corpus) / hand-written atheris harness: "
        f"**{structure['exec/s'] / fdp:.2f}** (exec/s); with checks after every call, as the "
        f"harness does: **{by[EMPTY_EVERY]['exec/s'] / fdp:.2f}**.",
        f"- apifuzz from the traced corpus, today / as before queries and sparse checks: "
        f"**{by[TRACED]['calls/s'] / by[BEFORE]['calls/s']:.2f}** (calls/s).",
        f"- apifuzz fuzzing (instrumented) / direct uninstrumented calls: "
        f"**{structure['calls/s'] / direct['calls/s']:.2f}** (calls/s; exec/s depends on "
        "the input lengths, so calls are compared).",
        f"- apifuzz interpreter / direct calls, both uninstrumented, same inputs: "
        f"**{interp['exec/s'] / direct['exec/s']:.2f}**.",
        f"- apifuzz fuzzing / Hypothesis state machine: **{structure['calls/s'] / hyp:.2f}** "
        "(calls/s).",
    ]
    text = "\n".join(lines)
    print(text)
    write_section("exec-speed", text)


if __name__ == "__main__":
    main()
