#!/usr/bin/env bash
# The pure crates decide what the screen says; they must never reach the browser or
# the UI framework. Fails when one of them depends, directly or through anything, on
# leptos (or its parts), gloo, web-sys, js-sys or wasm-bindgen.
#
# One exception, on wasm32 only: plotters (the charts crate's drawing library) always
# links web-sys/js-sys/wasm-bindgen on that target for its own canvas backend and
# clock. The charts crate uses none of it (its draw code is generic over plotters'
# DrawingBackend and tested natively with the SVG backend); the check allows those
# three there only as plotters' dependencies, never as the crate's own.
#
#   scripts/check-pure.sh [crate …]     (default: the four pure crates)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(panopticon-core panopticon-engine panopticon-layout panopticon-charts)
browser='^(leptos|leptos_[a-z_]+|tachys|reactive_graph|reactive_stores|server_fn|gloo|gloo-[a-z-]+|web-sys|js-sys|wasm-bindgen)$'
framework='^(leptos|leptos_[a-z_]+|tachys|reactive_graph|reactive_stores|server_fn|gloo|gloo-[a-z-]+)$'
failed=0
names() { awk '{print $1}' | sort -u; }
# cargo tree's own failure (e.g. a lock file out of date) fails the check.
tree() { cargo tree -q --locked -e normal --prefix none "$@"; }
for crate in "${crates[@]}"; do
  native_tree=$(tree -p "$crate")
  wasm_tree=$(tree -p "$crate" --target wasm32-unknown-unknown)
  direct_tree=$(tree -p "$crate" --target wasm32-unknown-unknown --depth 1 | tail -n +2)
  for bad in $(names <<<"$native_tree" | grep -E "$browser" || true); do
    echo "check-pure: $crate depends on $bad (native build)" >&2; failed=1
  done
  for bad in $(names <<<"$direct_tree" | grep -E "$browser" || true); do
    echo "check-pure: $crate depends on $bad directly (wasm32 build)" >&2; failed=1
  done
  for bad in $(names <<<"$wasm_tree" | grep -E "$framework" || true); do
    echo "check-pure: $crate reaches $bad (wasm32 build)" >&2; failed=1
  done
  # Anything browser-facing on wasm32 must come through plotters alone.
  for dep in web-sys js-sys wasm-bindgen; do
    names <<<"$wasm_tree" | grep -qx "$dep" || continue
    parents=$(tree -p "$crate" --target wasm32-unknown-unknown -i "$dep" --depth 1 | tail -n +2 | names \
      | grep -vE '^(plotters|web-sys|js-sys|wasm-bindgen|wasm-bindgen-futures)$' || true)
    for p in $parents; do
      echo "check-pure: $crate reaches $dep through $p (wasm32 build)" >&2; failed=1
    done
  done
done
if [ "$failed" -ne 0 ]; then
  echo "check-pure: a pure crate reaches the browser; see ARCHITECTURE.md, 'Pure core'" >&2
  exit 1
fi
echo "check-pure: ${crates[*]} reach no browser or UI crate"
