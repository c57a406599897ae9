# Sourced by tools/real_world/<module>.sh, which sets, before sourcing:
#   PACKAGE     the PyPI name (ordered-set)      VERSION  the pinned version (4.1.0)
#   TARGET      the apifuzz target (docs.real_world.ordered_set)
#   TESTS       the library's tests inside its unpacked sdist (test, or src/tests/x.py)
#   TEST_DEPS   optional: extra requirements the library's tests need (space separated)
#   OLD_VERSION optional: an older release with a known bug that VERSION fixes
#   OLD_TESTS   optional: OLD_VERSION's tests inside its sdist, when not at TESTS (test.py)
#   HYPOTHESIS  optional: the Hypothesis peer script (tools/real_world/hypothesis_<module>.py)
# and then calls `main "$@"`. A campaign, from scratch:
#   1. set up ./.venv (tools/venv.sh) and install PACKAGE==VERSION into its own folder, put
#      first on PYTHONPATH, so that the version is pinned without touching .venv;
#   2. download the sdist from PyPI and unpack it (its tests are the seed corpus);
#   3. apifuzz trace TARGET -- <the sdist's tests>;
#   4. apifuzz fuzz from that corpus for a bounded time on one core;
#   5. apifuzz crashes: the bugs found, one entry per root cause.
# Options: --max-time S (fuzzing budget, default 600), --version V (another release);
# anything else goes to `apifuzz fuzz`. With --older [--runs N] [--budget S]: OLD_VERSION's
# known bug, time to find it, apifuzz (from OLD_VERSION's traced tests) vs Hypothesis
# (tools/real_world/older.py). Everything goes under build/real_world/<package>-<version>/
# (or APIFUZZ_REAL_WORLD_DIR).
source "$(dirname "${BASH_SOURCE[0]}")/../venv.sh"

# prepare VERSION: install it, fetch its sdist, trace its tests; sets WORK (that version's folder).
prepare() {
    local version="$1"
    WORK="${APIFUZZ_REAL_WORLD_DIR:-$ROOT/build/real_world}/$PACKAGE-$version"
    mkdir -p "$WORK"
    if [ ! -f "$WORK/site/.installed" ]; then
        echo "== installing $PACKAGE==$version ${TEST_DEPS:-} into $WORK/site"
        rm -rf "$WORK/site"
        # shellcheck disable=SC2086  # TEST_DEPS is a list of requirements
        python -m pip install -q --no-deps --target "$WORK/site" "$PACKAGE==$version" ${TEST_DEPS:-}
        touch "$WORK/site/.installed"
    fi
    if [ ! -d "$WORK/sdist" ]; then
        echo "== downloading the sdist of $PACKAGE==$version (its tests are the seeds)"
        rm -rf "$WORK/download" "$WORK/unpack"
        # pip reads an sdist's metadata by building it: without build isolation when the
        # backend is at hand (setuptools), else in an isolated one (ordered-set needs flit_core).
        python -m pip download -q --no-binary :all: --no-deps --no-build-isolation \
            -d "$WORK/download" "$PACKAGE==$version" 2>/dev/null ||
            python -m pip download -q --no-binary :all: --no-deps \
                -d "$WORK/download" "$PACKAGE==$version"
        mkdir -p "$WORK/unpack"
        tar -xzf "$WORK/download"/*.tar.gz -C "$WORK/unpack"
        mv "$WORK/unpack"/* "$WORK/sdist"
        rm -rf "$WORK/unpack" "$WORK/download"
    fi
    local tests="$TESTS"
    if [ "$version" = "${OLD_VERSION:-}" ]; then tests="${OLD_TESTS:-$TESTS}"; fi
    echo "== apifuzz trace $TARGET -- $tests   ($PACKAGE $version)"
    rm -rf "$WORK/corpus"
    # The pinned library first; the checkout, so that the target module (docs.real_world...)
    # imports from the sdist's folder, where the library's tests run.
    # A failing library test still gives its scripts: trace says so, and the campaign goes on.
    (cd "$WORK/sdist" && PYTHONPATH="$WORK/site:$ROOT" \
        apifuzz trace "$TARGET" --corpus "$WORK/corpus" -- "$tests" -q -p no:cacheprovider) ||
        echo "INFO: some of the library's tests failed under tracing (above); their scripts were kept"
}

campaign() {
    local max_time=600 fuzz_args=()
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --max-time) max_time="${2:?--max-time needs a number of seconds}"; shift 2 ;;
            --version) VERSION="${2:?--version needs a version}"; shift 2 ;;
            *) fuzz_args+=("$1"); shift ;;
        esac
    done
    prepare "$VERSION"
    export PYTHONPATH="$WORK/site:$ROOT"
    echo "== apifuzz fuzz $TARGET --max-time $max_time --jobs 1 ${fuzz_args[*]:-}"
    rm -rf "$WORK/fuzz"
    local status=0
    apifuzz fuzz "$TARGET" --corpus "$WORK/corpus" --workdir "$WORK/fuzz" \
        --max-time "$max_time" --jobs 1 "${fuzz_args[@]}" || status=$?
    echo "== apifuzz crashes $WORK/fuzz"
    apifuzz crashes "$WORK/fuzz" || true
    # 1 means bugs were found: the campaign itself worked.
    [ "$status" -le 1 ] || exit "$status"
}

older() {
    if [ -z "${OLD_VERSION:-}" ] || [ -z "${HYPOTHESIS:-}" ]; then
        echo "ERROR: $PACKAGE has no OLD_VERSION (or no HYPOTHESIS peer) in $0" >&2
        exit 2
    fi
    prepare "$VERSION"
    local new_site="$WORK/site"
    prepare "$OLD_VERSION"
    echo "== $PACKAGE $OLD_VERSION's known bug: apifuzz vs Hypothesis"
    python "$ROOT/tools/real_world/older.py" --target "$TARGET" --corpus "$WORK/corpus" \
        --old-site "$WORK/site" --new-site "$new_site" --hypothesis "$ROOT/$HYPOTHESIS" \
        --label "$PACKAGE $OLD_VERSION" --json "$WORK/older.json" "$@"
}

main() {
    if [ "${1:-}" = "--older" ]; then
        shift
        older "$@"
    else
        campaign "$@"
    fi
}
