#!/bin/bash -eu
# OSS-Fuzz build of the example timeline's fuzzer (base-builder-python image).
# Runs with $SRC (the checkout is $SRC/apifuzz), $WORK and $OUT set; the local
# check, tools/oss-fuzz/check_build.sh, runs this same script outside Docker.

cd "$SRC/apifuzz"
pip3 install .

# The harness, seeds, dictionary and options, from the committed corpus.
package="$WORK/apifuzz-package"
rm -rf "$package"
apifuzz package example_timeline --corpus corpora/example_timeline --out "$package"

# PyInstaller --onefile, as for every Python fuzzer. The grammar (script.lark) is
# package data that PyInstaller does not find by itself; the model and apifuzz
# are plain imports of the harness, so they need no hidden imports.
compile_python_fuzzer "$package/fuzz_example_timeline.py" \
    --collect-data apifuzz \
    --collect-data lark

cp "$package/fuzz_example_timeline_seed_corpus.zip" \
   "$package/fuzz_example_timeline.dict" \
   "$package/fuzz_example_timeline.options" "$OUT/"
