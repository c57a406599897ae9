"""Tracing reports a query that changes the model's state (pytest plugin, in-process)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TESTS = """
from query_models import Counter, Leaky

def test_leaky():
    stack = Leaky()
    stack.push(1)
    stack.push(2)
    assert stack.peek() == 2
    assert stack.peek() == 1

def test_leaky_again():
    stack = Leaky()
    stack.push(3)
    assert stack.peek() == 3

def test_pure():
    counter = Counter()
    item = counter.add(4)
    assert counter.get(item) == 4 and counter.count() == 1
"""


def test_a_query_that_changes_the_state_fails_the_trace(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stack=TESTS)
    out = pytester.path / "corpus"
    result = pytester.runpytest(f"--apifuzz-trace={out}", "--apifuzz-target=query_models:leaky")
    result.assert_outcomes(passed=3)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.outlines if line.startswith("ERROR: apifuzz trace")]
    assert errors == [
        "ERROR: apifuzz trace: Leaky.peek is declared a query but changed the model's state "
        "(attribute values changed); remove query=True from its registration, or, if that "
        "is a cache or a counter a query may change, give the Target state= a method "
        "returning what a query must leave alone"
    ]
    # The scripts are written all the same: they replay as the tests ran.
    assert sorted(p.name for p in (out / "query_models").glob("*.txt")) == [
        "test_stack--test_leaky.txt",
        "test_stack--test_leaky_again.txt",
    ]


def test_pure_queries_pass_the_trace(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_stack=TESTS)
    out = pytester.path / "corpus"
    result = pytester.runpytest(
        f"--apifuzz-trace={out}", "--apifuzz-target=query_models:counter", "-k", "pure"
    )
    result.assert_outcomes(passed=1, deselected=2)
    assert result.ret == pytest.ExitCode.OK
    assert "ERROR" not in result.stdout.str()
    assert (
        (out / "query_models" / "test_stack--test_pure.txt").read_text().endswith("a 4\ng 1\nn\n")
    )
