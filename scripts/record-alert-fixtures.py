#!/usr/bin/env python3
"""Record Prometheus rule/alert and Alertmanager v2 answers as fixtures for panopticon-core.

Starts the Debian Prometheus (2.42) and Debian Alertmanager (0.25) on 127.0.0.1, each with
its own temporary configuration and storage (Alertmanager's gossip off), Prometheus
scraping the static metrics of scripts/record-fixtures.py (whose helpers it reuses) and
sending its alerts to that Alertmanager. First the empty answers are recorded (no rule
loaded, no alert, no silence); then a rule file is loaded (`/-/reload`) with

- `FixtureFiring`    (critical, service=consul)  firing, `for: 0s`;
- `FixtureInhibited` (warning,  service=consul)  firing in Prometheus, inhibited in
  Alertmanager by FixtureFiring (inhibit rule `equal: [service]`);
- `FixtureSilenced`  (warning,  service=vault)   firing in Prometheus, silenced in
  Alertmanager by a silence made through its API;
- `FixturePending`   (warning,  service=nomad)   pending (`for: 1h`);
- `FixtureInactive`  (critical, service=nomad)   never true;
- `FixtureBroken`    (critical, service=etcd)    `health: err` (a many-to-many match fails
  at every evaluation);

three silences (one active on FixtureSilenced, one expired through DELETE, one pending that
starts in an hour), and the answers recorded again. Prometheus adds the external label
`cluster="fixture"` to what it sends, so Alertmanager's labels are a superset of the
rules endpoint's, as in a real deployment.

Writes `tests/fixtures/alerts/<name>.body` + `<name>.meta.json` (HTTP status, content type,
request, source) and always stops what it started, whatever happens.

Usage: python3 scripts/record-alert-fixtures.py [--prometheus /usr/bin/prometheus]
                                                [--alertmanager /usr/bin/prometheus-alertmanager]
"""

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("record_fixtures", HERE / "record-fixtures.py")
rf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rf)

OUT = rf.OUT.parent / "alerts"

RULES = """\
groups:
  - name: fixture
    interval: 1s
    rules:
      - alert: FixtureFiring
        expr: panopticon_fixture_value{node="node1"} > 0
        for: 0s
        labels:
          service: consul
          severity: critical
        annotations:
          summary: "Consul has no quorum on {{ $labels.node }}"
          description: "The fixture value is {{ $value }} on {{ $labels.instance }}."
          runbook_url: "https://runbooks.example.org/consul/no-quorum"
      - alert: FixtureInhibited
        expr: panopticon_fixture_value{node="node1"} > 0.5
        labels:
          service: consul
          severity: warning
        annotations:
          summary: "Consul is degraded"
          description: "Inhibited by FixtureFiring in Alertmanager."
      - alert: FixtureSilenced
        expr: panopticon_fixture_value{node="node2"} > 0
        labels:
          service: vault
          severity: warning
        annotations:
          summary: "Vault is sealed"
          runbook_url: "javascript:alert(1)"
      - alert: FixturePending
        expr: panopticon_fixture_value{node="node2"} > 0.1
        for: 1h
        labels:
          service: nomad
          severity: warning
        annotations:
          summary: "Nomad is slow"
      - alert: FixtureInactive
        expr: panopticon_fixture_value{node="node3"} > 100
        labels:
          service: nomad
          severity: critical
        annotations:
          summary: "Never true"
      - alert: FixtureBroken
        expr: panopticon_fixture_value + on() panopticon_fixture_value
        labels:
          service: etcd
          severity: critical
        annotations:
          summary: "Fails at every evaluation (many-to-many match)"
"""

ALERTMANAGER_CONFIG = """\
route:
  receiver: "null"
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: "null"
inhibit_rules:
  - source_matchers: ['alertname="FixtureFiring"']
    target_matchers: ['alertname="FixtureInhibited"']
    equal: [service]
"""


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def post_json(base: str, path: str, doc, method="POST"):
    data = None if doc is None else json.dumps(doc).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    args = parser.parse_args()
    for binary, package in ((args.prometheus, "prometheus"),
                            (args.alertmanager, "prometheus-alertmanager")):
        if not shutil.which(binary):
            raise SystemExit(f"{binary} not found: apt-get install {package}")

    def version(binary):
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
        return (out.stdout or out.stderr).splitlines()[0].strip()

    prom_version, am_version = version(args.prometheus), version(args.alertmanager)
    return rf.with_cleanup("panopticon-alert-fixtures-", lambda tmp, procs: record(
        args.prometheus, prom_version, args.alertmanager, am_version, tmp, procs))


def record(prometheus: str, prom_version: str, alertmanager: str, am_version: str, tmp: Path,
           procs: list):
    www = tmp / "www"
    www.mkdir()
    (www / "metrics").write_text(rf.METRICS)
    http_port = rf.free_port()
    procs.append(subprocess.Popen(
        [sys.executable, "-m", "http.server", str(http_port), "--bind", "127.0.0.1",
         "--directory", str(www)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    am_port = rf.free_port()
    am_config = tmp / "alertmanager.yml"
    am_config.write_text(ALERTMANAGER_CONFIG)
    am_log = open(tmp / "alertmanager.log", "wb")  # noqa: SIM115 - closed with the tmp dir
    procs.append(subprocess.Popen(
        [alertmanager, f"--config.file={am_config}", f"--storage.path={tmp / 'am-data'}",
         f"--web.listen-address=127.0.0.1:{am_port}", "--cluster.listen-address=",
         "--log.level=warn"], stdout=am_log, stderr=subprocess.STDOUT))
    am = f"http://127.0.0.1:{am_port}"

    prom_port = rf.free_port()
    rules = tmp / "fixture.rules.yml"
    rules.write_text("groups: []\n")
    config = tmp / "prometheus.yml"
    config.write_text(f"""\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    cluster: fixture
rule_files:
  - {rules}
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["127.0.0.1:{am_port}"]
scrape_configs:
  - job_name: fixture
    static_configs:
      - targets: ["127.0.0.1:{http_port}"]
""")
    prom_log = open(tmp / "prometheus.log", "wb")  # noqa: SIM115 - closed with the tmp dir
    procs.append(subprocess.Popen(
        [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{prom_port}", "--web.enable-lifecycle",
         "--log.level=warn"], stdout=prom_log, stderr=subprocess.STDOUT))
    prom = f"http://127.0.0.1:{prom_port}"

    def ready(base):
        try:
            return rf.request(base, "/-/ready")[0] == 200
        except OSError:
            return False

    rf.wait_until(lambda: ready(am), "Alertmanager to be ready")
    rf.wait_until(lambda: ready(prom), "Prometheus to be ready")

    if OUT.exists():
        for old in list(OUT.glob("*.body")) + list(OUT.glob("*.meta.json")):
            old.unlink()
    OUT.mkdir(parents=True, exist_ok=True)
    from_prom = f"recorded from {prom_version}"
    from_am = f"recorded from {am_version}"

    def save(name, base, path, params, note):
        status, ct, body = rf.request(base, path, params)
        rf.save(name, OUT, status, ct, body,
                {"method": "GET", "path": path, "params": dict(params or {})}, note)
        return json.loads(body) if ct and "json" in ct else None

    # --- empty answers: no rule, no alert, no silence -----------------------
    save("prom_rules_empty", prom, "/api/v1/rules", {"type": "alert"}, from_prom + ", no rule loaded")
    save("prom_alerts_empty", prom, "/api/v1/alerts", {}, from_prom + ", no rule loaded")
    save("am_alerts_empty", am, "/api/v2/alerts", {}, from_am + ", no alert received")
    save("am_silences_empty", am, "/api/v2/silences", {}, from_am + ", no silence made")

    # --- the rules, the silences, and what comes of them -------------------
    rules.write_text(RULES)
    status, _, body = rf.request(prom, "/-/reload", method="POST")
    if status != 200:
        raise SystemExit(f"Prometheus refused the rule file: {status} {body!r}")

    now = datetime.now(timezone.utc)
    active = post_json(am, "/api/v2/silences", {
        "matchers": [{"name": "alertname", "value": "FixtureSilenced", "isRegex": False,
                      "isEqual": True}],
        "startsAt": iso(now), "endsAt": iso(now + timedelta(hours=2)),
        "createdBy": "alice@example.org", "comment": "Vault maintenance, ticket OPS-42"})
    expired = post_json(am, "/api/v2/silences", {
        "matchers": [{"name": "service", "value": "consul|nomad", "isRegex": True,
                      "isEqual": True}],
        "startsAt": iso(now), "endsAt": iso(now + timedelta(hours=1)),
        "createdBy": "bob", "comment": "Ended early"})
    req = urllib.request.Request(f"{am}/api/v2/silence/{expired['silenceID']}", method="DELETE")
    urllib.request.urlopen(req, timeout=10).read()
    post_json(am, "/api/v2/silences", {
        "matchers": [{"name": "service", "value": "etcd", "isRegex": False, "isEqual": True},
                     {"name": "severity", "value": "info", "isRegex": False, "isEqual": False}],
        "startsAt": iso(now + timedelta(hours=1)), "endsAt": iso(now + timedelta(hours=3)),
        "createdBy": "carol", "comment": "Planned etcd upgrade"})
    print(f"  silences made: active {active['silenceID']}, expired {expired['silenceID']}")

    def rules_settled():
        status, _, body = rf.request(prom, "/api/v1/rules", {"type": "alert"})
        if status != 200:
            return False
        by_name = {r["name"]: r for g in json.loads(body)["data"]["groups"] for r in g["rules"]}
        want = {"FixtureFiring": "firing", "FixtureInhibited": "firing",
                "FixtureSilenced": "firing", "FixturePending": "pending",
                "FixtureInactive": "inactive"}
        return (all(by_name.get(n, {}).get("state") == s for n, s in want.items())
                and by_name.get("FixtureBroken", {}).get("health") == "err")

    rf.wait_until(rules_settled, "the rules to be firing, pending, inactive and failing")

    def am_settled():
        status, _, body = rf.request(am, "/api/v2/alerts", {})
        if status != 200:
            return False
        states = {a["labels"]["alertname"]: a["status"] for a in json.loads(body)}
        return (states.get("FixtureFiring", {}).get("state") == "active"
                and bool(states.get("FixtureSilenced", {}).get("silencedBy"))
                and bool(states.get("FixtureInhibited", {}).get("inhibitedBy")))

    rf.wait_until(am_settled, "Alertmanager to hold an active, a silenced and an inhibited alert")

    save("prom_rules", prom, "/api/v1/rules", {"type": "alert"},
         from_prom + ": FixtureFiring, FixtureInhibited and FixtureSilenced firing, FixturePending "
         "pending, FixtureInactive inactive, FixtureBroken health err")
    save("prom_alerts", prom, "/api/v1/alerts", {}, from_prom + ": the same rules' alerts")
    save("prom_rules_bad_type", prom, "/api/v1/rules", {"type": "nope"},
         from_prom + ": an unknown type parameter")
    save("am_alerts", am, "/api/v2/alerts", {},
         from_am + ": FixtureFiring active, FixtureSilenced suppressed by a silence, "
         "FixtureInhibited suppressed by FixtureFiring")
    save("am_alerts_active_only", am, "/api/v2/alerts",
         {"silenced": "false", "inhibited": "false"},
         from_am + ": only the active alerts (silenced=false&inhibited=false)")
    save("am_alerts_bad_filter", am, "/api/v2/alerts", {"filter": "{"},
         from_am + ": a filter that is not a matcher")
    save("am_silences", am, "/api/v2/silences", {},
         from_am + ": one active (createdBy alice@example.org), one expired through DELETE, "
         "one pending (starts in an hour)")
    save("am_status", am, "/api/v2/status", {}, from_am + ", gossip off (--cluster.listen-address=)")
    save("am_not_found", am, "/api/v2/no_such_endpoint", {}, from_am + ": an unknown path")


if __name__ == "__main__":
    sys.exit(main())
