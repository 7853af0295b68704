#!/usr/bin/env python3
"""Record VictoriaMetrics' Prometheus-compatible answers as test fixtures for panopticon-core.

Starts Debian's VictoriaMetrics (`/usr/bin/victoria-metrics`, single node, 1.79) on
127.0.0.1 with its own temporary store, scraping the static metrics of
scripts/record-fixtures.py (whose helpers and metrics it reuses) every second; waits until
it has WARMUP_S seconds of samples; records each answer (HTTP status, content type, body
bytes) into `tests/fixtures/victoriametrics/<name>.body` plus `<name>.meta.json`, the
combined queries of scripts/record-combined-fixtures.py (same cases, same expressions)
into `combined/`, and always stops what it started, whatever happens.

The requests are the ones the dashboard sends (its `timeout=` in seconds, `step=` in
seconds), so the recordings show how this engine takes them. VictoriaMetrics 1.79's single
node sends neither `isPartial` nor `stats` (its cluster version and later releases do):
those answers are derived from recorded ones into `derived/`, documented in its README.md.

Usage: python3 scripts/record-vm-fixtures.py [--victoria-metrics /usr/bin/victoria-metrics]
Needs only the Python standard library.
"""

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _import(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, HERE / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rf = _import("record_fixtures", "record-fixtures.py")
rc = _import("record_combined_fixtures", "record-combined-fixtures.py")

OUT = rf.OUT.parent / "victoriametrics"
DERIVED = OUT / "derived"
COMBINED = OUT / "combined"

WARMUP_S = 12


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--victoria-metrics", dest="binary", default="/usr/bin/victoria-metrics")
    args = parser.parse_args()
    if not shutil.which(args.binary):
        raise SystemExit(f"{args.binary} not found: apt-get install victoria-metrics")
    # The Debian build prints an empty version; the package's version says which it is.
    package = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "victoria-metrics"],
                             capture_output=True, text=True, check=False).stdout.strip()
    version = f"victoria-metrics {package or '(version unknown)'} (Debian, single node)"
    return rf.with_cleanup("panopticon-vm-fixtures-",
                           lambda tmp, procs: record(args.binary, version, tmp, procs))


def record(binary: str, version: str, tmp: Path, procs: list):
    http_port = rf.serve_metrics(tmp, procs)
    port = rf.free_port()
    config = tmp / "promscrape.yml"
    config.write_text(rf.scrape_config(http_port))
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "victoria-metrics.log", "wb")  # noqa: SIM115 - closed with the tmp dir
    procs.append(subprocess.Popen(
        [binary,
         f"-httpListenAddr=127.0.0.1:{port}",
         f"-storageDataPath={tmp / 'data'}",
         f"-promscrape.config={config}",
         # Samples are visible at once (default: 30 s late), as the e2e tests run it.
         "-search.latencyOffset=0s",
         "-loggerLevel=WARN"],
        stdout=log, stderr=subprocess.STDOUT))

    def healthy():
        try:
            return rf.request(base, "/health")[0] == 200
        except OSError:
            return False

    rf.wait_until(healthy, "VictoriaMetrics to answer")

    rf.wait_for_scrapes(base, WARMUP_S)

    for folder in (OUT, COMBINED):
        if folder.exists():
            for old in list(folder.glob("*.body")) + list(folder.glob("*.meta.json")):
                old.unlink()
    OUT.mkdir(parents=True, exist_ok=True)
    recorded = f"recorded from {version}"

    now = time.time()
    cases = [
        # name, path, params, method, what it shows
        ("vector", "/api/v1/query",
         {"query": "panopticon_fixture_value", "time": now, "timeout": "9.5"}, "GET"),
        ("vector_no_time", "/api/v1/query",
         {"query": "panopticon_fixture_value", "timeout": "9.5"}, "GET"),
        ("vector_post", "/api/v1/query",
         {"query": "sort_desc(panopticon_fixture_value)", "time": now, "timeout": "9.5"}, "POST"),
        ("vector_special_values", "/api/v1/query",
         {"query": "panopticon_fixture_special", "time": now}, "GET"),
        ("vector_nan", "/api/v1/query", {"query": "vector(0/0)", "time": now}, "GET"),
        ("vector_empty", "/api/v1/query",
         {"query": 'panopticon_fixture_value{node="nope"}', "time": now}, "GET"),
        ("vector_trace", "/api/v1/query",
         {"query": "panopticon_fixture_value", "time": now, "trace": "1"}, "GET"),
        ("matrix_range", "/api/v1/query_range",
         {"query": "panopticon_fixture_value", "start": now - 10, "end": now, "step": 2,
          "timeout": "9.5"}, "GET"),
        ("matrix_range_empty", "/api/v1/query_range",
         {"query": 'panopticon_fixture_value{node="nope"}', "start": now - 10, "end": now,
          "step": 2}, "GET"),
        ("matrix_instant", "/api/v1/query",
         {"query": 'panopticon_fixture_value{node="node2"}[5s]', "time": now}, "GET"),
        ("scalar", "/api/v1/query", {"query": "1 + 1", "time": now}, "GET"),
        ("scalar_of_vector", "/api/v1/query",
         {"query": "scalar(sum(panopticon_fixture_value))", "time": now}, "GET"),
        ("scalar_pos_inf", "/api/v1/query", {"query": "1/0", "time": now}, "GET"),
        ("scalar_neg_inf", "/api/v1/query", {"query": "-1/0", "time": now}, "GET"),
        ("scalar_nan", "/api/v1/query", {"query": "0/0", "time": now}, "GET"),
        ("string", "/api/v1/query", {"query": '"panopticon"', "time": now}, "GET"),
        ("error_bad_data_syntax", "/api/v1/query", {"query": "sum(up", "time": now}, "GET"),
        ("error_too_many_points", "/api/v1/query_range",
         {"query": "up", "start": now - 3600, "end": now, "step": 0.1}, "GET"),
        # An execution error: every series loses its name, two keep the same labels.
        ("error_duplicate_series", "/api/v1/query",
         {"query": 'count_over_time({__name__=~".+"}[1h])', "time": now}, "GET"),
        ("error_bad_timeout", "/api/v1/query",
         {"query": "up", "time": now, "timeout": "soon"}, "GET"),
        ("buildinfo", "/api/v1/status/buildinfo", {}, "GET"),
        ("label_values", "/api/v1/label/node/values",
         {"match[]": "panopticon_fixture_value"}, "GET"),
        ("rules", "/api/v1/rules", {"type": "alert"}, "GET"),
        ("alerts", "/api/v1/alerts", {}, "GET"),
        ("not_found_path", "/api/v1/no_such_endpoint", {}, "GET"),
    ]
    for name, path, params, method in cases:
        status, ct, body = rf.request(base, path, params, method)
        rf.save(name, OUT, status, ct, body,
                {"method": method, "path": path, "params": {k: str(v) for k, v in params.items()}},
                recorded)

    # The combined check query, built as core/src/prom/combine.rs builds it, and each part
    # alone, at one time (the same cases as the Prometheus recordings in
    # tests/fixtures/prometheus/combined/).
    rc.record_cases(base, COMBINED, now, recorded)

    derive(recorded)


def derive(recorded: str):
    """The partial-answer shapes VictoriaMetrics 1.79's single node does not send."""
    if DERIVED.exists():
        shutil.rmtree(DERIVED)
    DERIVED.mkdir(parents=True)
    readme = [
        "# Derived fixtures",
        "",
        "Made by `scripts/record-vm-fixtures.py` from recordings in the parent folder, for",
        "shapes VictoriaMetrics 1.79's single node does not send (its cluster version and",
        "later releases do). One line per fixture: how it was derived.",
        "",
    ]

    def derive_json(name, source, how, change):
        meta = json.loads((OUT / f"{source}.meta.json").read_text())
        doc = json.loads((OUT / f"{source}.body").read_bytes())
        change(doc)
        rf.save(name, DERIVED, meta["http_status"], meta["content_type"],
                json.dumps(doc, separators=(",", ":")).encode(), meta["request"],
                f"derived from {source}.body ({recorded}): {how}")
        readme.append(f"- `{name}`: from `{source}`, {how}.")

    # Counts as strings, the time as a number: as vmselect writes them.
    stats = {"seriesFetched": "3", "executionTimeMsec": 1}

    def with_stats(doc):
        doc["stats"] = stats

    derive_json("vector_stats", "vector",
                "added a top-level `stats` object (`seriesFetched` a string, "
                "`executionTimeMsec` a number) as later single-node releases send it", with_stats)

    def partial(doc):
        doc["isPartial"] = True
        doc["stats"] = stats

    derive_json("vector_partial", "vector",
                "added `\"isPartial\": true` and `stats`, as the cluster version's vmselect "
                "answers when a vmstorage node did not answer", partial)
    derive_json("matrix_range_partial", "matrix_range",
                "added `\"isPartial\": true` and `stats`", partial)

    def complete(doc):
        doc["isPartial"] = False
        doc["stats"] = stats

    derive_json("vector_not_partial", "vector",
                "added `\"isPartial\": false` and `stats`, a complete answer that says so",
                complete)

    (DERIVED / "README.md").write_text("\n".join(readme) + "\n")


if __name__ == "__main__":
    sys.exit(main())
