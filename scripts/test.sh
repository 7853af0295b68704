#!/usr/bin/env bash
# Set up this machine (idempotent) and run every test: formatting, lints (native and
# wasm32), native unit and integration tests, browser tests in headless Chromium, the
# release build, and the end-to-end tests against real Prometheus + nginx + Chromium.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$SECONDS

# Incremental compilation pays when one crate is rebuilt over and over; a test run builds
# each crate once or twice, and its incremental caches doubled the target directory.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# A full disk shows up as a linker's bus error deep in a build: say it first.
free_mb=$(df -Pm . | awk 'NR == 2 { print $4 }')
if [ "${free_mb:-0}" -lt 6000 ]; then
  echo "warning: only ${free_mb} MB free where the build writes; a cold run needs about 4 GB" >&2
fi


step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (native)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy (wasm32)"
# The browser crates with their browser tests; the pure crates' libraries (their tests
# are native, and proptest's RNG does not build for wasm32).
cargo clippy -p panopticon -p panopticon-client --all-targets --target wasm32-unknown-unknown --locked -- -D warnings
cargo clippy -p panopticon-core -p panopticon-engine -p panopticon-layout --lib --target wasm32-unknown-unknown --locked -- -D warnings

step "pure crates reach no browser or UI crate (cargo tree)"
scripts/check-pure.sh

step "native tests"
cargo test --workspace --locked

step "fuzz corpora replayed once (decoder and configuration parser; no libFuzzer needed)"
# fuzz/ is its own workspace; its replay test runs every corpus input through the
# targets' checks (fuzz/README.md). Cold: ~16 s, warm: ~1 s. Its lockfile is the main one
# (so the same versions, and nothing to keep in step); cargo adds the fuzz-only crates
# (libfuzzer-sys, not compiled here).
cp Cargo.lock fuzz/Cargo.lock
cargo test --manifest-path fuzz/Cargo.toml --no-default-features

step "browser tests (wasm-bindgen-test in headless Chromium)"
cargo test -p panopticon --target wasm32-unknown-unknown --locked
# The client against a server replaying recorded Prometheus answers (slow, failing, long queries).
client/run-browser-tests.sh --locked

step "release build"
scripts/build.sh

step "end-to-end tests (real Prometheus, nginx, Chromium, the simulator)"
cargo build -p panopticon-sim --locked
node --test --test-concurrency=1 tests/e2e/*.test.mjs

step "benchmark harness self-tests (config generation, statistics)"
node --test bench/

step "all tests passed in $((SECONDS - started)) s (plus set-up)"
