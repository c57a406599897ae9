"""The reference model: a graph as plain dicts, and the adapters that run both sides.

:class:`RefGraph` is networkx's documented behaviour written the obvious way: nodes
with their attribute dicts, and for each pair of nodes (both orders one pair when the
graph is undirected) the edge's attributes, or for a multigraph its keys in the order
they were added.  The adapters (``reg.method(name, via=...)``) make each call on the
reference first, then on the graph, and compare: the same value, or both refusing
with the same exception type (re-raised, so that the target's ``expected`` sees it).
A library test's call of ``G.add_edge`` is still traced as ``add_edge``; the adapter
only runs when a script is replayed or fuzzed.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import networkx as nx

from apifuzz.model.registry import NOT_GIVEN

T = TypeVar("T")
Pair = tuple[Any, Any]
REFUSALS = (nx.NetworkXException, ValueError)


class RefGraph:
    """Nodes, and edges by pair: attributes, or for a multigraph key -> attributes."""

    def __init__(self, directed: bool, multi: bool) -> None:
        self.directed, self.multi = directed, multi
        self.nodes: dict[Any, dict[str, Any]] = {}
        self.pairs: dict[Pair, Any] = {}  # (u, v) -> attrs, or key -> attrs (a multigraph)

    def pair(self, u: Any, v: Any) -> Pair:
        """The pair's key: ``(u, v)``, in sorted order when the graph is undirected."""
        return (u, v) if self.directed or u <= v else (v, u)

    # -- nodes --------------------------------------------------------------------------

    def add_node(self, n: Any, attrs: dict[str, Any]) -> None:
        if n is None:
            raise ValueError("None cannot be a node")
        self.nodes.setdefault(n, {}).update(attrs)

    def remove_node(self, n: Any) -> None:
        if n not in self.nodes:
            raise nx.NetworkXError(f"The node {n} is not in the graph.")
        del self.nodes[n]
        self.pairs = {p: d for p, d in self.pairs.items() if n not in p}

    # -- edges --------------------------------------------------------------------------

    def new_edge_key(self, u: Any, v: Any) -> int:
        """As documented: the number of edges between u and v, increased until unused."""
        keys = self.pairs.get(self.pair(u, v), {})
        key = len(keys)
        while key in keys:
            key += 1
        return key

    def add_edge(self, u: Any, v: Any, key: Any, attrs: dict[str, Any]) -> Any:
        for n in (u, v):
            self.add_node(n, {})
        pair = self.pair(u, v)
        if not self.multi:
            self.pairs.setdefault(pair, {}).update(attrs)
            return None
        if key is None:
            key = self.new_edge_key(u, v)
        self.pairs.setdefault(pair, {}).setdefault(key, {}).update(attrs)
        return key

    def add_edges_from(self, edges: list[tuple[Any, ...]], attrs: dict[str, Any]) -> Any:
        """2-tuples, or ``(u, v, attrs)`` 3-tuples (what add_weighted_edges_from makes)."""
        keys = []
        for u, v, *data in edges:
            keys.append(self.add_edge(u, v, None, {**attrs, **(data[0] if data else {})}))
        return keys if self.multi else None

    def remove_edge(self, u: Any, v: Any, key: Any = None) -> None:
        pair = self.pair(u, v)
        if pair not in self.pairs:
            raise nx.NetworkXError(f"The edge {u}-{v} is not in the graph")
        if self.multi:
            keys = self.pairs[pair]
            if key is None:
                keys.popitem()  # documented: the edge added last
            elif key in keys:
                del keys[key]
            else:
                raise nx.NetworkXError(f"The edge {u}-{v} with key {key} is not in the graph.")
            if keys:
                return
        del self.pairs[pair]

    def remove_edges_from(self, edges: list[tuple[Any, ...]]) -> None:
        for edge in edges:
            # Documented: an edge not in the graph is ignored.
            with contextlib.suppress(nx.NetworkXError):
                self.remove_edge(*edge[:3])

    def edges(self) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Every edge, ``(u, v)`` or ``(u, v, key)``, with its attributes."""
        if not self.multi:
            return dict(self.pairs)
        return {(*p, k): d for p, keys in self.pairs.items() for k, d in keys.items()}

    def has_edge(self, u: Any, v: Any, key: Any = None) -> bool:
        found = self.pairs.get(self.pair(u, v))
        return found is not None and (key is None or key in found)

    def number_of_edges(self, u: Any, v: Any) -> int:
        found = self.pairs.get(self.pair(u, v))
        if found is None:
            return 0
        return len(found) if self.multi else 1


_REFS: weakref.WeakKeyDictionary[Any, RefGraph] = weakref.WeakKeyDictionary()


def ref(G: Any) -> RefGraph:
    """The reference of ``G``, made from it the first time (the factory's edges included)."""
    found = _REFS.get(G)
    if found is None:
        found = _REFS[G] = RefGraph(G.is_directed(), G.is_multigraph())
        found.nodes = {n: dict(d) for n, d in G.nodes.items()}
        for u, nbrs in G.adj.items():
            for v, data in nbrs.items():
                items = {k: dict(d) for k, d in data.items()} if found.multi else dict(data)
                found.pairs[found.pair(u, v)] = items
    return found


def same(real: Callable[[], T], reference: Callable[[], Any]) -> T:
    """Both sides: equal values, or the same refusal (re-raised); anything else is a bug."""
    try:
        expected = reference()
    except REFUSALS as exc:
        try:
            got = real()
        except REFUSALS as other:
            if type(other) is type(exc):
                raise
            raise AssertionError(f"the reference raised {exc!r}, networkx {other!r}") from None
        raise AssertionError(f"the reference raised {exc!r}, networkx returned {got!r}") from None
    try:
        got = real()
    except REFUSALS as exc:
        raise AssertionError(
            f"networkx raised {exc!r}, the reference returned {expected!r}"
        ) from None
    assert got == expected, f"networkx returned {got!r}, the reference {expected!r}"
    return got


def given(**attrs: Any) -> dict[str, Any]:
    """The keyword arguments a script wrote (the others are ``NOT_GIVEN``)."""
    return {k: v for k, v in attrs.items() if v is not NOT_GIVEN}
