#!/usr/bin/env bash
# Set up .venv if needed, then fuzz the example timeline for a bounded time with its
# seeded bugs switched on, starting from the corpus traced from its unit tests.
# Extra arguments go to `apifuzz fuzz` (e.g. --max-time 30).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
export APIFUZZ_EXAMPLE_BUGS="${APIFUZZ_EXAMPLE_BUGS:-all}"
echo "== apifuzz lang example_timeline"
apifuzz lang example_timeline | head -8
echo "   ..."
echo
echo "== APIFUZZ_EXAMPLE_BUGS=$APIFUZZ_EXAMPLE_BUGS apifuzz fuzz example_timeline --max-time 120 --jobs 2"
status=0
apifuzz fuzz example_timeline --max-time 120 --jobs 2 "$@" || status=$?
if [ "$status" -eq 1 ]; then
    echo "INFO: every bug above comes from a seeded bug of example_timeline/BUGS.md;"
    echo "INFO: apifuzz crashes .apifuzz/example_timeline lists them again."
    exit 0
fi
exit "$status"
