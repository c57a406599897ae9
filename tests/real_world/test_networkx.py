"""docs/real_world/networkx: the target loads, random scripts run clean, the oracle bites."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

nx = pytest.importorskip("networkx", reason="networkx is not installed in this environment")

from apifuzz.engine.generate import Rng, StatementGenerator  # noqa: E402
from apifuzz.interpreter import BugKind, Interpreter  # noqa: E402
from apifuzz.language import Language  # noqa: E402
from apifuzz.model.target import Target  # noqa: E402
from docs.real_world import networkx as target_module  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["graph", "digraph", "multigraph", "multidigraph"]


def test_the_target_loads_with_its_language() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "apifuzz", "lang", "docs.real_world.networkx"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "networkx_multidigraph: MultiDiGraph" in result.stdout
    assert "add_edge" in result.stdout and "weight: int = NOT_GIVEN" in result.stdout


def random_scripts(language: Language, seed: int, count: int, length: int = 12) -> list[str]:
    generator, rng = StatementGenerator(language), Rng(seed)
    return ["\n".join(generator.statement(rng) for _ in range(length)) for _ in range(count)]


@pytest.mark.parametrize("name", TARGETS)
def test_random_scripts_run_without_adapter_errors(name: str) -> None:
    language = Language.build(getattr(target_module, name))
    interpreter = Interpreter(language)
    executed = 0
    for script in random_scripts(language, seed=3, count=60):
        report = interpreter.run(script, record=False)
        bug = report.bug
        # Graph.number_of_edges(u) raises KeyError for a u not in the graph (a library defect,
        # see docs/real_world/networkx/README.md); nothing else may fail.
        if bug is not None and not (
            name in ("graph", "digraph")
            and isinstance(bug.error, KeyError)
            and bug.method == "number_of_edges"
        ):
            pytest.fail(f"{name}: {bug.summary()}\n{script}")
        executed += report.executed
    assert executed > 300  # the scripts really drive the graphs


def test_a_multigraph_script_replays_its_keys() -> None:
    interpreter = Interpreter(Language.build(target_module.multigraph))
    report = interpreter.run("a 0 1\na 0 1\na 0 1 7 3\nr 0 1 0\n")
    assert report.ok, report.bug and report.bug.summary()
    assert [s.value for s in report.statements[:3]] == [0, 1, 7]


def test_the_reference_catches_a_remove_edge_that_removes_the_wrong_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Documented: without a key, remove_edge removes the edge added last.  Remove the first
    # one instead: the graph stays consistent, only the reference model sees it.
    original = nx.MultiGraph.remove_edge

    def remove_first(self: nx.MultiGraph, u: int, v: int, key: int | None = None) -> None:
        if key is None and v in self._adj.get(u, {}):
            key = next(iter(self._adj[u][v]))
        original(self, u, v, key)

    monkeypatch.setattr(nx.MultiGraph, "remove_edge", remove_first)
    target = Target(target_module.register(nx.MultiGraph), expected=target_module.EXPECTED)
    report = Interpreter(Language.build(target)).run(
        "add_edge 0 1\nadd_edge 0 1\nremove_edge 0 1\n"
    )
    assert report.bug is not None and report.bug.kind is BugKind.INVARIANT
    assert report.bug.invariant == "agrees_with_reference"
    assert report.bug.line == 3


def test_the_consistency_check_catches_an_edge_stored_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def add_edge(self: nx.Graph, u_of_edge: int, v_of_edge: int, **attr: object) -> None:
        u, v = u_of_edge, v_of_edge
        for n in (u, v):
            self._adj.setdefault(n, {})
            self._node.setdefault(n, {})
        self._adj[u][v] = dict(attr)
        self._adj[v][u] = dict(attr)  # equal, but not the one dict both directions share

    monkeypatch.setattr(nx.Graph, "add_edge", add_edge)
    target = Target(target_module.register(nx.Graph), expected=target_module.EXPECTED)
    report = Interpreter(Language.build(target)).run("add_edge 0 1\n")
    assert report.bug is not None and report.bug.invariant == "consistent"
    assert "is not mirrored" in str(report.bug.error)


def test_the_views_check_catches_a_view_that_sees_a_hidden_edge(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # networkx before 3.5 (#7724): a multigraph's edge_subgraph view said has_edge(u, v) for
    # an edge it did not show.  Put that behaviour back and see the check fail.
    from networkx.classes import coreviews

    def old_getitem(self: coreviews.FilterMultiInner, nbr: int) -> coreviews.FilterAtlas:
        if nbr in self._atlas and self.NODE_OK(nbr):  # 3.4.2: no check that a key is shown
            return coreviews.FilterAtlas(self._atlas[nbr], lambda key: self.EDGE_OK(nbr, key))
        raise KeyError(nbr)

    monkeypatch.setattr(coreviews.FilterMultiInner, "__getitem__", old_getitem)
    interpreter = Interpreter(Language.build(target_module.multigraph))
    report = interpreter.run("ae [[0 1] [0 2] [2 1]]\n")
    assert report.bug is not None and report.bug.invariant == "views_agree"
    assert "edge_subgraph view: has_edge(0, 2) is True" in str(report.bug.error)
