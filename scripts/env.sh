# Sourced by the scripts: the tool paths every step relies on.
# npm's binaryen (wasm-opt 132) must win over any Debian binaryen (108 breaks the bundle).
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$repo_root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Trunk checks crates.io for its own updates even when offline (TOOLCHAIN.md pitfall 3).
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER=/usr/bin/chromedriver
# wasm-bindgen-test-runner gives a whole browser suite 20 s by default; the client's suite
# waits on deliberately slow fixture answers and deadlines, and on a loaded 2-core machine
# (a cold CI run) it took longer and was killed mid-test. Still bounded.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
