"""apifuzz on networkx's graph classes: ``Graph``, ``DiGraph``, ``MultiGraph``, ``MultiDiGraph``.

Each class is registered from outside, as it is, with the methods its own tests call
(mutations: ``add_node(s)``, ``add_edge(s)``, ``add_weighted_edges_from``, ``update``,
``remove_*``, ``clear``, ``clear_edges``; queries: ``has_*``, ``neighbors``,
``get_edge_data``, ``number_of_*``, ``size``, ``nbunch_iter``, ``adjacency``; new graphs
and views: ``copy``, ``subgraph``, ``edge_subgraph``, ``to_directed``, ``to_undirected``,
``reverse``), so that ``apifuzz trace`` turns networkx's own tests into seed scripts.
Nodes are ints; two edge attributes (``weight``, ``foo``) and one node attribute (``c``)
can be given by name, as the tests do (``G.add_edge(1, 2, weight=3)``).

One target per class (tracing records the instances of exactly the registered class):

    apifuzz lang docs.real_world.networkx               # MultiDiGraph, the default
    apifuzz lang docs.real_world.networkx:graph         # and :digraph, :multigraph

Every method that changes the graph, and the queries that answer with a value, are
registered ``via=`` an adapter (:mod:`.actions`) that runs the call on a reference
model first (:mod:`.reference`: plain dicts, networkx's documented behaviour written
the obvious way), then on the graph, and compares the values or the refusals.  The
invariants, after every call (every few calls when fuzzing): the graph holds exactly
the reference's nodes and edges; the library's own consistency (the adjacency is
symmetric, ``_succ`` and ``_pred`` mirror each other, the key dicts of a multigraph
are never empty...); every query and view against a plain recomputation from the
edges read out of the adjacency (:mod:`.checks`); and round trips (copy, pickle,
``to_dict_of_dicts``/``from_dict_of_dicts``, ``to_directed().to_undirected()``).
"""

from __future__ import annotations

from typing import Annotated

import networkx as nx

from apifuzz import OneOf, Registration, Target
from docs.real_world.networkx import actions
from docs.real_world.networkx.checks import (
    consistent,
    queries_agree,
    round_trips,
    views_agree,
)

Edge = tuple[int, int]
KeyedEdge = tuple[int, int, int]
WeightedEdge = tuple[int, int, int]
#: A numeric edge attribute: the one add_edge sets, and one only the weighted adders set.
AttrName = Annotated[str, OneOf("weight", "other")]


def _register_nodes(reg: Registration) -> None:
    """The node methods every class has."""
    reg.method("add_node", via=actions.add_node, node_for_adding=int, c=str)
    reg.method("add_nodes_from", via=actions.add_nodes_from, nodes_for_adding=list[int], c=str)
    reg.method("remove_node", via=actions.remove_node, n=int)
    reg.method("remove_nodes_from", via=actions.remove_nodes_from, nodes=list[int])
    reg.method("has_node", via=actions.has_node, query=True, n=int)
    reg.method("neighbors", query=True, n=int)
    reg.method("nbunch_iter", query=True, nbunch=list[int] | None)
    reg.method("number_of_nodes", query=True)
    reg.method("order", query=True)


def _register_edges(reg: Registration, multi: bool) -> None:
    """The edge methods; a multigraph's take a key."""
    if multi:
        reg.method(
            "add_edge",
            via=actions.add_multi_edge,
            u_for_edge=int,
            v_for_edge=int,
            key=int | None,
            weight=int,
            foo=str,
        )
        reg.method("remove_edge", via=actions.remove_multi_edge, u=int, v=int, key=int | None)
        reg.method("has_edge", via=actions.has_multi_edge, query=True, u=int, v=int, key=int | None)
        reg.method(
            "get_edge_data",
            via=actions.get_multi_edge_data,
            query=True,
            u=int,
            v=int,
            key=int | None,
            default=int | None,
        )
        reg.method("new_edge_key", via=actions.new_edge_key, query=True, u=int, v=int)
        reg.method("edge_subgraph", query=True, edges=list[KeyedEdge])
    else:
        reg.method(
            "add_edge", via=actions.add_edge, u_of_edge=int, v_of_edge=int, weight=int, foo=str
        )
        reg.method("remove_edge", via=actions.remove_edge, u=int, v=int)
        reg.method("has_edge", via=actions.has_edge, query=True, u=int, v=int)
        reg.method(
            "get_edge_data", via=actions.get_edge_data, query=True, u=int, v=int, default=int | None
        )
        reg.method("edge_subgraph", query=True, edges=list[Edge])
    reg.method("add_edges_from", via=actions.add_edges_from, ebunch_to_add=list[Edge], weight=int)
    reg.method(
        "add_weighted_edges_from",
        via=actions.add_weighted_edges_from,
        ebunch_to_add=list[WeightedEdge],
        weight=AttrName,
    )
    reg.method("remove_edges_from", via=actions.remove_edges_from, ebunch=list[Edge])
    reg.method("update", via=actions.update, edges=list[Edge] | None, nodes=list[int] | None)
    reg.method(
        "number_of_edges", via=actions.number_of_edges, query=True, u=int | None, v=int | None
    )
    reg.method("size", via=actions.size, query=True, weight=AttrName | None)


def _register_graph(reg: Registration, directed: bool) -> None:
    """Whole-graph methods: clearing, the class, copies and views."""
    reg.method("clear", via=actions.clear)
    reg.method("clear_edges", via=actions.clear_edges)
    reg.method("adjacency", query=True)
    reg.method("is_directed", query=True)
    reg.method("is_multigraph", query=True)
    reg.method("to_directed_class", query=True)
    reg.method("to_undirected_class", query=True)
    reg.method("copy", query=True, as_view=bool)
    reg.method("subgraph", query=True, nodes=list[int])
    reg.method("to_directed", query=True, as_view=bool)
    if directed:
        reg.method("to_undirected", query=True, reciprocal=bool, as_view=bool)
        reg.method("reverse", query=True, copy=bool)
        reg.method("successors", query=True, n=int)
        reg.method("predecessors", query=True, n=int)
        reg.method("has_successor", query=True, u=int, v=int)
        reg.method("has_predecessor", query=True, u=int, v=int)
    else:
        reg.method("to_undirected", query=True, as_view=bool)


def register(cls: type[nx.Graph]) -> Registration:
    """The whole natural API of one graph class, with the checks of :mod:`.checks`."""
    reg = Registration(cls)
    # Graph([(0, 1), (1, 2)]) in a test: a script's first line ``! [[0 1] [1 2]]``.
    reg.init(incoming_graph_data=list[Edge] | None)
    _register_nodes(reg)
    _register_edges(reg, cls.is_multigraph(cls()))
    _register_graph(reg, cls.is_directed(cls()))
    reg.api(actions.set_node_attributes)
    reg.api(actions.set_edge_attributes)
    checks = (actions.agrees_with_reference, consistent, queries_agree, views_agree, round_trips)
    for check in checks:
        reg.invariant(check)
    return reg


#: What the library documents as refusals: a missing node or edge (NetworkXError, a
#: subclass of NetworkXException), a None node (ValueError).
EXPECTED = (nx.NetworkXException, ValueError)

graph = Target(register(nx.Graph), expected=EXPECTED, name="networkx_graph")
digraph = Target(register(nx.DiGraph), expected=EXPECTED, name="networkx_digraph")
multigraph = Target(register(nx.MultiGraph), expected=EXPECTED, name="networkx_multigraph")
multidigraph = Target(register(nx.MultiDiGraph), expected=EXPECTED, name="networkx_multidigraph")
target = multidigraph
