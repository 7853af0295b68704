#!/usr/bin/env bash
# Render the shipped nginx templates into OUT_DIR.
#
#   deploy/nginx/render.sh OUT_DIR
#
# Settings come from the environment (defaults in brackets):
#   PANOPTICON_ROOT            the bundle directory (dist/)                 [required]
#   PANOPTICON_PROMETHEUS      Prometheus upstream host:port                [127.0.0.1:9090]
#   PANOPTICON_ALERTMANAGER    Alertmanager upstream host:port, proxied read-only at
#                              /alertmanager/; empty: that location answers 502 with a
#                              sentence saying none is configured            []
#   PANOPTICON_LISTEN          listen address of the dashboard server       [8080]
#   PANOPTICON_SERVER_NAME     server_name                                  [_]
#   PANOPTICON_FRAME_ANCESTORS CSP frame-ancestors (who may embed it)       ['self']
#   PANOPTICON_CONNECT_SRC     extra CSP connect-src origins (CORS proxy)   []
#   PANOPTICON_CORS_LISTEN     listen address of the CORS proxy variant; empty: not enabled []
#   PANOPTICON_CORS_ORIGINS    regex the whole Origin must match for CORS (anchored
#                              by the template)                             [^$ (none)]
#   PANOPTICON_RATE_LIMIT      requests per client address to the Prometheus proxy (and,
#                              counted apart, to the Alertmanager proxy), as
#                              nginx writes a rate (N r/s or N r/m), or off. A wall screen
#                              asks ~30 queries per refresh: even at a 1 s refresh it
#                              stays below the default                         [50r/s]
#   PANOPTICON_RATE_BURST      requests above the rate accepted at once (a refresh's
#                              fan-out, several screens behind one address) before
#                              the excess is answered 429                       [200]
#   PANOPTICON_BROTLI          serve the build's .br copies: on, off or auto (on when
#                              nginx's brotli_static module is installed, Debian package
#                              libnginx-mod-http-brotli-static)              [auto]
#   PANOPTICON_TLS_CERT        PEM certificate (with its chain) of a TLS listener  []
#   PANOPTICON_TLS_KEY         its private key. With both set (absolute paths), a second
#                              listener serves the same server over TLS with HTTP/2 []
#   PANOPTICON_TLS_LISTEN      listen address of the TLS listener              [8443]
#   PANOPTICON_TLS_HSTS        Strict-Transport-Security sent over TLS only, e.g.
#                              max-age=31536000; empty: none. Off by default: HSTS holds
#                              for every port of the host name, so browsers that saw it
#                              would also ask the plain listener's port over https []
#   PANOPTICON_NGINX           the nginx binary whose version picks the HTTP/2 spelling:
#                              `listen ... ssl http2;` before 1.25.1 (Debian 12 has 1.22.1),
#                              `http2 on;` from 1.25.1, which deprecates the old one. If it
#                              cannot be run, the old spelling: every version accepts it
#                                                                            [nginx]
# Only these variables are substituted: nginx's own $variables pass through untouched.
set -euo pipefail
out=${1:?usage: render.sh OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out" "$out/tmp" "$out/cors-enabled" "$out/tls-enabled"
out=$(cd "$out" && pwd)

: "${PANOPTICON_ROOT:?set PANOPTICON_ROOT to the bundle directory (dist/)}"
export PANOPTICON_ROOT
export PANOPTICON_NGINX_DIR="$out"
export PANOPTICON_PROMETHEUS="${PANOPTICON_PROMETHEUS:-127.0.0.1:9090}"
export PANOPTICON_ALERTMANAGER="${PANOPTICON_ALERTMANAGER:-}"
export PANOPTICON_LISTEN="${PANOPTICON_LISTEN:-8080}"
export PANOPTICON_SERVER_NAME="${PANOPTICON_SERVER_NAME:-_}"
export PANOPTICON_FRAME_ANCESTORS="${PANOPTICON_FRAME_ANCESTORS:-'self'}"
export PANOPTICON_CONNECT_SRC="${PANOPTICON_CONNECT_SRC:-}"
export PANOPTICON_CORS_LISTEN="${PANOPTICON_CORS_LISTEN:-}"
export PANOPTICON_CORS_ORIGINS="${PANOPTICON_CORS_ORIGINS:-^\$}"
export PANOPTICON_RATE_LIMIT="${PANOPTICON_RATE_LIMIT:-50r/s}"
export PANOPTICON_RATE_BURST="${PANOPTICON_RATE_BURST:-200}"

if [ "$PANOPTICON_RATE_LIMIT" = off ]; then
  export PANOPTICON_LIMIT_REQ_ZONE="# rate limit: off (PANOPTICON_RATE_LIMIT)"
  export PANOPTICON_LIMIT_REQ="# rate limit: off (PANOPTICON_RATE_LIMIT)"
  export PANOPTICON_ALERTMANAGER_LIMIT_REQ="# rate limit: off (PANOPTICON_RATE_LIMIT)"
else
  if ! [[ "$PANOPTICON_RATE_LIMIT" =~ ^[1-9][0-9]*r/[sm]$ ]]; then
    echo "render.sh: PANOPTICON_RATE_LIMIT must be N r/s or N r/m written without spaces (e.g. 50r/s), or off" >&2
    exit 2
  fi
  if ! [[ "$PANOPTICON_RATE_BURST" =~ ^[0-9]+$ ]]; then
    echo "render.sh: PANOPTICON_RATE_BURST must be a whole number" >&2
    exit 2
  fi
  export PANOPTICON_LIMIT_REQ_ZONE="limit_req_zone \$binary_remote_addr zone=panopticon_prometheus:10m rate=$PANOPTICON_RATE_LIMIT;
limit_req_zone \$binary_remote_addr zone=panopticon_alertmanager:10m rate=$PANOPTICON_RATE_LIMIT;"
  burst=""
  if [ "$PANOPTICON_RATE_BURST" -gt 0 ]; then burst=" burst=$PANOPTICON_RATE_BURST nodelay"; fi
  export PANOPTICON_LIMIT_REQ="limit_req zone=panopticon_prometheus$burst; limit_req_status 429; error_page 429 @panopticon_rate_limited;"
  export PANOPTICON_ALERTMANAGER_LIMIT_REQ="limit_req zone=panopticon_alertmanager$burst; limit_req_status 429; error_page 429 @panopticon_alertmanager_rate_limited;"
fi

if [ -n "$PANOPTICON_ALERTMANAGER" ]; then
  # Written into the configuration unquoted: only a host (name, IPv4 or [IPv6]) and a port.
  if ! [[ "$PANOPTICON_ALERTMANAGER" =~ ^([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$ ]]; then
    echo "render.sh: PANOPTICON_ALERTMANAGER must be host:port, e.g. 127.0.0.1:9093 (got '$PANOPTICON_ALERTMANAGER')" >&2
    exit 2
  fi
  export PANOPTICON_ALERTMANAGER_UPSTREAM="upstream panopticon_alertmanager {
    server $PANOPTICON_ALERTMANAGER;
    keepalive 4;
}"
else
  export PANOPTICON_ALERTMANAGER_UPSTREAM="# no Alertmanager upstream (PANOPTICON_ALERTMANAGER is empty): /alertmanager/ answers 502"
fi

brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
case "${PANOPTICON_BROTLI:-auto}" in
  on) brotli=1 ;;
  off) brotli=0 ;;
  auto) if [ -f "$brotli_module" ]; then brotli=1; else brotli=0; fi ;;
  *) echo "render.sh: PANOPTICON_BROTLI must be on, off or auto" >&2; exit 2 ;;
esac
if [ "$brotli" = 1 ]; then
  # nginx.conf is our own main configuration (Debian's loads the module through
  # /etc/nginx/modules-enabled/, which the package fills).
  export PANOPTICON_BROTLI_LOAD="load_module $brotli_module;"
  export PANOPTICON_BROTLI_STATIC="brotli_static on;"
else
  export PANOPTICON_BROTLI_LOAD="# brotli_static module not installed: gzip only"
  export PANOPTICON_BROTLI_STATIC="# brotli_static: off (PANOPTICON_BROTLI)"
fi

export PANOPTICON_TLS_CERT="${PANOPTICON_TLS_CERT:-}"
export PANOPTICON_TLS_KEY="${PANOPTICON_TLS_KEY:-}"
export PANOPTICON_TLS_LISTEN="${PANOPTICON_TLS_LISTEN:-8443}"
export PANOPTICON_TLS_HSTS="${PANOPTICON_TLS_HSTS:-}"
tls=0
if [ -n "$PANOPTICON_TLS_CERT" ] || [ -n "$PANOPTICON_TLS_KEY" ]; then
  for f in "$PANOPTICON_TLS_CERT" "$PANOPTICON_TLS_KEY"; do
    # Written into the configuration unquoted: only plain absolute paths.
    if ! [[ "$f" =~ ^/[^[:space:]\;{}\$\'\"]*$ ]]; then
      echo "render.sh: PANOPTICON_TLS_CERT and PANOPTICON_TLS_KEY must both be set, as absolute paths without spaces, quotes, ';', '{', '}' or '\$' (got '$f')" >&2
      exit 2
    fi
    if ! [ -r "$f" ]; then
      echo "render.sh: cannot read $f (PANOPTICON_TLS_CERT / PANOPTICON_TLS_KEY)" >&2
      exit 2
    fi
  done
  tls=1
fi
if ! [[ "$PANOPTICON_TLS_HSTS" =~ ^[A-Za-z0-9=\;\ _-]*$ ]]; then
  echo "render.sh: PANOPTICON_TLS_HSTS must be a Strict-Transport-Security value such as max-age=31536000" >&2
  exit 2
fi
nginx_bin=${PANOPTICON_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
nginx_version=$("$nginx_bin" -v 2>&1 | sed -n 's|.*nginx/\([0-9][0-9.]*\).*|\1|p' || true)
if [ -n "$nginx_version" ] && [ "$(printf '%s\n' 1.25.1 "$nginx_version" | sort -V | head -n1)" = 1.25.1 ]; then
  export PANOPTICON_TLS_LISTEN_FLAGS="ssl"
  export PANOPTICON_HTTP2_ON="http2 on;"
else
  export PANOPTICON_TLS_LISTEN_FLAGS="ssl http2"
  export PANOPTICON_HTTP2_ON="# HTTP/2: on the listen line (nginx ${nginx_version:-of unknown version}; 'http2 on;' exists from 1.25.1)"
fi

vars='${PANOPTICON_ROOT} ${PANOPTICON_NGINX_DIR} ${PANOPTICON_PROMETHEUS} ${PANOPTICON_LISTEN}
${PANOPTICON_SERVER_NAME} ${PANOPTICON_FRAME_ANCESTORS} ${PANOPTICON_CONNECT_SRC}
${PANOPTICON_CORS_LISTEN} ${PANOPTICON_CORS_ORIGINS} ${PANOPTICON_BROTLI_LOAD} ${PANOPTICON_BROTLI_STATIC}
${PANOPTICON_RATE_LIMIT} ${PANOPTICON_RATE_BURST} ${PANOPTICON_LIMIT_REQ_ZONE} ${PANOPTICON_LIMIT_REQ}
${PANOPTICON_TLS_CERT} ${PANOPTICON_TLS_KEY} ${PANOPTICON_TLS_LISTEN} ${PANOPTICON_TLS_HSTS}
${PANOPTICON_TLS_LISTEN_FLAGS} ${PANOPTICON_HTTP2_ON}
${PANOPTICON_ALERTMANAGER} ${PANOPTICON_ALERTMANAGER_UPSTREAM} ${PANOPTICON_ALERTMANAGER_LIMIT_REQ}'

for t in "$here"/*.conf.template; do
  name=$(basename "$t" .template)
  envsubst "$vars" <"$t" >"$out/$name"
done
# The CORS variant is a separate server; enable it only when it has a listen address.
rm -f "$out/cors-enabled/"*.conf
if [ -n "$PANOPTICON_CORS_LISTEN" ]; then
  mv "$out/prometheus-cors.conf" "$out/cors-enabled/prometheus-cors.conf"
else
  rm -f "$out/prometheus-cors.conf"
fi
# The Alertmanager proxy, or the sentence that says there is none: one of the two as
# alertmanager.conf.
if [ -n "$PANOPTICON_ALERTMANAGER" ]; then
  mv "$out/alertmanager-proxy.conf" "$out/alertmanager.conf"
  rm -f "$out/alertmanager-absent.conf"
else
  mv "$out/alertmanager-absent.conf" "$out/alertmanager.conf"
  rm -f "$out/alertmanager-proxy.conf"
fi
# The TLS listener likewise, only with a certificate and key.
rm -f "$out/tls-enabled/"*.conf
if [ "$tls" = 1 ]; then
  mv "$out/panopticon-tls.conf" "$out/tls-enabled/panopticon-tls.conf"
else
  rm -f "$out/panopticon-tls.conf"
fi
