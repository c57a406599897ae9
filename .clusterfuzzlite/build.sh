#!/bin/bash -eu
# ClusterFuzzLite build: the same as OSS-Fuzz's (tools/oss-fuzz/build.sh).
exec "$SRC/apifuzz/tools/oss-fuzz/build.sh"
