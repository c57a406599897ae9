#!/usr/bin/env bash
# Set up .venv if needed and run apifuzz on the example timeline:
# print its script language, then replay every seeded bug's script with the bugs on.
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
echo "== the script language of example_timeline"
apifuzz lang example_timeline
echo
echo "== replaying example_timeline/bugs/*.txt with APIFUZZ_EXAMPLE_BUGS=all"
status=0
APIFUZZ_EXAMPLE_BUGS=all apifuzz replay --quiet example_timeline example_timeline/bugs/*.txt || status=$?
if [ "$status" -eq 1 ]; then
    echo "INFO: every BUG line above is a seeded bug, found by replaying its script"
    exit 0
fi
exit "$status"
