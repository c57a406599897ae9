"""The invariants of the networkx targets, checked after every call.

The reference is plain Python: the nodes and the edges read straight out of the
adjacency dicts (:func:`plain`), an edge being ``(u, v)`` or ``(u, v, key)``, with
``u <= v`` for an undirected graph.  Every query and view of the library is compared
with what a few lines computed from those plain sets give.  Graphs stay small in
scripts, so computing everything after every call costs little.
"""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

Edge = tuple[int, ...]  # (u, v) or (u, v, key)


@dataclass
class Plain:
    """A graph as plain data: node -> attributes, edge -> attributes."""

    directed: bool
    multi: bool
    nodes: dict[Any, dict[str, Any]]
    edges: dict[Edge, dict[str, Any]]

    def ends(self, edge: Edge) -> tuple[Any, Any]:
        """``(u, v)`` of an edge, its key left out."""
        return edge[0], edge[1]

    def pairs(self) -> Counter[tuple[Any, Any]]:
        """How many edges join each ``(u, v)`` (both orders for an undirected graph)."""
        count: Counter[tuple[Any, Any]] = Counter()
        for edge in self.edges:
            u, v = self.ends(edge)
            count[u, v] += 1
            if not self.directed and u != v:
                count[v, u] += 1
        return count


def _canon(directed: bool, edge: tuple[Any, ...]) -> Edge:
    if directed or edge[0] <= edge[1]:
        return edge
    return (edge[1], edge[0], *edge[2:])


def plain(G: Any) -> Plain:
    """The nodes and edges of ``G`` read from its adjacency (or a view's edge listing)."""
    directed, multi = G.is_directed(), G.is_multigraph()
    edges: dict[Edge, dict[str, Any]] = {}
    for u, nbrs in G.adj.items():
        for v, data in nbrs.items():
            items = data.items() if multi else [(None, data)]
            for key, attrs in items:
                edge = (u, v, key) if multi else (u, v)
                edges[_canon(directed, edge)] = dict(attrs)
    return Plain(directed, multi, {n: dict(d) for n, d in G.nodes.items()}, edges)


def _listed(G: Any) -> dict[Edge, dict[str, Any]]:
    """The edges ``G.edges`` lists, each once (a repeat is a bug)."""
    directed = G.is_directed()
    listing = G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True)
    found: dict[Edge, dict[str, Any]] = {}
    for *edge, attrs in listing:
        key = _canon(directed, tuple(edge))
        assert key not in found, f"G.edges lists {key} twice"
        found[key] = dict(attrs)
    return found


# -- the library's own consistency ------------------------------------------------------


def consistent(G: Any) -> None:
    """The internal dicts agree: nodes, both directions of each edge, non-empty key dicts."""
    assert G._node.keys() == G._adj.keys(), "G._node and G._adj hold different nodes"
    if G.is_directed():
        assert G._succ is G._adj, "G._succ is not G._adj"
        assert G._pred.keys() == G._node.keys(), "G._pred and G._node hold different nodes"
        mirror = G._pred
    else:
        mirror = G._adj
    ends = 0
    for u, nbrs in G._adj.items():
        for v, data in nbrs.items():
            assert v in G._node, f"edge ({u}, {v}) leads to a node that is not in the graph"
            assert mirror[v].get(u) is data, f"edge ({u}, {v}) is not mirrored at {v}"
            if G.is_multigraph():
                assert data, f"edge ({u}, {v}) has an empty key dict"
            ends += len(data) if G.is_multigraph() else 1
    for v, nbrs in mirror.items():
        for u in nbrs:
            assert v in G._adj[u], f"({u}, {v}) is in the mirror only"
    loops = sum(len(G._adj[n][n]) if G.is_multigraph() else 1 for n in G._adj if n in G._adj[n])
    count = ends if G.is_directed() else (ends + loops) // 2
    assert G.number_of_edges() == count, (
        f"number_of_edges() is {G.number_of_edges()}, the adjacency holds {count}"
    )


# -- queries against the plain reimplementation ------------------------------------------


def _weight(attrs: dict[str, Any], name: str | None) -> Any:
    return 1 if name is None else attrs.get(name, 1)


def queries_agree(G: Any) -> None:
    """Sizes, degrees, neighbours and edge lookups agree with the plain edges."""
    p = plain(G)
    assert _listed(G) == p.edges, "G.edges(data=True) differs from the adjacency"
    assert G.number_of_nodes() == len(G) == G.order() == len(p.nodes)
    assert G.number_of_edges() == G.size() == len(G.edges) == len(p.edges)
    # A weighted size is a float by design (networkx PR #1798): the sum, correctly rounded.
    weighted = sum(_weight(d, "weight") for d in p.edges.values())
    assert G.size(weight="weight") == float(weighted), "size(weight='weight') differs"
    _degrees_agree(G, p)
    pairs = p.pairs()
    for (u, v), n in pairs.items():
        assert G.has_edge(u, v), f"has_edge({u}, {v}) is False"
        assert G.number_of_edges(u, v) == n, f"number_of_edges({u}, {v}) != {n}"
    for u in p.nodes:
        succ = {v for (a, v) in pairs if a == u}
        assert set(G.neighbors(u)) == succ, f"neighbors({u}) differs"
        if p.directed:
            pred = {a for (a, v) in pairs if v == u}
            assert set(G.successors(u)) == succ
            assert set(G.predecessors(u)) == pred, f"predecessors({u}) differs"
    for edge, attrs in p.edges.items():
        u, v = p.ends(edge)
        if p.multi:
            assert G.has_edge(u, v, edge[2]), f"has_edge{edge} is False"
            assert G.get_edge_data(u, v, edge[2]) == attrs, f"get_edge_data{edge} differs"
        else:
            assert G.get_edge_data(u, v) == attrs, f"get_edge_data{edge} differs"
    assert dict(G.adjacency()) == G.adj


def _degrees_agree(G: Any, p: Plain) -> None:
    for name in (None, "weight"):
        ins: Counter[Any] = Counter({n: 0 for n in p.nodes})
        outs: Counter[Any] = Counter({n: 0 for n in p.nodes})
        for edge, attrs in p.edges.items():
            u, v = p.ends(edge)
            w = _weight(attrs, name)
            outs[u] += w
            ins[v] += w
        total = {n: ins[n] + outs[n] for n in p.nodes}
        assert dict(G.degree(weight=name)) == total, f"degree(weight={name}) differs"
        if p.directed:
            assert dict(G.in_degree(weight=name)) == dict(ins), "in_degree differs"
            assert dict(G.out_degree(weight=name)) == dict(outs), "out_degree differs"


# -- views -----------------------------------------------------------------------------


def views_agree(G: Any) -> None:
    """Subgraph, edge-subgraph, reversed and (un)directed views show the right edges."""
    p = plain(G)
    half = set(sorted(p.nodes)[::2])
    view = G.subgraph(half)
    sub = plain(view)
    assert sub.nodes.keys() == half
    assert sub.edges == {e: d for e, d in p.edges.items() if set(p.ends(e)) <= half}
    _lookups_agree(view, sub, "subgraph")
    chosen = list(p.edges)[::2]
    view = G.edge_subgraph(chosen)
    esub = plain(view)
    assert esub.edges == {e: p.edges[e] for e in chosen}, "edge_subgraph's edges differ"
    assert esub.nodes.keys() == {n for e in chosen for n in p.ends(e)}
    _lookups_agree(view, esub, "edge_subgraph")
    if p.directed:
        rev = plain(G.reverse(copy=False))
        flipped = {(e[1], e[0], *e[2:]): d for e, d in p.edges.items()}
        assert rev.edges == flipped, "reverse(copy=False) differs"
        und = plain(G.to_undirected(as_view=True))
        assert {(e[0], e[1]) for e in und.edges} == {
            _canon(False, (e[0], e[1])) for e in p.edges
        }, "to_undirected(as_view=True) differs"
    else:
        both = plain(G.to_directed(as_view=True))
        expected = set()
        for e in p.edges:
            expected |= {e, (e[1], e[0], *e[2:])}
        assert set(both.edges) == expected, "to_directed(as_view=True) differs"


def _lookups_agree(view: Any, listed: Plain, what: str) -> None:
    """A view answers ``has_edge`` and ``v in view[u]`` as its own edge listing says."""
    pairs = listed.pairs()
    for u in listed.nodes:
        for v in listed.nodes:
            there = (u, v) in pairs
            assert view.has_edge(u, v) == there, f"{what} view: has_edge({u}, {v}) is {not there}"
            assert (v in view[u]) == there, f"{what} view: {v} in view[{u}] is {not there}"


# -- round trips -----------------------------------------------------------------------


def _same(a: Any, b: Any, what: str) -> None:
    pa, pb = plain(a), plain(b)
    assert type(a) is type(b), f"{what} is a {type(b).__name__}"
    assert pa.nodes == pb.nodes, f"{what} has other nodes"
    assert pa.edges == pb.edges, f"{what} has other edges"
    assert a.graph == b.graph, f"{what} has another graph dict"


def round_trips(G: Any) -> None:
    """copy, pickle, to/from a dict of dicts, and through the other direction, lose nothing."""
    _same(G, G.copy(), "G.copy()")
    _same(G, type(G)(G), "type(G)(G)")
    _same(G, pickle.loads(pickle.dumps(G)), "pickle.loads(pickle.dumps(G))")
    back = nx.from_dict_of_dicts(
        nx.to_dict_of_dicts(G), create_using=type(G), multigraph_input=G.is_multigraph()
    )
    back.add_nodes_from(G.nodes(data=True))  # the dict of dicts keeps no node attributes
    back.graph.update(G.graph)
    _same(G, back, "from_dict_of_dicts(to_dict_of_dicts(G))")
    if not G.is_directed():
        _same(G, G.to_directed().to_undirected(), "G.to_directed().to_undirected()")
