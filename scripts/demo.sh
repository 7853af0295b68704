#!/usr/bin/env bash
# The demo: a simulated 4-node reference cluster, a real Prometheus scraping it (plus
# this machine's own node_exporter as an extra host) and evaluating the reference
# cluster's alerting rules (examples/alerts/), a real Alertmanager receiving its alerts,
# and nginx with the shipped configuration serving the release bundle and proxying
# Prometheus and Alertmanager. Prints the URL and how to inject faults, fire an alert and
# silence one; Ctrl-C stops everything it started.
#
# Ports (override with the environment; defaults avoid a real Prometheus on 9090):
#   PANOPTICON_DEMO_LISTEN      address nginx listens on       [127.0.0.1]
#   PANOPTICON_DEMO_PORT        dashboard port                  [8080]
#   PANOPTICON_DEMO_PROMETHEUS  Prometheus port                 [9391]
#   PANOPTICON_DEMO_ALERTMANAGER Alertmanager port              [9393]
#   PANOPTICON_DEMO_SIM_PORT    first simulator exporter port   [9300] (uses 4 per node)
#   PANOPTICON_DEMO_SIM_CONTROL simulator control API port      [9290]
#   PANOPTICON_DEMO_NODE_EXPORTER this machine's node_exporter  [9392]
#   PANOPTICON_DEMO_NODES       simulated nodes                 [4]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
source scripts/env.sh

listen=${PANOPTICON_DEMO_LISTEN:-127.0.0.1}
port=${PANOPTICON_DEMO_PORT:-8080}
prom_port=${PANOPTICON_DEMO_PROMETHEUS:-9391}
am_port=${PANOPTICON_DEMO_ALERTMANAGER:-9393}
sim_port=${PANOPTICON_DEMO_SIM_PORT:-9300}
sim_control=${PANOPTICON_DEMO_SIM_CONTROL:-9290}
node_exporter_port=${PANOPTICON_DEMO_NODE_EXPORTER:-9392}
nodes=${PANOPTICON_DEMO_NODES:-4}

say() { printf '\033[1m[demo]\033[0m %s\n' "$*"; }

scripts/build.sh
say "building the simulator"
cargo build --release --locked -p panopticon-sim
sim_bin=target/release/panopticon-sim

run=$(mktemp -d "${TMPDIR:-/tmp}/panopticon-demo.XXXXXX")
chmod 755 "$run"
pids=()
cleanup() {
  trap - EXIT INT TERM
  say "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$run"
}
trap cleanup EXIT
interrupted=0
trap 'interrupted=1' INT TERM

wait_http() { # URL WHAT
  for _ in $(seq 300); do
    [ "$interrupted" = 1 ] && exit 130
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: $2 did not come up at $1 (logs in $run)" >&2
  exit 1
}

# An hour of the simulator's own history, loaded into Prometheus's data directory
# before it starts: every graph shows a full hour at once, and a fault injected in the
# first minute shows in context. Written just before the simulator starts, which goes
# on from where the history ends (its counters keep growing across the seam).
say "writing an hour of the cluster's history into Prometheus's data directory"
"$sim_bin" backfill --hours 1 --nodes "$nodes" --out "$run/history.om"
promtool tsdb create-blocks-from openmetrics "$run/history.om" "$run/prometheus-data" >"$run/promtool.log" 2>&1 \
  || { echo "demo: promtool could not load the history (log: $run/promtool.log)" >&2; exit 1; }
rm -f "$run/history.om"

say "starting the simulator ($nodes nodes)"
"$sim_bin" serve --nodes "$nodes" --listen 127.0.0.1 --base-port "$sim_port" \
  --control-port "$sim_control" --targets-file "$run/targets.json" >"$run/sim.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$sim_control/state" "the simulator"

say "starting node_exporter (this machine, as an extra host)"
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_exporter_port" >"$run/node_exporter.log" 2>&1 &
pids+=($!)

# Alertmanager keeps the alerts and silences; it notifies nobody (no receiver sends).
# Gossip off: it would listen on every interface and look for peers.
cat >"$run/alertmanager.yml" <<YAML
route:
  receiver: none
  group_wait: 0s
  group_interval: 5s
receivers:
  - name: none
YAML
say "starting Alertmanager on 127.0.0.1:$am_port"
prometheus-alertmanager --config.file="$run/alertmanager.yml" --storage.path="$run/alertmanager-data" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$run/alertmanager.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$am_port/-/ready" "Alertmanager"

cat >"$run/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
rule_files:
  - "$PWD/examples/alerts/reference-cluster.rules.yml"
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:$am_port"]
scrape_configs:
  - job_name: cluster           # the simulator's targets; job and instance come from the file
    file_sd_configs:
      - files: ["$run/targets.json"]
        refresh_interval: 5s
  - job_name: this-host
    static_configs:
      - targets: ["127.0.0.1:$node_exporter_port"]
        labels: { instance: this-host }
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:$prom_port"]
YAML
say "starting Prometheus on 127.0.0.1:$prom_port"
prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus-data" \
  --web.listen-address="127.0.0.1:$prom_port" --web.cors.origin='^$' >"$run/prometheus.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$prom_port/-/ready" "Prometheus"

say "starting nginx on $listen:$port"
PANOPTICON_ROOT="$PWD/dist" PANOPTICON_PROMETHEUS="127.0.0.1:$prom_port" \
  PANOPTICON_ALERTMANAGER="127.0.0.1:$am_port" \
  PANOPTICON_LISTEN="$listen:$port" deploy/nginx/render.sh "$run/nginx" >/dev/null
nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/nginx/error.log" &
pids+=($!)
wait_http "http://127.0.0.1:$port/" "nginx"

host=$listen; [ "$host" = "0.0.0.0" ] && host=$(hostname -f 2>/dev/null || echo 127.0.0.1)
cat <<MSG

  Panopticon is running:   http://$host:$port/

  Inject a fault (takes effect within two refreshes):
    $sim_bin scenario gluster-not-writeable --control http://127.0.0.1:$sim_control
    $sim_bin scenarios --control http://127.0.0.1:$sim_control     # list all scenarios
    $sim_bin reset --control http://127.0.0.1:$sim_control         # back to healthy

  Alerts (examples/alerts/reference-cluster.rules.yml): every scenario also fires the
  rules that restate its checks (gluster-not-writeable: GlusterVolumeNotWriteable). An
  alert that no check sees, so the alert alone turns Weave Net amber (after ~10 s):
    $sim_bin set weave_ips 1000000 --node node-2 --control http://127.0.0.1:$sim_control
  Silence it: Weave Net shows "maintenance", its alert muted with who, why and until when:
    $sim_bin silence weave --minutes 30 --comment "IP range cleanup" --alertmanager http://127.0.0.1:$am_port
    $sim_bin silences --alertmanager http://127.0.0.1:$am_port            # list (ids)
    $sim_bin unsilence <silence id> --alertmanager http://127.0.0.1:$am_port
    $sim_bin clear-overrides --control http://127.0.0.1:$sim_control     # the alert resolves

  Prometheus (direct, for debugging): http://127.0.0.1:$prom_port/
  Alertmanager (direct; its UI can make silences too): http://127.0.0.1:$am_port/
  Logs: $run

  Ctrl-C stops everything.
MSG
# Ctrl-C reaches the whole process group, so a child may end before our trap runs:
# give the trap a moment before calling an exit unexpected.
wait -n "${pids[@]}" || true
sleep 0.3
if [ "$interrupted" = 1 ]; then
  exit 0
fi
say "a component exited unexpectedly; logs in $run:"
tail -n 5 "$run"/*.log >&2 || true
exit 1
