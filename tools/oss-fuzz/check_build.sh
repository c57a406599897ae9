#!/usr/bin/env bash
# Check tools/oss-fuzz/build.sh without Docker: run it with $SRC, $WORK and $OUT set
# and local stand-ins for the base-builder-python image's pip3 and
# compile_python_fuzzer (tools/oss-fuzz/local/), then check that the PyInstaller
# fuzzer it built fuzzes, finds a seeded bug, and replays the crash file.
#
#   bash tools/oss-fuzz/check_build.sh [SCRATCH_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [ -n "${1:-}" ]; then  # resolved before venv.sh changes the directory
    mkdir -p "$1" && SCRATCH="$(cd "$1" && pwd)"
else
    SCRATCH="$(mktemp -d)"
fi
source "$ROOT/tools/venv.sh"  # .venv, with PyInstaller (the dev extra)
export SRC="$SCRATCH/src" WORK="$SCRATCH/work" OUT="$SCRATCH/out"
rm -rf "$SRC" "$WORK" "$OUT"
mkdir -p "$SRC/apifuzz" "$WORK/site" "$OUT"
step() { echo "== check_build: $*"; }

step "the checkout's files (as git tracks them) -> $SRC/apifuzz"
(cd "$ROOT" && git ls-files -z | xargs -0 tar -cf -) | tar -xf - -C "$SRC/apifuzz"

step "build.sh, with SRC=$SRC WORK=$WORK OUT=$OUT"
export PATH="$ROOT/tools/oss-fuzz/local:$WORK/site/bin:$PATH"
export PYTHONPATH="$WORK/site"
# -eu as its shebang says: a failed step must fail the build, as in the image.
(cd "$SRC" && bash -eu "$SRC/apifuzz/tools/oss-fuzz/build.sh") > "$SCRATCH/build.log" 2>&1 ||
    { tail -40 "$SCRATCH/build.log"; echo "FAILED: build.sh (log: $SCRATCH/build.log)"; exit 1; }
# The build must have used the checkout installed as the image would, not .venv's apifuzz.
used="$(cd "$SCRATCH" && python -c 'import apifuzz; print(apifuzz.__file__)')"
case "$used" in
    "$WORK/site/"*) ;;
    *) echo "FAILED: apifuzz came from $used, not from $WORK/site"; exit 1 ;;
esac
unset PYTHONPATH
fuzzer="$OUT/fuzz_example_timeline"
for f in "$fuzzer" "$OUT/fuzz_example_timeline.pkg" "$OUT/fuzz_example_timeline_seed_corpus.zip" \
         "$OUT/fuzz_example_timeline.dict" "$OUT/fuzz_example_timeline.options"; do
    [ -s "$f" ] || { echo "FAILED: build.sh did not produce $f"; exit 1; }
done
grep -q LLVMFuzzerTestOneInput "$fuzzer" || { echo "FAILED: no LLVMFuzzerTestOneInput in $fuzzer"; exit 1; }
mkdir -p "$SCRATCH/seeds" && (cd "$SCRATCH/seeds" && python -m zipfile -e "$OUT/fuzz_example_timeline_seed_corpus.zip" .)

step "the built fuzzer fuzzes the correct model (5000 runs, no bug expected)"
mkdir -p "$SCRATCH/corpus"
(cd "$SCRATCH" && env -u APIFUZZ_EXAMPLE_BUGS "$fuzzer" -runs=5000 \
    -dict="$OUT/fuzz_example_timeline.dict" corpus seeds) > "$SCRATCH/clean.log" 2>&1 ||
    { tail -30 "$SCRATCH/clean.log"; echo "FAILED: fuzzing the correct model"; exit 1; }
grep -q "Done 5000 runs" "$SCRATCH/clean.log" || { tail -30 "$SCRATCH/clean.log"; exit 1; }
# Coverage guidance works inside the PyInstaller bundle: the seeds alone reach hundreds of
# edges of the model (an uninstrumented model would show next to none).
cov="$(sed -n 's/.*INITED cov: \([0-9]*\).*/\1/p' "$SCRATCH/clean.log" | head -1)"
[ "${cov:-0}" -ge 100 ] || { tail -30 "$SCRATCH/clean.log"; echo "FAILED: INITED cov ${cov:-?}"; exit 1; }

step "with a seeded bug on, it stops at the bug and writes a crash file"
rm -f "$SCRATCH"/crash-*
if (cd "$SCRATCH" && APIFUZZ_EXAMPLE_BUGS=collision_off_by_one "$fuzzer" -max_total_time=120 \
        -artifact_prefix="$SCRATCH/" corpus seeds) > "$SCRATCH/bug.log" 2>&1; then
    tail -30 "$SCRATCH/bug.log"; echo "FAILED: the seeded bug was not found"; exit 1
fi
crash="$(ls "$SCRATCH"/crash-* 2>/dev/null | head -1)"
[ -n "$crash" ] || { tail -30 "$SCRATCH/bug.log"; echo "FAILED: no crash file"; exit 1; }

step "the fuzzer replays the crash file: the bug and the model's traceback"
if APIFUZZ_EXAMPLE_BUGS=collision_off_by_one "$fuzzer" "$crash" > "$SCRATCH/replay.log" 2>&1; then
    cat "$SCRATCH/replay.log"; echo "FAILED: replaying $crash showed no bug"; exit 1
fi
grep -q "Uncaught Python exception" "$SCRATCH/replay.log" &&
    grep -q "example_timeline/model.py" "$SCRATCH/replay.log" &&
    grep -q "overlap" "$SCRATCH/replay.log" ||
    { cat "$SCRATCH/replay.log"; echo "FAILED: the replay does not report the bug"; exit 1; }
env -u APIFUZZ_EXAMPLE_BUGS "$fuzzer" "$crash" > "$SCRATCH/fixed.log" 2>&1 ||
    { cat "$SCRATCH/fixed.log"; echo "FAILED: the crash replays with the bug off"; exit 1; }

echo "OK: build.sh built $fuzzer; it fuzzes, finds the seeded bug and replays $(basename "$crash")"
