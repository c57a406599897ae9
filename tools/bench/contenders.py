"""The contenders of tools/bench/time_to_bug.py: how each is launched, and what it found.

Every run is a child process (its own process group, pinned to one core) with
only the seeded bug under test switched on; the time to first detection is
measured from the launch (``time.time()`` just before the child starts) to the
moment the child recorded the bug: the crash folder's ``first_seen`` for
apifuzz, the time the Hypothesis runner noted the failure, the crash file's
modification time for the atheris harness.  A detection must come from the
model's code, and where the bug's input is at hand it is replayed with the bug
switched off: a failure that stays is not the seeded bug, and is reported as an
error, like a harness that could not start.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "tools" / "bench" / "peers"
TRACED = ROOT / "corpora" / "example_timeline"
GRACE = 30.0  # seconds past the budget before a child is killed
# The full benchmark: 5 contenders x 11 bugs x 5 runs = 275 runs, about 40 minutes on two
# cores at 25 s each (the peers mostly run out their budget), so that every benchmark
# together stays under an hour.
DEFAULT_RUNS = 5
DEFAULT_BUDGET = 25.0
HYPOTHESIS_STEPS = 50  # stateful_step_count


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    kind: str  # "apifuzz", "hypothesis" or "atheris"
    corpus: str = ""  # apifuzz: "empty" or "traced"
    mutator: str = ""  # apifuzz: "bytes" or "structure"
    flags: tuple[str, ...] = ()  # apifuzz: more options of apifuzz fuzz (an ablation's switch)


CONTENDERS: tuple[Contender, ...] = (
    Contender("empty-bytes", "apifuzz, empty corpus, bytes", "apifuzz", "empty", "bytes"),
    Contender("traced-bytes", "apifuzz, traced corpus, bytes", "apifuzz", "traced", "bytes"),
    Contender(
        "traced-structure", "apifuzz, traced corpus, structure", "apifuzz", "traced", "structure"
    ),
    Contender("hypothesis", "Hypothesis RuleBasedStateMachine", "hypothesis"),
    Contender("atheris-fdp", "atheris + FuzzedDataProvider", "atheris"),
)
BY_KEY = {c.key: c for c in CONTENDERS}


@dataclass
class Outcome:
    status: str  # "found", "miss" or "error"
    seconds: float | None  # launch to detection (also set for a detection past the budget)
    wall: float  # launch to the child's exit
    detail: str  # the bug found, or what went wrong
    confirmed: bool | None = None  # replayed with the bug off: no failure (None: not checked)


def in_model(path: str) -> bool:
    """Whether a failure raised at ``path`` comes from the timeline's own code.

    ``example_timeline/bugs.py`` only reads the switch (a bad name raises there):
    a failure there is the bench's error, never a detection.
    """
    relative = path.replace(ROOT.as_posix() + "/", "")
    return relative.startswith("example_timeline/") and not relative.startswith(
        "example_timeline/bugs.py"
    )


def load_results(path: Path, role: str) -> dict[tuple[str, str, int, float], dict[str, Any]]:
    """The last JSON-lines record of every (bug, ``role``, seed, budget) in ``path``.

    ``role`` is the record's field naming who ran (``contender``, ``job``).  A line
    torn by a kill is skipped, so a killed benchmark resumes where it stopped.
    """
    done: dict[tuple[str, str, int, float], dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            done[(r["bug"], r[role], int(r["seed"]), float(r["budget"]))] = r
    return done


def env_for(bug: str | None) -> dict[str, str]:
    """This environment with only ``bug`` switched on (none when ``bug`` is None), and this
    checkout first on the import path: the peers run as scripts, and would otherwise
    import the model of whichever checkout the environment installed."""
    env = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    if bug:
        env["APIFUZZ_EXAMPLE_BUGS"] = bug
    return env


def command(c: Contender, seed: int, budget: float, workdir: Path) -> list[str]:
    """The child's command line."""
    if c.kind == "apifuzz":
        corpus = workdir / "empty" if c.corpus == "empty" else TRACED
        return [
            *(sys.executable, "-m", "apifuzz", "fuzz", "example_timeline"),
            *("--corpus", str(corpus), "--mutator", c.mutator, "--seed", str(seed)),
            *("--stop-on-first", "--max-time", f"{budget:g}", "--minimize-time", "0"),
            *("--workdir", str(workdir / "work")),
            *c.flags,
        ]
    if c.kind == "hypothesis":
        script = PEERS / "hypothesis_machine.py"
        return [
            *(sys.executable, str(script), "--seed", str(seed), "--budget", f"{budget:g}"),
            *("--steps", str(HYPOTHESIS_STEPS)),
        ]
    return [
        *(sys.executable, str(PEERS / "atheris_fdp.py"), f"-seed={seed}"),
        *(f"-max_total_time={int(budget)}", f"-artifact_prefix={workdir}/"),
    ]


def _spawn(
    cmd: list[str], env: dict[str, str], cwd: Path, log: Path, limit: float, core: int | None
) -> tuple[float, int | None, float]:
    """Run ``cmd`` (output to ``log``); returns (launch time, exit code or None if killed, wall)."""
    with open(log, "wb") as out:
        launch = time.time()
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        if core is not None:
            with contextlib.suppress(OSError):  # the child may already be gone
                os.sched_setaffinity(proc.pid, {core})
        try:
            code: int | None = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            code = None
        wall = time.time() - launch
        with contextlib.suppress(ProcessLookupError):  # the child and what it started
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return launch, code, wall


def _tail(log: Path, lines: int = 6) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return " | ".join(text[-lines:])[-600:]


def _replay_clean(cmd: list[str], cwd: Path) -> bool:
    """Whether ``cmd`` (a replay with every bug off) exits 0."""
    result = subprocess.run(
        cmd, cwd=cwd, env=env_for(None), capture_output=True, timeout=120, check=False
    )
    return result.returncode == 0


def _judge(seconds: float, budget: float, wall: float, detail: str, clean: bool | None) -> Outcome:
    if clean is False:
        return Outcome("error", seconds, wall, "not the seeded bug (fails with it off): " + detail)
    status = "found" if seconds <= budget else "miss"
    return Outcome(status, seconds, wall, detail if status == "found" else "late: " + detail, clean)


def run(
    c: Contender, bug: str, seed: int, budget: float, workdir: Path, core: int | None
) -> Outcome:
    """One run of ``c`` on ``bug``; ``workdir`` is fresh and belongs to this run."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "empty").mkdir(exist_ok=True)
    log = workdir / "child.log"
    cmd = command(c, seed, budget, workdir)
    launch, code, wall = _spawn(cmd, env_for(bug), ROOT, log, budget + GRACE, core)
    if c.kind == "apifuzz":
        return _apifuzz(workdir, log, launch, code, wall, budget)
    if c.kind == "hypothesis":
        return _hypothesis(log, launch, code, wall, budget)
    return _atheris(workdir, log, launch, code, wall, budget)


def _apifuzz(
    workdir: Path, log: Path, launch: float, code: int | None, wall: float, budget: float
) -> Outcome:
    from apifuzz.engine.crashes import load_crashes

    crashes = load_crashes(workdir / "work" / "crashes")
    if crashes:
        first = min(crashes, key=lambda r: r.first_seen)
        detail = f"{first.signature.describe()}: {first.summary}"[:300]
        if not in_model(first.signature.file):
            return Outcome("error", None, wall, "bug outside the model: " + detail)
        clean = _replay_clean(
            [
                sys.executable,
                "-m",
                "apifuzz",
                "replay",
                "example_timeline",
                "-q",
                "--corpus",
                str(workdir / "work"),
                str(first.folder),
            ],
            ROOT,
        )
        return _judge(first.first_seen - launch, budget, wall, detail, clean)
    if code == 0:
        return Outcome("miss", None, wall, "")
    why = "killed past the budget" if code is None else f"exit code {code}"
    return Outcome("error", None, wall, f"{why}, no bug: {_tail(log)}")


def _hypothesis(log: Path, launch: float, code: int | None, wall: float, budget: float) -> Outcome:
    lines = [ln for ln in log.read_text(errors="replace").splitlines() if ln.startswith("{")]
    if code is None or not lines:
        why = "killed past the budget" if code is None else f"exit code {code}"
        return Outcome("error", None, wall, f"{why}, no result: {_tail(log)}")
    result = json.loads(lines[-1])
    if result.get("harness_error"):
        return Outcome("error", None, wall, "harness: " + result["harness_error"])
    if not result["found"]:
        return Outcome("miss", None, wall, f"{result['programs']} programs")
    detail = f"{result['error']} at {result['where']}"
    if not in_model(str(result["where"])):
        return Outcome("error", None, wall, "failure outside the model: " + detail)
    detail = detail.replace(ROOT.as_posix() + "/", "")
    return _judge(result["detected_at"] - launch, budget, wall, detail, None)


_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)', re.M)


def _atheris(
    workdir: Path, log: Path, launch: float, code: int | None, wall: float, budget: float
) -> Outcome:
    text = log.read_text(encoding="utf-8", errors="replace")
    crash = sorted(workdir.glob("crash-*"))
    marker = "=== Uncaught Python exception: ==="
    if marker in text and crash:
        after = text.split(marker, 1)[1].strip().splitlines()
        error = after[0] if after else "?"
        frames = _FRAME.findall(text.split(marker, 1)[1])
        where = f"{frames[-1][0]}:{frames[-1][1]} in {frames[-1][2]}" if frames else "?"
        detail = f"{error} at {where}"[:300]
        if not in_model(where):
            return Outcome("error", None, wall, "failure outside the model: " + detail)
        clean = _replay_clean([sys.executable, str(PEERS / "atheris_fdp.py"), str(crash[0])], ROOT)
        detail = detail.replace(ROOT.as_posix() + "/", "")
        return _judge(crash[0].stat().st_mtime - launch, budget, wall, detail, clean)
    if code == 0 and "Done " in text:
        return Outcome("miss", None, wall, "")
    why = "killed past the budget" if code is None else f"exit code {code}"
    return Outcome("error", None, wall, f"{why}, no crash: {_tail(log)}")
