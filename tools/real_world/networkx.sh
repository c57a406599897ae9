#!/usr/bin/env bash
# apifuzz on networkx's graph classes, from scratch: the pinned release, its sdist's
# networkx/classes/tests traced into seeds, 10 minutes of fuzzing on one core, the bugs.
#   bash tools/real_world/networkx.sh [--max-time S] [--version V] [apifuzz fuzz options]
#   bash tools/real_world/networkx.sh --older [--runs N] [--budget S]
# TARGET=docs.real_world.networkx:graph (or :digraph, :multigraph) picks another class;
# the default is MultiDiGraph.
set -euo pipefail
PACKAGE=networkx
VERSION=3.6.1
TARGET="${TARGET:-docs.real_world.networkx}"
TESTS=networkx/classes/tests
OLD_VERSION=3.4.2
HYPOTHESIS=tools/real_world/hypothesis_networkx.py
source "$(dirname "$0")/common.sh"
main "$@"
