#!/usr/bin/env bash
# apifuzz on portion (intervals and IntervalDict), from scratch: see docs/real_world/portion/README.md.
#   bash tools/real_world/portion.sh                  # the campaign: trace, fuzz 600 s, bugs
#   bash tools/real_world/portion.sh --max-time 60    # a shorter one
#   bash tools/real_world/portion.sh --older --runs 3 # 2.6.2's known bugs: apifuzz vs Hypothesis
PACKAGE=portion
VERSION=2.6.3
TARGET=docs.real_world.portion
TESTS=tests
# portion's one dependency, and the pytest-benchmark fixture three of its tests use.
TEST_DEPS="sortedcontainers==2.4.0 pytest-benchmark==5.3.1 py-cpuinfo==9.0.0"
# 2.6.2: update() and IntervalDict(items) let an earlier value win over a later one where
# intervals overlap; pop(key, None) raises KeyError for a missing key (both fixed in 2.6.3).
OLD_VERSION=2.6.2
HYPOTHESIS=tools/real_world/hypothesis_portion.py
source "$(dirname "$0")/common.sh"
main "$@"
