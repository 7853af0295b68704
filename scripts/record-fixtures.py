#!/usr/bin/env python3
"""Record Prometheus HTTP API responses as test fixtures for panopticon-core.

Starts the Debian Prometheus (`/usr/bin/prometheus`, 2.42) on 127.0.0.1 with
its own temporary config and TSDB, scraping itself and a static metrics file
served by `python3 -m http.server`; waits until it is ready; records each
response (HTTP status, content type, body bytes) into
`tests/fixtures/prometheus/<name>.body` plus `<name>.meta.json`; and always
stops what it started, whatever happens.

Responses Prometheus 2.42 cannot produce (warnings, infos, native histograms,
a proxy's HTML page) are derived from recorded ones into
`tests/fixtures/prometheus/derived/`, documented in its README.md.

Usage: python3 scripts/record-fixtures.py [--prometheus /usr/bin/prometheus]
Needs only the Python standard library.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "prometheus"
DERIVED = OUT / "derived"

# Metrics with fixed values, so tests can assert exact numbers and labels.
METRICS = """\
# HELP panopticon_fixture_value A gauge with one fixed value per node.
# TYPE panopticon_fixture_value gauge
panopticon_fixture_value{node="node1"} 1
panopticon_fixture_value{node="node2"} 0.25
panopticon_fixture_value{node="node3"} -3e-05
# HELP panopticon_fixture_special Values that are not ordinary numbers.
# TYPE panopticon_fixture_special gauge
panopticon_fixture_special{kind="nan"} NaN
panopticon_fixture_special{kind="pinf"} +Inf
panopticon_fixture_special{kind="ninf"} -Inf
"""

# Small enough that selecting every series fails with 422, large enough
# for the few fixture series over a short range.
MAX_SAMPLES = 200

# Seconds of data to collect before recording range queries.
WARMUP_S = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(base: str, path: str, params=None, method="GET"):
    """Returns (status, content_type, body) for any HTTP answer; raises on no answer."""
    data = None
    url = base + path
    encoded = urllib.parse.urlencode(params or {})
    if method == "GET" and encoded:
        url += "?" + encoded
    elif method == "POST":
        data = encoded.encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type"), err.read()


def save(name: str, folder: Path, status: int, content_type, body: bytes, request_info: dict,
         note: str):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.body").write_bytes(body)
    meta = {
        "http_status": status,
        "content_type": content_type,
        "request": request_info,
        "source": note,
    }
    (folder / f"{name}.meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"  {folder.name}/{name}: HTTP {status} {content_type} ({len(body)} bytes)")


def load(name: str):
    meta = json.loads((OUT / f"{name}.meta.json").read_text())
    return meta, (OUT / f"{name}.body").read_bytes()


def wait_until(pred, what: str, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def serve_metrics(tmp: Path, procs: list) -> int:
    """Serve METRICS at `/metrics` on a free port of 127.0.0.1 (a `python3 -m http.server`
    appended to `procs`) and return the port. Shared with the other recorders."""
    www = tmp / "www"
    www.mkdir()
    (www / "metrics").write_text(METRICS)
    port = free_port()
    procs.append(subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(www)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return port


def scrape_config(http_port: int) -> str:
    """A scrape configuration, in Prometheus' format (which VictoriaMetrics reads too), of the
    metrics `serve_metrics` serves on `http_port`, every second. Shared with the other
    recorders."""
    return f"""\
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: fixture
    static_configs:
      - targets: ["127.0.0.1:{http_port}"]
"""


def wait_for_scrapes(base: str, seconds: int = WARMUP_S):
    """Wait until the server at `base` holds `seconds` scrapes of METRICS, so range queries
    over the last seconds have samples. Shared with scripts/record-vm-fixtures.py."""
    def scraped():
        status, _, body = request(base, "/api/v1/query",
                                  {"query": 'count_over_time(panopticon_fixture_value{node="node1"}[1m])'})
        if status != 200:
            return False
        result = json.loads(body)["data"]["result"]
        return bool(result) and float(result[0]["value"][1]) >= seconds

    print(f"  waiting for {seconds} s of scrapes")
    wait_until(scraped, "the fixture metrics to be scraped", timeout_s=120)


def main() -> int:
    return with_prometheus(__doc__, "panopticon-fixtures-", lambda binary, version, tmp, procs:
                           record(binary, version, tmp, procs))


def with_prometheus(doc: str, prefix: str, recorder) -> int:
    """Parse `--prometheus`, then run `recorder(binary, version, tmp, procs)`; whatever it
    started (appended to `procs`) is stopped and its temporary folder removed, also on a
    failure or a signal. Shared with scripts/record-combined-fixtures.py."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    args = parser.parse_args()
    if not shutil.which(args.prometheus):
        raise SystemExit(f"{args.prometheus} not found: apt-get install prometheus")
    version = subprocess.run([args.prometheus, "--version"], capture_output=True, text=True,
                             check=True).stdout.splitlines()[0].strip()

    return with_cleanup(prefix, lambda tmp, procs: recorder(args.prometheus, version, tmp, procs))


def with_cleanup(prefix: str, run) -> int:
    """Run `run(tmp, procs)` in a fresh temporary folder; every process it appends to
    `procs` is stopped and the folder removed, also on a failure or a signal. Shared with
    scripts/record-alert-fixtures.py."""
    procs: list[subprocess.Popen] = []
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        run(tmp, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def record(prometheus: str, version: str, tmp: Path, procs: list):
    http_port = serve_metrics(tmp, procs)

    prom_port = free_port()
    config = tmp / "prometheus.yml"
    config.write_text(f"""\
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["127.0.0.1:{prom_port}"]
  - job_name: fixture
    static_configs:
      - targets: ["127.0.0.1:{http_port}"]
""")
    base = f"http://127.0.0.1:{prom_port}"
    log = open(tmp / "prometheus.log", "wb")  # noqa: SIM115 - closed with the tmp dir
    procs.append(subprocess.Popen(
        [prometheus,
         f"--config.file={config}",
         f"--storage.tsdb.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{prom_port}",
         f"--query.max-samples={MAX_SAMPLES}",
         "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT))

    OUT.mkdir(parents=True, exist_ok=True)
    for old in list(OUT.glob("*.body")) + list(OUT.glob("*.meta.json")):
        old.unlink()
    recorded = f"recorded from {version}"

    # Try to catch the plain-text 503 Prometheus sends before it is ready.
    starting = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, ct, body = request(base, "/api/v1/query", {"query": "up"})
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.005)
            continue
        if status == 503:
            starting = (status, ct, body)
        break
    if starting:
        save("starting_503", OUT, *starting,
             {"method": "GET", "path": "/api/v1/query", "params": {"query": "up"}},
             recorded + " while it was starting")
    else:
        print("  (Prometheus was ready before a 503 could be caught; starting_503 not recorded)")

    def ready():
        try:
            return request(base, "/-/ready")[0] == 200
        except OSError:
            return False

    wait_until(ready, "Prometheus to be ready")

    wait_for_scrapes(base)

    now = time.time()
    cases = [
        # name, path, params, method
        ("vector", "/api/v1/query", {"query": "panopticon_fixture_value", "time": now}, "GET"),
        ("vector_post", "/api/v1/query",
         {"query": "sort_desc(panopticon_fixture_value)", "time": now}, "POST"),
        ("vector_special_values", "/api/v1/query",
         {"query": "panopticon_fixture_special", "time": now}, "GET"),
        ("vector_nan", "/api/v1/query", {"query": "vector(0/0)", "time": now}, "GET"),
        ("vector_empty", "/api/v1/query",
         {"query": 'panopticon_fixture_value{node="nope"}', "time": now}, "GET"),
        ("matrix_range", "/api/v1/query_range",
         {"query": "panopticon_fixture_value", "start": now - 10, "end": now, "step": 2}, "GET"),
        ("matrix_instant", "/api/v1/query",
         {"query": 'panopticon_fixture_value{node="node2"}[5s]', "time": now}, "GET"),
        ("scalar", "/api/v1/query", {"query": "1 + 1", "time": now}, "GET"),
        ("scalar_pos_inf", "/api/v1/query", {"query": "1/0", "time": now}, "GET"),
        ("scalar_neg_inf", "/api/v1/query", {"query": "-1/0", "time": now}, "GET"),
        ("scalar_nan", "/api/v1/query", {"query": "0/0", "time": now}, "GET"),
        ("string", "/api/v1/query", {"query": '"panopticon"', "time": now}, "GET"),
        ("error_bad_data_syntax", "/api/v1/query", {"query": "sum(up", "time": now}, "GET"),
        ("error_bad_data_too_many_points", "/api/v1/query_range",
         {"query": "up", "start": now - 3600, "end": now, "step": 0.1}, "GET"),
        ("error_execution_too_many_samples", "/api/v1/query",
         {"query": '{__name__=~".+"}', "time": now}, "GET"),
        ("error_timeout", "/api/v1/query",
         {"query": "count_over_time(up[1h])", "time": now, "timeout": "0.000001"}, "GET"),
        ("not_found_path", "/api/v1/no_such_endpoint", {}, "GET"),
    ]
    for name, path, params, method in cases:
        status, ct, body = request(base, path, params, method)
        save(name, OUT, status, ct, body,
             {"method": method, "path": path, "params": {k: str(v) for k, v in params.items()}},
             recorded)

    derive(recorded)


def derive(recorded: str):
    """Hand-made shapes Prometheus 2.42 cannot produce, each from a recording."""
    if DERIVED.exists():
        shutil.rmtree(DERIVED)
    DERIVED.mkdir(parents=True)
    readme = [
        "# Derived fixtures",
        "",
        "Made by `scripts/record-fixtures.py` from recordings in the parent folder, for",
        "shapes Prometheus 2.42 cannot produce. One line per fixture: how it was derived.",
        "",
    ]

    def derive_json(name, source, how, change, status=None):
        meta, body = load(source)
        doc = json.loads(body)
        change(doc)
        save(name, DERIVED, status or meta["http_status"], meta["content_type"],
             json.dumps(doc, separators=(",", ":")).encode(), meta["request"],
             f"derived from {source}.body ({recorded}): {how}")
        readme.append(f"- `{name}`: from `{source}`, {how}.")

    def add_warnings(doc):
        doc["warnings"] = ["PromQL warning: encountered a mix of histograms and floats for "
                           "metric name \"panopticon_fixture_value\""]
        doc["infos"] = ["PromQL info: metric might not be a counter, name does not end in "
                        "_total/_sum/_count/_bucket: \"panopticon_fixture_value\""]

    derive_json("vector_warnings_infos", "vector",
                "added a `warnings` and an `infos` array as Prometheus 3.x sends them",
                add_warnings)

    histogram = {"count": "12", "sum": "3.5",
                 "buckets": [[0, "0.5", "1", "4"], [0, "1", "2", "8"]]}

    def to_histogram(doc):
        first = doc["data"]["result"][0]
        ts = first.pop("value")[0]
        first["histogram"] = [ts, histogram]

    derive_json("vector_native_histogram", "vector",
                "replaced the first series' `value` by a native `histogram` sample "
                "(format of Prometheus >= 2.40 with native histograms enabled)", to_histogram)

    def to_histograms(doc):
        first = doc["data"]["result"][0]
        first["histograms"] = [[v[0], histogram] for v in first.pop("values")]

    derive_json("matrix_native_histograms", "matrix_range",
                "replaced the first series' `values` by `histograms`", to_histograms)

    def to_canceled(doc):
        doc["errorType"] = "canceled"
        doc["error"] = "query was canceled in expression evaluation"

    derive_json("error_canceled", "error_timeout",
                "errorType and error changed to the texts Prometheus uses for a canceled query",
                to_canceled)

    derive_json("vector_503", "vector",
                "status changed to 503, body unchanged: a success envelope with a failing status, "
                "as a caching proxy or middlebox can send",
                lambda doc: None, status=503)

    nginx_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                 b"<center><h1>502 Bad Gateway</h1></center>\r\n"
                 b"<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")
    save("nginx_502", DERIVED, 502, "text/html", nginx_502,
         {"method": "GET", "path": "/prometheus/api/v1/query", "params": {"query": "up"}},
         "written by hand: nginx 1.22.1's built-in 502 page")
    readme.append("- `nginx_502`: written by hand, the built-in 502 page of nginx 1.22.1 "
                  "(the app's proxy when Prometheus is down).")

    spa_page = (b"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
                b"<title>Panopticon</title>\n</head>\n<body></body>\n</html>\n")
    save("html_200_wrong_base_url", DERIVED, 200, "text/html", spa_page,
         {"method": "GET", "path": "/wrong/api/v1/query", "params": {"query": "up"}},
         "written by hand: an HTML page served with 200, as a wrong base URL gets")
    readme.append("- `html_200_wrong_base_url`: written by hand, an HTML page with status 200, "
                  "what a misconfigured base URL gets from a single-page-app server.")

    (DERIVED / "README.md").write_text("\n".join(readme) + "\n")


if __name__ == "__main__":
    sys.exit(main())
