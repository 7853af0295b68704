#!/usr/bin/env bash
# Build the release bundle into dist/ with Trunk, offline, and prove it stayed offline.
#
# Trunk is configured never to download (Trunk.toml `offline = true`, pinned [tools]
# found on PATH); on top of that this script reads Trunk's log and fails if it ever
# mentions fetching a tool, and, where the kernel allows it, runs Trunk in a network
# namespace that has no network at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

# Fetch crates first: the build itself may run without network.
cargo fetch --locked >/dev/null

log=target/trunk-build.log
mkdir -p target
run=(trunk build --release --skip-version-check)
if [ "${PANOPTICON_BUILD_NET:-}" != "allow" ] && unshare --net true 2>/dev/null; then
  # No network inside: a download attempt would fail the build, not slip through.
  run=(unshare --net "${run[@]}")
  echo "[build] trunk build --release (in a network namespace without network)"
else
  echo "[build] trunk build --release"
fi
if ! "${run[@]}" >"$log" 2>&1; then
  cat "$log"
  echo "[build] trunk build failed (log: $log)" >&2
  exit 1
fi
if grep -Eiq 'download|fetching|installing (wasm|binaryen|sass|tailwind)' "$log"; then
  grep -Ein 'download|fetching|installing' "$log" >&2
  echo "[build] Trunk tried to download a tool: see $log" >&2
  exit 1
fi
grep -Ei 'using system installed binary|success' "$log" | sed 's/^/[build] /' || true
echo "[build] bundle in dist/: $(du -sh dist | cut -f1), wasm $(stat -c %s dist/*_bg.wasm) bytes"
