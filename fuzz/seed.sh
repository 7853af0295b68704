#!/bin/sh
# Builds extra seed inputs under fuzz/seeds/ (not committed) for a fuzzing run, from what
# the committed corpora in fuzz/corpus/ are drawn from:
#   seeds/decode_response/   each recorded Prometheus body prefixed with two selector
#                            bytes (status 200/json = 0x00 0x00 and 503/text = 0x06 0x01,
#                            see src/lib.rs)
#   seeds/config_from_yaml/  the example configurations
# tests/replay.rs replays the same inputs in CI without this script.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
decode="$here/seeds/decode_response"
config="$here/seeds/config_from_yaml"
mkdir -p "$decode" "$config"
for body in "$here"/../tests/fixtures/prometheus/*.body "$here"/../tests/fixtures/prometheus/derived/*.body; do
    name=$(basename "$body" .body)
    { printf '\000\000'; cat "$body"; } > "$decode/$name"
    { printf '\006\001'; cat "$body"; } > "$decode/$name.503-text"
done
cp "$here"/../examples/config/*.yaml "$config/"
echo "seeded $(ls "$decode" | wc -l) decoder and $(ls "$config" | wc -l) configuration inputs under $here/seeds"
