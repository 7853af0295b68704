#!/usr/bin/env bash
# Make this machine ready to build, run and test Panopticon. Idempotent: each step
# is skipped when its exact result is already there, so a warm run takes seconds.
#
# Everything comes from Debian's apt, crates.io or npm; nothing downloads a binary
# from anywhere else (Trunk is configured offline and finds its tools on PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

TRUNK_VERSION=0.21.14
# openssl: the TLS end-to-end test and the HTTP/2 benchmark make a throwaway certificate.
# prometheus-alertmanager: the alert source of the e2e tests, the fixtures' recorder and the demo.
# victoria-metrics (single node, 1.79): the second real engine of the e2e tests and its fixtures.
APT_PACKAGES=(prometheus prometheus-alertmanager victoria-metrics prometheus-node-exporter nginx libnginx-mod-http-brotli-static brotli chromium chromium-driver gettext-base curl ca-certificates openssl)

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's packages start services where an init system runs them; ours are started by hand.
# VictoriaMetrics' service would keep a store under /var/lib and take port 8428 for nothing:
# stopped and disabled where systemd runs (the tests start their own on a free port).
if [ -d /run/systemd/system ] && systemctl is-enabled --quiet victoria-metrics 2>/dev/null; then
  log "systemctl disable --now victoria-metrics (the tests start their own)"
  sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
  $sudo_ systemctl disable --now victoria-metrics
fi

# --- Rust target -----------------------------------------------------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- trunk (pinned) --------------------------------------------------------
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  log "cargo install trunk@$TRUNK_VERSION (takes ~10 min on 2 cores, once)"
  cargo install "trunk@$TRUNK_VERSION" --locked
fi

# --- wasm-bindgen-cli: exactly the wasm-bindgen crate version in Cargo.lock ---
wb_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$wb_version" ] || { echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; }
if ! grep -q "^wasm_bindgen = \"$wb_version\"" Trunk.toml; then
  echo "setup: Trunk.toml [tools] wasm_bindgen must be \"$wb_version\" (Cargo.lock)" >&2
  exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]; then
  log "cargo install wasm-bindgen-cli@$wb_version (~4 min, once)"
  # Not --locked: its lockfile wants a webpki-roots version the registry mirror lacks.
  cargo install "wasm-bindgen-cli@$wb_version" --force
fi

# --- npm: wasm-opt (binaryen 132) and playwright-core -----------------------
# Reinstall when package-lock.json changed since the last install.
stamp=node_modules/.panopticon-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  log "npm ci (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
if [ "$(wasm-opt --version 2>/dev/null || true)" != "wasm-opt version 132 (version_132)" ]; then
  echo "setup: wasm-opt on PATH is not npm's binaryen 132: $(command -v wasm-opt)" >&2
  exit 1
fi
log "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version), $(prometheus --version 2>&1 | head -1), victoria-metrics $(dpkg-query -W -f='${Version}' victoria-metrics)"
