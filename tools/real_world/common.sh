# Sourced by tools/real_world/<package>.sh, which sets, before sourcing:
#   PACKAGE   the PyPI name (ordered-set)      VERSION  the pinned version (4.1.0)
#   TARGET    the apifuzz target (docs.real_world.ordered_set)
#   TESTS     the library's tests inside its unpacked sdist (test, or src/tests/x.py)
#   TEST_DEPS optional: extra requirements the library's tests need (space separated)
# and then calls `campaign "$@"`. What a campaign does, from scratch:
#   1. set up ./.venv (tools/venv.sh) and install PACKAGE==VERSION into its own folder,
#      put first on PYTHONPATH, so the version is pinned without touching .venv;
#   2. download the sdist from PyPI and unpack it (its tests are the seed corpus);
#   3. apifuzz trace TARGET -- <the sdist's tests>;
#   4. apifuzz fuzz from that corpus for a bounded time on one core;
#   5. apifuzz crashes: the bugs found, one entry per root cause.
# Options: --max-time S (fuzzing budget, default 600), --version V (another version of the
# package, e.g. an older one with a known bug); anything else goes to `apifuzz fuzz`.
# Everything is written under build/real_world/<package>-<version>/ (APIFUZZ_REAL_WORLD_DIR).
source "$(dirname "${BASH_SOURCE[0]}")/../venv.sh"

campaign() {
    local max_time=600 fuzz_args=()
    while [ "$#" -gt 0 ]; do
        case "$1" in
            --max-time) max_time="${2:?--max-time needs a number of seconds}"; shift 2 ;;
            --version) VERSION="${2:?--version needs a version}"; shift 2 ;;
            *) fuzz_args+=("$1"); shift ;;
        esac
    done
    local work="${APIFUZZ_REAL_WORLD_DIR:-$ROOT/build/real_world}/$PACKAGE-$VERSION"
    mkdir -p "$work"
    if [ ! -f "$work/site/.installed" ]; then
        echo "== installing $PACKAGE==$VERSION ${TEST_DEPS:-} into $work/site"
        rm -rf "$work/site"
        # shellcheck disable=SC2086  # TEST_DEPS is a list of requirements
        python -m pip install -q --no-deps --target "$work/site" "$PACKAGE==$VERSION" ${TEST_DEPS:-}
        touch "$work/site/.installed"
    fi
    # The pinned library first; the checkout so that the target module (docs.real_world...) imports
    # from the sdist's folder, where the library's tests run.
    export PYTHONPATH="$work/site:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
    if [ ! -d "$work/sdist" ]; then
        echo "== downloading the sdist of $PACKAGE==$VERSION (its tests are the seeds)"
        rm -rf "$work/download"
        python -m pip download -q --no-binary :all: --no-deps --no-build-isolation \
            -d "$work/download" "$PACKAGE==$VERSION"
        mkdir -p "$work/unpack"
        tar -xzf "$work/download"/*.tar.gz -C "$work/unpack"
        mv "$work/unpack"/* "$work/sdist"
        rm -rf "$work/unpack" "$work/download"
    fi
    echo "== apifuzz trace $TARGET -- $TESTS"
    local corpus="$work/corpus"
    rm -rf "$corpus"
    # A failing library test still gives its scripts; trace says so and the run goes on.
    (cd "$work/sdist" && apifuzz trace "$TARGET" --corpus "$corpus" -- "$TESTS" -q -p no:cacheprovider) ||
        echo "INFO: some of the library's tests failed under tracing (above); their scripts were kept"
    echo "== apifuzz fuzz $TARGET --max-time $max_time --jobs 1 ${fuzz_args[*]:-}"
    rm -rf "$work/fuzz"
    local status=0
    apifuzz fuzz "$TARGET" --corpus "$corpus" --workdir "$work/fuzz" --max-time "$max_time" \
        --jobs 1 "${fuzz_args[@]}" || status=$?
    echo "== apifuzz crashes $work/fuzz"
    apifuzz crashes "$work/fuzz" || true
    # 1 means bugs were found: the campaign itself worked.
    [ "$status" -le 1 ] || exit "$status"
}
