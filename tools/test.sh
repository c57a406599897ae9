#!/usr/bin/env bash
# Set up .venv if needed and run the whole test suite (extra arguments go to pytest).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
exec python -m pytest "$@"
