#!/usr/bin/env bash
# apifuzz on ordered-set (https://pypi.org/project/ordered-set/), from scratch:
#   bash tools/real_world/ordered_set.sh [--max-time S]       the campaign on 4.1.0
#   bash tools/real_world/ordered_set.sh --older [--runs N] [--budget S]
#       3.0.2's known bug (difference() of zero or several sets, fixed in 3.1):
#       apifuzz from 3.0.2's traced tests vs the Hypothesis machine
# Results: docs/real_world/ordered_set/README.md.
set -euo pipefail
PACKAGE=ordered-set
VERSION=4.1.0
TARGET=docs.real_world.ordered_set
TESTS=test
OLD_VERSION=3.0.2
OLD_TESTS=test.py
HYPOTHESIS=tools/real_world/hypothesis_ordered_set.py
source "$(dirname "$0")/common.sh"
main "$@"
