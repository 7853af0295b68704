#!/bin/sh
# Runs the client's browser tests (tests/browser.rs) in headless Chromium
# against tests/fixture_server.py, and always stops the server it started.
# Needs wasm-bindgen-test-runner (= the wasm-bindgen version) and chromedriver.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
portfile=$(mktemp)
python3 "$here/tests/fixture_server.py" > "$portfile" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$portfile"' EXIT INT TERM
for _ in $(seq 50); do [ -s "$portfile" ] && break; sleep 0.1; done
port=$(head -n1 "$portfile")
[ -n "$port" ] || { echo "fixture server did not start" >&2; exit 1; }
echo "fixture server on 127.0.0.1:$port"
cd "$here"
PANOPTICON_FIXTURE_SERVER="http://127.0.0.1:$port" \
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p panopticon-client --target wasm32-unknown-unknown --features browser-tests "$@"
