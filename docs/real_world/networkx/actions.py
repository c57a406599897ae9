"""The ``via=`` adapters: each graph method run on the reference, then on the graph.

Every adapter takes the graph, then the method's parameters by their names (and the
keyword attributes the registration adds, ``NOT_GIVEN`` when a script leaves them out).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from apifuzz.model.registry import NOT_GIVEN
from docs.real_world.networkx.checks import plain
from docs.real_world.networkx.reference import given, ref, same

# -- nodes ------------------------------------------------------------------------------


def add_node(G: Any, node_for_adding: int, c: Any = NOT_GIVEN) -> None:
    attrs = given(c=c)
    same(
        lambda: G.add_node(node_for_adding, **attrs),
        lambda: ref(G).add_node(node_for_adding, attrs),
    )


def add_nodes_from(G: Any, nodes_for_adding: list[int], c: Any = NOT_GIVEN) -> None:
    attrs = given(c=c)

    def reference() -> None:
        for n in nodes_for_adding:
            ref(G).add_node(n, attrs)

    same(lambda: G.add_nodes_from(nodes_for_adding, **attrs), reference)


def remove_node(G: Any, n: int) -> None:
    same(lambda: G.remove_node(n), lambda: ref(G).remove_node(n))


def remove_nodes_from(G: Any, nodes: list[int]) -> None:
    def reference() -> None:
        for n in nodes:
            if n in ref(G).nodes:  # documented: a node not in the graph is ignored
                ref(G).remove_node(n)

    same(lambda: G.remove_nodes_from(nodes), reference)


# -- edges ------------------------------------------------------------------------------


def add_edge(
    G: Any, u_of_edge: int, v_of_edge: int, weight: Any = NOT_GIVEN, foo: Any = NOT_GIVEN
) -> None:
    attrs = given(weight=weight, foo=foo)
    same(
        lambda: G.add_edge(u_of_edge, v_of_edge, **attrs),
        lambda: ref(G).add_edge(u_of_edge, v_of_edge, None, attrs),
    )


def add_multi_edge(
    G: Any,
    u_for_edge: int,
    v_for_edge: int,
    key: int | None = None,
    weight: Any = NOT_GIVEN,
    foo: Any = NOT_GIVEN,
) -> Any:
    attrs = given(weight=weight, foo=foo)
    return same(
        lambda: G.add_edge(u_for_edge, v_for_edge, key, **attrs),
        lambda: ref(G).add_edge(u_for_edge, v_for_edge, key, attrs),
    )


def add_edges_from(G: Any, ebunch_to_add: list[tuple[int, int]], weight: Any = NOT_GIVEN) -> Any:
    attrs = given(weight=weight)
    return same(
        lambda: G.add_edges_from(ebunch_to_add, **attrs),
        lambda: ref(G).add_edges_from(ebunch_to_add, attrs),
    )


def add_weighted_edges_from(
    G: Any, ebunch_to_add: list[tuple[int, int, int]], weight: str = "weight"
) -> None:
    edges = [(u, v, {weight: w}) for u, v, w in ebunch_to_add]

    def reference() -> None:
        ref(G).add_edges_from(edges, {})  # add_weighted_edges_from returns nothing

    same(lambda: G.add_weighted_edges_from(ebunch_to_add, weight=weight), reference)


def remove_edge(G: Any, u: int, v: int) -> None:
    same(lambda: G.remove_edge(u, v), lambda: ref(G).remove_edge(u, v))


def remove_multi_edge(G: Any, u: int, v: int, key: int | None = None) -> None:
    same(lambda: G.remove_edge(u, v, key), lambda: ref(G).remove_edge(u, v, key))


def remove_edges_from(G: Any, ebunch: list[tuple[int, int]]) -> None:
    same(lambda: G.remove_edges_from(ebunch), lambda: ref(G).remove_edges_from(ebunch))


def update(
    G: Any, edges: list[tuple[int, int]] | None = None, nodes: list[int] | None = None
) -> None:
    def reference() -> None:
        if edges is None and nodes is None:
            raise nx.NetworkXError("update needs nodes or edges input")
        for n in nodes or []:
            ref(G).add_node(n, {})
        if edges is not None:
            ref(G).add_edges_from(edges, {})

    same(lambda: G.update(edges=edges, nodes=nodes), reference)


def clear(G: Any) -> None:
    def reference() -> None:
        ref(G).nodes.clear()
        ref(G).pairs.clear()

    same(G.clear, reference)


def clear_edges(G: Any) -> None:
    same(G.clear_edges, lambda: ref(G).pairs.clear())


# -- queries ----------------------------------------------------------------------------


def has_node(G: Any, n: int) -> bool:
    return same(lambda: G.has_node(n), lambda: n in ref(G).nodes)


def has_edge(G: Any, u: int, v: int) -> bool:
    return same(lambda: G.has_edge(u, v), lambda: ref(G).has_edge(u, v))


def has_multi_edge(G: Any, u: int, v: int, key: int | None = None) -> bool:
    return same(lambda: G.has_edge(u, v, key), lambda: ref(G).has_edge(u, v, key))


def get_edge_data(G: Any, u: int, v: int, default: int | None = None) -> Any:
    found = ref(G).pairs.get(ref(G).pair(u, v))
    return same(lambda: G.get_edge_data(u, v, default), lambda: default if found is None else found)


def get_multi_edge_data(
    G: Any, u: int, v: int, key: int | None = None, default: int | None = None
) -> Any:
    def reference() -> Any:
        found = ref(G).pairs.get(ref(G).pair(u, v))
        if found is None or (key is not None and key not in found):
            return default
        return found if key is None else found[key]

    return same(lambda: G.get_edge_data(u, v, key, default), reference)


def number_of_edges(G: Any, u: int | None = None, v: int | None = None) -> int:
    if u is not None and v is None:
        # Documented for both nodes or neither; one alone is not checked (see the README).
        return int(G.number_of_edges(u, v))
    return same(
        lambda: G.number_of_edges(u, v),
        lambda: len(ref(G).edges()) if u is None else ref(G).number_of_edges(u, v),
    )


def size(G: Any, weight: str | None = None) -> Any:
    def reference() -> Any:
        edges = ref(G).edges().values()
        if weight is None:
            return len(edges)
        return float(sum(d.get(weight, 1) for d in edges))  # a float by design (PR #1798)

    return same(lambda: G.size(weight), reference)


def new_edge_key(G: Any, u: int, v: int) -> int:
    return same(lambda: G.new_edge_key(u, v), lambda: ref(G).new_edge_key(u, v))


# -- library functions ------------------------------------------------------------------


def set_node_attributes(G: Any, value: int, name: str) -> None:
    """``nx.set_node_attributes(G, value, name)``: every node's ``name`` is ``value``."""

    def reference() -> None:
        for attrs in ref(G).nodes.values():
            attrs[name] = value

    same(lambda: nx.set_node_attributes(G, value, name), reference)


def set_edge_attributes(G: Any, value: int, name: str) -> None:
    """``nx.set_edge_attributes(G, value, name)``: every edge's ``name`` is ``value``."""

    def reference() -> None:
        for attrs in ref(G).edges().values():
            attrs[name] = value

    same(lambda: nx.set_edge_attributes(G, value, name), reference)


def agrees_with_reference(G: Any) -> None:
    """The invariant: the graph holds exactly the reference's nodes and edges."""
    p, r = plain(G), ref(G)
    assert p.nodes == r.nodes, f"the nodes differ: networkx {p.nodes}, the reference {r.nodes}"
    assert p.edges == r.edges(), f"the edges differ: networkx {p.edges}, the reference {r.edges()}"
