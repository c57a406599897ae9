"""A Hypothesis state machine over networkx's MultiDiGraph: the apifuzz campaign's peer.

The same API as ``docs.real_world.networkx`` (its default target, a MultiDiGraph) and the
same checks after every step, written as a Hypothesis user would: nodes drawn from the
ones added so far (a bundle) or from a few small ints, edge keys from the ones
``add_edge`` returned.  What networkx documents as a refusal (``NetworkXError`` for a
missing node or edge, ``ValueError`` for ``None``) is caught in the rule; anything else
that escapes a rule or an invariant is a failure.

    python tools/real_world/hypothesis_networkx.py --seed 1 --budget 60
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import hunt

from docs.real_world.networkx.checks import (
    consistent,
    queries_agree,
    round_trips,
    views_agree,
)

REFUSALS = (nx.NetworkXException, ValueError)
fresh = st.integers(min_value=-1, max_value=12)
weights = st.integers(min_value=-5, max_value=100)
attr_names = st.sampled_from(["weight", "other"])


def refused(call: Callable[[], Any]) -> Any:
    """Make a call the library may refuse, as documented."""
    try:
        return call()
    except REFUSALS:
        return None


class MultiDiGraphMachine(RuleBasedStateMachine):
    """Mutations, queries and views of one MultiDiGraph, checked after every step."""

    nodes = Bundle("nodes")
    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        self.G = nx.MultiDiGraph()

    # -- mutations --------------------------------------------------------------------

    @rule(target=nodes, n=fresh, c=st.none() | st.text(max_size=3))
    def add_node(self, n: int, c: str | None) -> int:
        self.G.add_node(n) if c is None else self.G.add_node(n, c=c)
        return n

    @rule(ns=st.lists(fresh, max_size=5))
    def add_nodes_from(self, ns: list[int]) -> None:
        self.G.add_nodes_from(ns)

    @rule(
        target=keys,
        u=st.one_of(nodes, fresh),
        v=st.one_of(nodes, fresh),
        key=st.none() | st.integers(0, 3),
        weight=st.none() | weights,
    )
    def add_edge(self, u: int, v: int, key: int | None, weight: int | None) -> int:
        attrs = {} if weight is None else {"weight": weight}
        return int(self.G.add_edge(u, v, key, **attrs))

    @rule(edges=st.lists(st.tuples(fresh, fresh), max_size=5))
    def add_edges_from(self, edges: list[tuple[int, int]]) -> None:
        self.G.add_edges_from(edges)

    @rule(edges=st.lists(st.tuples(fresh, fresh, weights), max_size=5), name=attr_names)
    def add_weighted_edges_from(self, edges: list[tuple[int, int, int]], name: str) -> None:
        self.G.add_weighted_edges_from(edges, weight=name)

    @rule(n=st.one_of(nodes, fresh))
    def remove_node(self, n: int) -> None:
        refused(lambda: self.G.remove_node(n))

    @rule(ns=st.lists(st.one_of(nodes, fresh), max_size=4))
    def remove_nodes_from(self, ns: list[int]) -> None:
        self.G.remove_nodes_from(ns)

    @rule(u=st.one_of(nodes, fresh), v=st.one_of(nodes, fresh), key=st.none() | keys)
    def remove_edge(self, u: int, v: int, key: int | None) -> None:
        refused(lambda: self.G.remove_edge(u, v, key))

    @rule(edges=st.lists(st.tuples(st.one_of(nodes, fresh), st.one_of(nodes, fresh)), max_size=4))
    def remove_edges_from(self, edges: list[tuple[int, int]]) -> None:
        self.G.remove_edges_from(edges)

    @rule(
        edges=st.none() | st.lists(st.tuples(fresh, fresh), max_size=4),
        ns=st.none() | st.lists(fresh, max_size=4),
    )
    def update(self, edges: list[tuple[int, int]] | None, ns: list[int] | None) -> None:
        refused(lambda: self.G.update(edges=edges, nodes=ns))

    @rule()
    def clear(self) -> None:
        self.G.clear()

    @rule()
    def clear_edges(self) -> None:
        self.G.clear_edges()

    @rule(value=weights, name=attr_names)
    def set_node_attributes(self, value: int, name: str) -> None:
        nx.set_node_attributes(self.G, value, name)

    @rule(value=weights, name=attr_names)
    def set_edge_attributes(self, value: int, name: str) -> None:
        nx.set_edge_attributes(self.G, value, name)

    # -- queries and views --------------------------------------------------------------

    @rule(u=st.one_of(nodes, fresh), v=st.one_of(nodes, fresh), key=st.none() | keys)
    def edge_queries(self, u: int, v: int, key: int | None) -> None:
        self.G.has_edge(u, v, key)
        self.G.get_edge_data(u, v, key)
        self.G.number_of_edges(u, v)
        self.G.new_edge_key(u, v)
        refused(lambda: list(self.G.neighbors(u)))
        refused(lambda: list(self.G.predecessors(u)))

    @rule(ns=st.lists(st.one_of(nodes, fresh), max_size=5))
    def node_views(self, ns: list[int]) -> None:
        list(self.G.subgraph(ns).edges)
        refused(lambda: list(self.G.nbunch_iter(ns)))

    @rule(
        edges=st.lists(
            st.tuples(st.one_of(nodes, fresh), st.one_of(nodes, fresh), keys), max_size=4
        )
    )
    def edge_subgraph(self, edges: list[tuple[int, int, int]]) -> None:
        list(self.G.edge_subgraph(edges).edges)

    @rule(reciprocal=st.booleans(), as_view=st.booleans())
    def copies(self, reciprocal: bool, as_view: bool) -> None:
        self.G.copy(as_view=as_view)
        self.G.to_undirected(reciprocal=reciprocal, as_view=as_view)
        self.G.to_directed(as_view=as_view)
        self.G.reverse(copy=not as_view)

    # -- the same checks as the apifuzz target -----------------------------------------------

    @invariant()
    def internally_consistent(self) -> None:
        consistent(self.G)

    @invariant()
    def queries_match_the_edges(self) -> None:
        queries_agree(self.G)

    @invariant()
    def views_match_the_edges(self) -> None:
        views_agree(self.G)

    @invariant()
    def round_trips_lose_nothing(self) -> None:
        round_trips(self.G)


if __name__ == "__main__":
    hunt.main(MultiDiGraphMachine)
