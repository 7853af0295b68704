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
#   PANOPTICON_SOURCES         a file naming the extra data sources, each proxied read-only at
#                              /sources/<name>/ with the same allow-list as /prometheus/ (a
#                              configuration's `base_url: /sources/<name>`); empty: none, and
#                              /sources/ answers 404 []. One source per line, `#` starts a comment:
#                                <name> <[https://]host:port> [prefix=/path] [tenant=ID] [auth_file=/path] [ca_file=/path]
#                              name      [a-z][a-z0-9_-]{0,31}, unique
#                              host:port the upstream, also sent as its Host header; with
#                                        https:// over TLS, its certificate verified for
#                                        that host name against ca_file (a PEM bundle;
#                                        default the system's /etc/ssl/certs/ca-certificates.crt)
#                              prefix    where the upstream serves the API, e.g. /prometheus for
#                                        Mimir: /sources/<name>/api/v1/query reaches
#                                        <prefix>/api/v1/query
#                              tenant    sent as X-Scope-OrgID (Mimir, Cortex; letters, digits
#                                        and !._*'()|-). Without it none is sent: what a browser
#                                        sends under that name is always dropped
#                              auth_file a file on this server whose one line is the whole
#                                        Authorization value (`Bearer <token>` or `Basic
#                                        <base64 of user:password>`), read now and written into
#                                        OUT_DIR/sources/<name>.proxy.conf (mode 0600). Refused
#                                        when others may read or write it; its content is never
#                                        printed, and never reaches the bundle or the browser.
#                                        Without it the browser's Authorization is dropped
#                              Each source counts its own PANOPTICON_RATE_LIMIT per client address.
#                              Example:
#                                vm    127.0.0.1:8428
#                                mimir https://mimir.internal:443 prefix=/prometheus tenant=team-a auth_file=/etc/panopticon/mimir.auth
#   PANOPTICON_NGINX           the nginx binary whose version picks the HTTP/2 spelling:
#                              `listen ... ssl http2;` before 1.25.1 (Debian 12 has 1.22.1),
#                              `http2 on;` from 1.25.1, which deprecates the old one. If it
#                              cannot be run, the old spelling: every version accepts it
#                                                                            [nginx]
# Only these variables are substituted: nginx's own $variables pass through untouched.
set -euo pipefail
out=${1:?usage: render.sh OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out" "$out/tmp" "$out/cors-enabled" "$out/tls-enabled" "$out/sources"
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
export PANOPTICON_SOURCES="${PANOPTICON_SOURCES:-}"
# The read-only endpoints, written once for /prometheus/ and every /sources/<name>/: the query
# API (GET or POST) and the alerting rules and alerts (GET).
export PANOPTICON_READ_API='(query|query_range|series|labels|label/[a-zA-Z_][a-zA-Z0-9_]*/values|status/buildinfo)'
export PANOPTICON_RULES_API='(rules|alerts)'

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

# --- extra data sources (PANOPTICON_SOURCES) ---------------------------------
# Rendered into sources.conf (locations, included by every server that has the /prometheus/
# allow-list), sources-http.conf (upstreams and rate-limit zones) and sources/<name>.proxy.conf.
rm -f "$out/sources/"*.proxy.conf
sources_conf="# The extra data sources (PANOPTICON_SOURCES), each at /sources/<name>/: see source.location.template.
"
sources_http="# The extra data sources' upstreams and rate-limit zones (PANOPTICON_SOURCES).
"
source_vars='${PANOPTICON_SOURCE_NAME} ${PANOPTICON_SOURCE_UPSTREAM} ${PANOPTICON_SOURCE_PREFIX}
${PANOPTICON_SOURCE_TENANT} ${PANOPTICON_SOURCE_LIMIT_REQ} ${PANOPTICON_SOURCE_LIMIT_REQ_ZONE}
${PANOPTICON_SOURCE_SCHEME} ${PANOPTICON_SOURCE_TLS}
${PANOPTICON_NGINX_DIR} ${PANOPTICON_READ_API} ${PANOPTICON_RULES_API} ${PANOPTICON_RATE_LIMIT}
${PANOPTICON_RATE_BURST}'
if [ -n "$PANOPTICON_SOURCES" ]; then
  if ! [ -f "$PANOPTICON_SOURCES" ] || ! [ -r "$PANOPTICON_SOURCES" ]; then
    echo "render.sh: cannot read PANOPTICON_SOURCES ($PANOPTICON_SOURCES)" >&2
    exit 2
  fi
  # In variables: inside [[ =~ ]] a quoted character in a bracket would also let a backslash in.
  tenant_re="^[A-Za-z0-9!._*'()|-]{1,150}\$"
  # A scheme, one space, a token68 (RFC 7235): nothing nginx's quoted string would read.
  credential_re='^[A-Za-z][A-Za-z0-9_-]* [A-Za-z0-9._~+/-]+=*$'
  declare -A seen_sources=()
  lineno=0
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    line=${line%%#*}
    read -r -a words <<<"$line" || true
    [ ${#words[@]} -gt 0 ] || continue
    where="render.sh: PANOPTICON_SOURCES ($PANOPTICON_SOURCES) line $lineno"
    name=${words[0]}
    upstream=${words[1]:-}
    if ! [[ "$name" =~ ^[a-z][a-z0-9_-]{0,31}$ ]]; then
      echo "$where: the name '$name' must be a lower-case letter then up to 31 of a-z, 0-9, _ and -" >&2
      exit 2
    fi
    if [ -n "${seen_sources[$name]:-}" ]; then
      echo "$where: a second source named '$name' (line ${seen_sources[$name]})" >&2
      exit 2
    fi
    seen_sources[$name]=$lineno
    # Written into the configuration unquoted: only a host (name, IPv4 or [IPv6]) and a port.
    if ! [[ "$upstream" =~ ^(https://)?(([A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5})$ ]]; then
      echo "$where: source '$name' needs its upstream as host:port or https://host:port, e.g. 127.0.0.1:8428 (got '$upstream')" >&2
      exit 2
    fi
    scheme=http
    if [ -n "${BASH_REMATCH[1]}" ]; then scheme=https; fi
    upstream=${BASH_REMATCH[2]}
    upstream_host=${BASH_REMATCH[3]}
    prefix="" tenant="" auth_file="" ca_file=""
    declare -A given=()
    for kv in "${words[@]:2}"; do
      key=${kv%%=*}
      value=${kv#*=}
      if [ "$key" = "$kv" ] || [ -n "${given[$key]:-}" ]; then
        echo "$where: '$kv' is not one of prefix=, tenant=, auth_file=, ca_file= (each at most once)" >&2
        exit 2
      fi
      given[$key]=1
      case "$key" in
        prefix)
          if ! [[ "$value" =~ ^(/[A-Za-z0-9._~-]+)+$ ]] || [[ "$value" =~ /\.\.?(/|$) ]]; then
            echo "$where: prefix must be a path such as /prometheus (letters, digits, . _ ~ -; no trailing /) (got '$value')" >&2
            exit 2
          fi
          prefix=$value ;;
        tenant)
          if ! [[ "$value" =~ $tenant_re ]]; then
            echo "$where: tenant must be 1 to 150 of letters, digits and !._*'()|- (got '$value')" >&2
            exit 2
          fi
          tenant=$value ;;
        auth_file)
          if ! [[ "$value" =~ ^/[^[:space:]]*$ ]]; then
            echo "$where: auth_file must be an absolute path" >&2
            exit 2
          fi
          auth_file=$value ;;
        ca_file)
          # Written into the configuration unquoted: only plain absolute paths.
          if ! [[ "$value" =~ ^/[^[:space:]\;{}\$\'\"]*$ ]]; then
            echo "$where: ca_file must be an absolute path without spaces, quotes, ';', '{', '}' or '\$' (got '$value')" >&2
            exit 2
          fi
          ca_file=$value ;;
        *)
          echo "$where: '$key=' is not one of prefix=, tenant=, auth_file=, ca_file=" >&2
          exit 2 ;;
      esac
    done
    unset given
    if [ "$scheme" = https ]; then
      ca_file=${ca_file:-/etc/ssl/certs/ca-certificates.crt}
      if ! [ -f "$ca_file" ] || ! [ -r "$ca_file" ]; then
        echo "$where: cannot read the certificates ($ca_file) to verify source '$name' (ca_file=)" >&2
        exit 2
      fi
      export PANOPTICON_SOURCE_TLS="# Over TLS, the upstream's certificate verified for its host name.
    proxy_ssl_server_name on;
    proxy_ssl_name $upstream_host;
    proxy_ssl_verify on;
    proxy_ssl_verify_depth 4;
    proxy_ssl_trusted_certificate $ca_file;
    proxy_ssl_protocols TLSv1.2 TLSv1.3;
    proxy_ssl_session_reuse on;"
    elif [ -n "$ca_file" ]; then
      echo "$where: ca_file= is for an https:// upstream (source '$name' is plain HTTP)" >&2
      exit 2
    else
      export PANOPTICON_SOURCE_TLS="# Plain HTTP (an https:// upstream would be verified)."
    fi
    export PANOPTICON_SOURCE_SCHEME="$scheme"
    authorization='proxy_set_header Authorization "";'
    if [ -n "$auth_file" ]; then
      if ! [ -f "$auth_file" ] || ! [ -r "$auth_file" ]; then
        echo "$where: cannot read auth_file $auth_file of source '$name'" >&2
        exit 2
      fi
      mode=$(stat -L -c %a "$auth_file")
      if (( 8#$mode & 8#007 )); then
        echo "$where: auth_file $auth_file of source '$name' is open to everyone (mode $mode): it holds a credential; chmod o-rwx it" >&2
        exit 2
      fi
      # One line: the whole header value. Never echoed, whatever is wrong with it.
      lines=$(grep -c . "$auth_file" || true)
      credential=$(head -n 1 "$auth_file" | tr -d '\r')
      if [ "$lines" != 1 ] || ! [[ "$credential" =~ $credential_re ]]; then
        echo "$where: auth_file $auth_file of source '$name' must hold one line, an Authorization value such as 'Bearer <token>' or 'Basic <base64>' (its content is not shown)" >&2
        exit 2
      fi
      authorization="proxy_set_header Authorization \"$credential\";"
      unset credential
    fi
    export PANOPTICON_SOURCE_NAME="$name" PANOPTICON_SOURCE_UPSTREAM="$upstream"
    export PANOPTICON_SOURCE_PREFIX="$prefix" PANOPTICON_SOURCE_TENANT="$tenant"
    if [ "$PANOPTICON_RATE_LIMIT" = off ]; then
      export PANOPTICON_SOURCE_LIMIT_REQ_ZONE="# rate limit: off (PANOPTICON_RATE_LIMIT)"
      export PANOPTICON_SOURCE_LIMIT_REQ="# rate limit: off (PANOPTICON_RATE_LIMIT)"
    else
      export PANOPTICON_SOURCE_LIMIT_REQ_ZONE="limit_req_zone \$binary_remote_addr zone=panopticon_source_$name:1m rate=$PANOPTICON_RATE_LIMIT;"
      export PANOPTICON_SOURCE_LIMIT_REQ="limit_req zone=panopticon_source_$name$burst; limit_req_status 429; error_page 429 @panopticon_source_${name}_rate_limited;"
    fi
    sources_conf+=$'\n'$(envsubst "$source_vars" <"$here/source.location.template")$'\n'
    sources_http+=$'\n'$(envsubst "$source_vars" <"$here/source.upstream.template")$'\n'
    # The Authorization line goes in last, outside envsubst and the environment.
    proxy=$(envsubst "$source_vars" <"$here/source.proxy.template")
    placeholder='${PANOPTICON_SOURCE_AUTHORIZATION}'
    (umask 077; printf '%s%s%s\n' "${proxy%%"$placeholder"*}" "$authorization" "${proxy#*"$placeholder"}" >"$out/sources/$name.proxy.conf")
    unset authorization
  done <"$PANOPTICON_SOURCES"
fi
sources_conf+="
# Any other path under /sources/: no such source here.
location /sources/ {
    default_type \"text/plain; charset=utf-8\";
    return 404 \"no such data source behind this proxy (deploy/nginx: PANOPTICON_SOURCES)\\n\";
}
"
printf '%s' "$sources_conf" >"$out/sources.conf"
printf '%s' "$sources_http" >"$out/sources-http.conf"

vars='${PANOPTICON_ROOT} ${PANOPTICON_NGINX_DIR} ${PANOPTICON_PROMETHEUS} ${PANOPTICON_LISTEN}
${PANOPTICON_SERVER_NAME} ${PANOPTICON_FRAME_ANCESTORS} ${PANOPTICON_CONNECT_SRC}
${PANOPTICON_CORS_LISTEN} ${PANOPTICON_CORS_ORIGINS} ${PANOPTICON_BROTLI_LOAD} ${PANOPTICON_BROTLI_STATIC}
${PANOPTICON_RATE_LIMIT} ${PANOPTICON_RATE_BURST} ${PANOPTICON_LIMIT_REQ_ZONE} ${PANOPTICON_LIMIT_REQ}
${PANOPTICON_TLS_CERT} ${PANOPTICON_TLS_KEY} ${PANOPTICON_TLS_LISTEN} ${PANOPTICON_TLS_HSTS}
${PANOPTICON_TLS_LISTEN_FLAGS} ${PANOPTICON_HTTP2_ON}
${PANOPTICON_ALERTMANAGER} ${PANOPTICON_ALERTMANAGER_UPSTREAM} ${PANOPTICON_ALERTMANAGER_LIMIT_REQ}
${PANOPTICON_READ_API} ${PANOPTICON_RULES_API}'

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
