# Sourced by the scripts: the tool paths every step relies on.
# npm's binaryen (wasm-opt 132) must win over any Debian binaryen (108 breaks the bundle).
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$repo_root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# Trunk checks crates.io for its own updates even when offline (TOOLCHAIN.md pitfall 3).
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER=/usr/bin/chromedriver
