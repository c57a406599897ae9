"""apifuzz on the example timeline: the language, the committed lock, every seeded bug."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.interpreter import Interpreter
from apifuzz.language import LOCK_NAME, Language
from apifuzz.language.aliases import AliasLock
from apifuzz.model.loader import load_target
from example_timeline import bugs

ROOT = Path(__file__).resolve().parents[2]
BUG_SCRIPTS = ROOT / "example_timeline" / "bugs"
LOCK = ROOT / "corpora" / "example_timeline" / LOCK_NAME


@pytest.fixture
def interpreter(monkeypatch: pytest.MonkeyPatch) -> Interpreter:
    monkeypatch.delenv("APIFUZZ_EXAMPLE_BUGS", raising=False)
    target = load_target("example_timeline")
    return Interpreter(Language.for_target(target, LOCK))


def apifuzz(*args: str, bugs_on: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "APIFUZZ_EXAMPLE_BUGS"}
    if bugs_on is not None:
        env["APIFUZZ_EXAMPLE_BUGS"] = bugs_on
    return subprocess.run([sys.executable, "-m", "apifuzz", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_lang_lists_about_25_methods() -> None:
    result = apifuzz("lang", "example_timeline")
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    count = int(header.split(", ")[1].split()[0])
    assert 20 <= count <= 35, header


def test_committed_lock_is_complete_and_stable() -> None:
    lock = AliasLock.load(LOCK)
    before = lock.dumps()
    language = Language.build(load_target("example_timeline"), lock)
    assert lock.dumps() == before, "run: apifuzz lang example_timeline --write-lock"
    assert language.aliases == lock.aliases


def test_every_bug_has_a_script() -> None:
    assert len(bugs.ALL_BUGS) >= 8
    assert sorted(p.stem for p in BUG_SCRIPTS.glob("*.txt")) == sorted(bugs.ALL_BUGS)
    documented = (ROOT / "example_timeline" / "BUGS.md").read_text()
    for name in bugs.ALL_BUGS:
        assert name in documented


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_replay_finds_each_bug_only_when_switched_on(name: str) -> None:
    script = str(BUG_SCRIPTS / f"{name}.txt")
    on = apifuzz("replay", "-q", "example_timeline", script, bugs_on=name)
    assert on.returncode == 1, on.stdout + on.stderr
    assert "BUG: " in on.stdout
    off = apifuzz("replay", "-q", "example_timeline", script)
    assert off.returncode == 0, off.stdout + off.stderr
    others = ",".join(b for b in bugs.ALL_BUGS if b != name)
    if others:
        assert apifuzz("replay", "-q", "example_timeline", script, bugs_on=others).returncode == 0


@pytest.mark.parametrize("name", bugs.ALL_BUGS)
def test_bug_scripts_need_at_least_three_calls(interpreter: Interpreter, name: str) -> None:
    report = interpreter.run((BUG_SCRIPTS / f"{name}.txt").read_bytes())
    assert report.ok
    assert report.executed + report.refused >= 3
    assert report.skipped == 0


def random_bytes(rng: random.Random, words: list[str]) -> bytes:
    kind = rng.randrange(3)
    n = rng.randrange(0, 200)
    if kind == 0:
        return rng.randbytes(n)
    if kind == 1:
        return bytes(rng.choice(b'abcdefghimnoprstuvw![]"#\\ \n0123456789-.') for _ in range(n))
    lines = []
    for _ in range(rng.randrange(1, 30)):
        args = [str(rng.randrange(-5, 200)) for _ in range(rng.randrange(0, 5))]
        lines.append(" ".join([rng.choice(words), *args]))
    return "\n".join(lines).encode()


def run_random(interpreter: Interpreter, count: int, seed: int) -> int:
    rng = random.Random(seed)
    words = sorted(interpreter.language.lookup)
    executed = 0
    for _ in range(count):
        report = interpreter.run(random_bytes(rng, words), record=False)
        assert report.ok, report.bug and report.bug.traceback
        executed += report.executed + report.refused
    return executed


def test_random_inputs_never_escape_and_find_nothing(interpreter: Interpreter) -> None:
    assert run_random(interpreter, 5_000, seed=1) > 1_000


@pytest.mark.slow
def test_100k_random_byte_strings(interpreter: Interpreter) -> None:
    run_random(interpreter, 100_000, seed=2)
