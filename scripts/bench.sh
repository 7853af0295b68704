#!/usr/bin/env bash
# The benchmarks: build the release bundle and the simulator, then drive the bundle in
# headless Chromium against a real Prometheus + nginx + the simulated cluster, print
# the table and write docs/benchmarks.md (see bench/README.md for every figure): each
# figure with its goal from issue 17 and the verdict. The HTTP/2 figures need openssl (a
# throwaway self-signed certificate per run).
#
# Not part of scripts/test.sh: it takes 20-30 minutes on 2 cores (mostly the soak) and its
# numbers depend on the machine. Arguments go to bench/run.mjs (e.g. --quick, --only=soak).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh

scripts/build.sh
echo "[bench] cargo build --release -p panopticon-sim"
cargo build --release --locked -p panopticon-sim
PANOPTICON_SIM="$PWD/target/release/panopticon-sim" exec node bench/run.mjs "$@"
