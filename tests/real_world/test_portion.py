"""docs/real_world/portion: the target loads, random scripts run clean, and its oracles bite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("portion", reason="portion is not installed in this environment")

import portion as P

from apifuzz.engine.generate import Rng, StatementGenerator
from apifuzz.interpreter import Interpreter
from apifuzz.language import Language
from docs.real_world.portion import target
from docs.real_world.portion.model import ABSENT, Piecewise

ROOT = Path(__file__).resolve().parents[2]


def interpreter() -> Interpreter:
    return Interpreter(Language.build(target))


def random_scripts(interp: Interpreter, seed: int, count: int, length: int = 12) -> list[str]:
    generator = StatementGenerator(interp.language)
    rng = Rng(seed)
    return ["\n".join(generator.statement(rng) for _ in range(length)) for _ in range(count)]


def test_the_target_loads() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "lang", "docs.real_world.portion"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "__setitem__" in result.stdout and "as value or Interval" in result.stdout
    assert "iv_union" in result.stdout


#: portion 2.6.3's defects the oracles find (README): nan inside every interval, and
#: ``del d[x]`` silent for a key x that is no point (nan, an infinity).
KNOWN = ("nan", "+inf", "-inf")


def test_random_scripts_run_without_an_adapter_error() -> None:
    interp = interpreter()
    executed = 0
    for script in random_scripts(interp, 11, 300):
        report = interp.run(script, record=False)
        executed += report.executed
        if report.bug is None:
            continue
        # An oracle's verdict on a known defect, never an exception of the adapter itself.
        message = report.bug.summary()
        assert isinstance(report.bug.error, AssertionError), f"{script}\n{message}"
        assert any(word in message for word in KNOWN), f"{script}\n{message}"
    assert executed > 1500  # the scripts really drive the dict and the algebra


def test_the_reference_is_a_function_of_the_reals() -> None:
    ref = Piecewise()
    ref.assign((0, 5, True, True), 1)
    ref.assign((3, 8, True, True), 2)
    ref.assign((6, 10, True, False), 1)
    assert [ref(x) for x in (-1, 0, 2.5, 3, 5.5, 6, 9.9, 10)] == [ABSENT, 1, 1, 2, 2, 1, 1, ABSENT]


def test_the_reference_catches_an_update_where_an_earlier_value_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """portion 2.6.2's bug, put back by hand: update groups the items by value."""

    def update_by_value(self: P.IntervalDict, items: list[tuple[P.Interval, int]]) -> None:
        grouped: dict[int, list[P.Interval]] = {}
        for key, value in items:
            grouped.setdefault(value, []).append(key)
        for value, keys in grouped.items():
            self[P.Interval(*keys)] = value

    script = "u [[[[0.0 5.0 true true]] 1] [[[3.0 8.0 true true]] 2] [[[6.0 10.0 true true]] 1]]\n"
    assert interpreter().run(script).ok
    monkeypatch.setattr(P.IntervalDict, "update", update_by_value)
    report = interpreter().run(script)
    assert report.bug is not None and report.bug.invariant == "same_as_reference"


def test_the_algebra_catches_a_wrong_complement(monkeypatch: pytest.MonkeyPatch) -> None:
    original = P.Interval.__invert__

    def complement_closed(self: P.Interval) -> P.Interval:
        return original(self) | P.singleton(1.5)  # a point of the interval itself

    script = "iv_set_current [[1.0 2.0 true true]]\niv_complement\n"
    assert interpreter().run(script).ok
    monkeypatch.setattr(P.Interval, "__invert__", complement_closed)
    report = interpreter().run(script)
    assert report.bug is not None and "holds 1.5" in str(report.bug.error)
