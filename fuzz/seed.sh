#!/bin/sh
# Builds the seed corpus fuzz/seeds/ from the recorded Prometheus fixtures:
# each body prefixed with the two selector bytes matching its status and
# content type (status 200/json = 0x00 0x00, see fuzz_targets/decode_response.rs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/seeds"
mkdir -p "$out"
for body in "$here"/../tests/fixtures/prometheus/*.body "$here"/../tests/fixtures/prometheus/derived/*.body; do
    name=$(basename "$body" .body)
    { printf '\000\000'; cat "$body"; } > "$out/$name"
    { printf '\006\001'; cat "$body"; } > "$out/$name.503-text"
done
echo "seeded $(ls "$out" | wc -l) inputs into $out"
