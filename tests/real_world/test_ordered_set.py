"""docs/real_world/ordered_set: ordered-set's OrderedSet against a reference, from outside."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ordered_set", reason="ordered-set is not installed (pip install ordered-set)")

from ordered_set import OrderedSet

from apifuzz.interpreter import BugKind, Interpreter
from apifuzz.language import Language
from docs.real_world import ordered_set as target_module

ROOT = Path(__file__).resolve().parents[2]

#: Methods whose known defects (docs/real_world/ordered_set/README.md) random scripts
#: would keep finding; the other methods must run clean.
KNOWN_DEFECTS = {"pop", "symmetric_difference_update", "issuperset"}


def element(rng: random.Random) -> str:
    return '"' + rng.choice("abcde") + '"'


def elements(rng: random.Random) -> str:
    return "[" + " ".join(element(rng) for _ in range(rng.randrange(0, 4))) + "]"


def argument(rng: random.Random, describe: str) -> str:
    """A random literal for a parameter type as ``apifuzz lang`` describes it."""
    if describe == "str":
        return element(rng)
    if describe == "list[str]":
        return elements(rng)
    if describe == "list[list[str]]":
        return "[" + " ".join(elements(rng) for _ in range(rng.randrange(0, 3))) + "]"
    if describe == "set[str]":
        return elements(rng)
    if describe == "list[int]":
        return "[" + " ".join(str(rng.randrange(-4, 5)) for _ in range(rng.randrange(3))) + "]"
    return str(rng.randrange(-5, 6))  # int, int?


def random_script(rng: random.Random, language: Language, length: int = 12) -> str:
    methods = [m for m in language.methods if m.name not in KNOWN_DEFECTS]
    lines = ['! "' + "".join(rng.choice("abcde") for _ in range(rng.randrange(6))) + '"']
    for _ in range(length):
        method = rng.choice(methods)
        args = [argument(rng, p.type.describe()) for p in method.params]
        lines.append(" ".join([language.aliases[method.name], *args]))
    return "\n".join(lines)


def test_the_target_loads() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "lang", "docs.real_world.ordered_set"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "ordered_set: OrderedSet" in result.stdout
    assert "items_and_map_agree, same_as_reference, reads_agree, round_trips" in result.stdout


def test_random_scripts_run_without_adapter_errors() -> None:
    language = Language.build(target_module.target)
    interpreter = Interpreter(language)
    rng = random.Random(11)
    executed = 0
    for _ in range(400):
        script = random_script(rng, language)
        report = interpreter.run(script, record=False)
        assert report.ok, f"{report.bug and report.bug.summary()}\n{script}"
        executed += report.executed
    assert executed > 2_000  # the scripts really drive the set


@pytest.mark.parametrize(
    ("script", "method"),
    [
        ('! "abc"\np 0', "pop"),  # rspeer/ordered-set#83
        ('sd ["a" "a"]', "symmetric_difference_update"),  # rspeer/ordered-set PR #107/#108
        ('! "a"\nip ["a" "a"]', "issuperset"),  # not reported upstream
    ],
)
def test_the_known_defects_of_4_1_0_are_caught(script: str, method: str) -> None:
    if OrderedSet.__module__ != "ordered_set" or not target_module.POP_TAKES_INDEX:
        pytest.skip("these are ordered-set 4.1.0's defects")
    report = Interpreter(Language.build(target_module.target)).run(script)
    assert report.bug is not None and report.bug.method == method, script


def test_an_invariant_catches_a_broken_discard(monkeypatch: pytest.MonkeyPatch) -> None:
    """A discard that forgets to shift the positions after the removed element: the oracle
    must see it at that very call."""

    def discard(self: OrderedSet[str], key: str) -> None:
        if key in self:
            i = self.map.pop(key)
            del self.items[i]  # the map keeps the old positions of what came after

    monkeypatch.setattr(OrderedSet, "discard", discard)
    report = Interpreter(Language.build(target_module.target)).run('! "abc"\ndi "a"\nin "c"')
    assert report.bug is not None
    assert report.bug.kind is BugKind.INVARIANT and report.bug.method == "discard"
