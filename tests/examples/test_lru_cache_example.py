"""docs/examples/lru_cache.py: cachetools.LRUCache, a PyPI library, against a reference model."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language
from docs.examples import lru_cache

ROOT = Path(__file__).resolve().parents[2]


def random_script(rng: random.Random, words: list[str], length: int = 16) -> str:
    lines = [f"! {rng.choice([0, 1, 2, 3, 5])}"]  # small caches evict often
    for _ in range(length):
        word = rng.choice(words)
        args = [str(rng.randrange(-2, 7)) for _ in range(rng.randrange(0, 3))]
        lines.append(" ".join([word, *args]))
    return "\n".join(lines)


def run_random(interpreter: Interpreter, seed: int, count: int) -> tuple[int, int]:
    """(scripts that showed a bug, statements executed) over ``count`` random scripts."""
    rng = random.Random(seed)
    words = list(interpreter.language.lookup)
    bugs = executed = 0
    for _ in range(count):
        report = interpreter.run(random_script(rng, words), record=False)
        bugs += not report.ok
        executed += report.executed
    return bugs, executed


def test_random_scripts_find_no_difference() -> None:
    interpreter = Interpreter(Language.build(lru_cache.target))
    bugs, executed = run_random(interpreter, 7, 3000)
    assert bugs == 0
    assert executed > 8_000  # the scripts really drive both caches


def test_a_full_cache_evicts_the_least_recently_used_on_both_sides() -> None:
    interpreter = Interpreter(Language.build(lru_cache.target))
    report = interpreter.run("! 2\np 1 10\np 2 20\ng 0\np 3 30\ni\n")
    assert report.ok, report.bug and report.bug.summary()
    # g 0 read key 1, so the write of 3 evicted 2, and 1 is now the least recently used.
    assert report.statements[-1].value == (1, 10)


def test_the_oracle_catches_a_reference_that_forgets_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def get_without_use(self: lru_cache.ListLRU, key: int) -> int:
        return self.pairs[self._index(key)][1]  # forgets that a read is a use

    monkeypatch.setattr(lru_cache.ListLRU, "get", get_without_use)
    interpreter = Interpreter(Language.build(lru_cache.target))
    report = interpreter.run("! 2\np 1 10\np 2 20\ng 0\np 3 30\n")
    assert report.bug is not None and report.bug.kind is BugKind.INVARIANT
    assert report.bug.invariant == "same_items" and report.bug.line == 5
    bugs, _ = run_random(interpreter, 3, 500)
    assert bugs > 0


@pytest.mark.parametrize(
    ("real", "ref", "message"),
    [
        (lambda: 1, lambda: 1, None),
        (lambda: 1, lambda: 2, "LRUCache returned 1, the reference 2"),
        (lambda: {}[0], lambda: 1, "LRUCache raised KeyError(0), the reference returned 1"),
        (lambda: 1, lambda: {}[0], "the reference raised KeyError(0), LRUCache returned 1"),
        (lambda: int("x"), lambda: {}[0], "the reference raised KeyError(0), LRUCache ValueError"),
    ],
)
def test_same_tells_every_difference(real: Any, ref: Any, message: str | None) -> None:
    if message is None:
        assert lru_cache.same(real, ref) == 1
    else:
        with pytest.raises(AssertionError, match=re.escape(message)):
            lru_cache.same(real, ref)
    with pytest.raises(KeyError):  # both refused alike: the refusal goes through
        lru_cache.same(lambda: {}[1], lambda: {}[2])


def test_fuzzing_the_library_finds_nothing(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "apifuzz", "fuzz", "docs.examples.lru_cache", "--runs", "20000"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no bug found" in done.stdout
