#!/usr/bin/env bash
# Every benchmark in one run (results: docs/benchmarks.md and docs/*.png); --quick for a few minutes.
source "$(dirname "$0")/venv.sh"
python tools/bench/run_all.py "$@"
