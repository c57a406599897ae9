#!/usr/bin/env bash
# Set up .venv if needed and run the whole test suite (extra arguments go to pytest).
source "$(dirname "${BASH_SOURCE[0]}")/venv.sh"
# The report page's browser test renders it in headless Chromium: Debian's package, installed
# here when missing and apt-get can (as root); without it that one test is skipped.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 &&
    [ "$(id -u)" -eq 0 ]; then
    echo "INFO: installing chromium (Debian) for the report page's browser test" >&2
    if ! { apt-get update -q &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
         } > .venv/chromium-install.log 2>&1; then
        echo "WARNING: chromium could not be installed (.venv/chromium-install.log);" \
            "the browser test will be skipped" >&2
    fi
fi
exec python -m pytest "$@"
