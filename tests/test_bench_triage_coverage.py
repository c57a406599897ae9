"""tools/bench/triage_coverage.py: the clusters it cuts and the lines it compares.

The benchmark is no test; what it computes is checked once, on sets whose
clusters are known and on the example file system's reproducer scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import coverage
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools" / "bench"))

import triage_coverage as tc  # noqa: E402

from apifuzz.engine.judge import Judge  # noqa: E402
from apifuzz.language import LoadedTarget  # noqa: E402
from example_fs import bugs  # noqa: E402


def test_single_linkage_joins_alike_sets_only() -> None:
    a, b, c = frozenset("ab"), frozenset("abc"), frozenset("xy")
    chain = frozenset("abcd")
    assert sorted(map(sorted, tc.clusters([a, b, c], 0.6))) == [[0, 1], [2]]
    assert sorted(map(sorted, tc.clusters([a, b, c], 0.7))) == [[0], [1], [2]]
    # Single linkage: a joins chain through b although a and chain alone are not alike.
    assert sorted(map(sorted, tc.clusters([a, b, chain], 0.6))) == [[0, 1, 2]]
    # No new lines: nothing to compare, alone even with another empty set.
    assert len(tc.clusters([frozenset(), frozenset()], 0.0)) == 2


@pytest.fixture
def judge(monkeypatch: pytest.MonkeyPatch) -> Judge:
    monkeypatch.setenv(bugs.ENV_VAR, "unlink_frees_open_file")
    loaded = LoadedTarget.load("example_fs")
    return Judge(loaded.language(), loaded.packages())


def test_new_lines_are_the_failing_statements_own(judge: Judge) -> None:
    cov = coverage.Coverage(data_file=None, include=[f"{Path(bugs.__file__).parent}/*"])
    script = tc.statements(bugs.script_path("unlink_frees_open_file").read_text())
    found = tc.new_lines(judge, cov, script)
    assert found, "the failing statement runs lines no earlier statement ran"
    assert all(line.split(":")[0].endswith(".py") for line in found)
    bug = judge.run("\n".join(script)).bug
    assert bug is not None
    assert not found & tc._lines(judge, cov, script[: bug.line - 1])
    assert tc.new_lines(judge, cov, ['create 1 "f"']) == frozenset()


def test_closest_apart_names_the_most_alike_scripts_of_two_bugs() -> None:
    points = [frozenset("abc"), frozenset("abcd"), frozenset("xy"), frozenset("abd")]
    labels = [frozenset({"one"}), frozenset({"one"}), frozenset({"two"}), frozenset({"two"})]
    # 0 and 1 are one bug (left out); 1 and 3 are the closest pair of two bugs.
    assert tc.closest_apart(points, labels) == (0.75, "one", "two")
    # A script that shows two bugs alone says nothing about either: only unlike pairs stay.
    assert tc.closest_apart(points, [*labels[:3], frozenset({"one", "two"})])[0] == 0.0
