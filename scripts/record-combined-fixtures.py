#!/usr/bin/env python3
"""Record combined instant queries (core/src/prom/combine.rs) from the real Prometheus.

For each case, the combined expression (built exactly as `Combined` builds it: parts
tagged with `__panopticon_part`, joined with `or`) and every part alone are asked at
one fixed time, so the test can check that splitting the combined answer gives each
part's own answer. Writes `tests/fixtures/prometheus/combined/<case>.combined.*` and
`<case>.part<i>.*` (body + meta, as scripts/record-fixtures.py does).

Starts the Debian Prometheus with the same scrape setup as scripts/record-fixtures.py
(whose helpers it reuses) and always stops what it started.

Usage: python3 scripts/record-combined-fixtures.py [--prometheus /usr/bin/prometheus]
"""

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("record_fixtures", HERE / "record-fixtures.py")
rf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rf)

OUT = rf.OUT / "combined"

PART_LABEL = "__panopticon_part"
CLASH_LABEL = "__panopticon_clash"

CASES = {
    # Every part a vector: the split must equal the parts asked alone.
    "vectors": [
        "panopticon_fixture_value",
        "sum(panopticon_fixture_value)",
        'panopticon_fixture_value{node="nope"}',
        "panopticon_fixture_special",
        'up{job="fixture"} # a comment ends at the line end',
        "vector(0/0)",
    ],
    # One part's series already carry the tag label.
    "clash": [
        'label_replace(panopticon_fixture_value, "__panopticon_part", "7", "", "")',
        'up{job="fixture"}',
    ],
    # One part does not parse: the whole combined query is refused.
    "bad_part": ["sum(up", 'up{job="fixture"}'],
    # A scalar part (kept alone by the plan, asked here to see the refusal).
    "scalar_part": ["scalar(sum(panopticon_fixture_value))", 'up{job="fixture"}'],
    # A range-vector part.
    "matrix_part": ['panopticon_fixture_value{node="node2"}[5s]', 'up{job="fixture"}'],
}


def tagged(index: int, expr: str) -> str:
    """As combine.rs's `tagged`."""
    return (f'label_replace(label_replace((\n{expr}\n),"{CLASH_LABEL}","1","{PART_LABEL}",".+"),'
            f'"{PART_LABEL}","{index}","","")')


def combined(parts) -> str:
    return " or ".join(tagged(i, p.strip()) for i, p in enumerate(parts))


def main() -> int:
    return rf.with_prometheus(__doc__, "panopticon-combined-", lambda binary, version, tmp, procs:
                              record(binary, f"recorded from {version}", tmp, procs))


def record(prometheus: str, recorded: str, tmp: Path, procs: list):
    http_port = rf.serve_metrics(tmp, procs)
    prom_port = rf.free_port()
    config = tmp / "prometheus.yml"
    config.write_text(rf.scrape_config(http_port))
    base = f"http://127.0.0.1:{prom_port}"
    log = open(tmp / "prometheus.log", "wb")  # noqa: SIM115 - closed with the tmp dir
    procs.append(subprocess.Popen(
        [prometheus, f"--config.file={config}", f"--storage.tsdb.path={tmp / 'data'}",
         f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT))

    def ready():
        try:
            return rf.request(base, "/-/ready")[0] == 200
        except OSError:
            return False

    rf.wait_until(ready, "Prometheus to be ready")

    def scraped():
        status, _, body = rf.request(base, "/api/v1/query", {"query": 'count_over_time(up{job="fixture"}[1m])'})
        return status == 200 and b'"result":[{' in body and float(
            __import__("json").loads(body)["data"]["result"][0]["value"][1]) >= 6

    rf.wait_until(scraped, "the fixture metrics to be scraped", timeout_s=120)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    record_cases(base, OUT, time.time(), recorded)


def record_cases(base: str, out: Path, now: float, recorded: str):
    """Each case's combined query and each of its parts alone, asked of `base` at `now`, into
    `out`. Shared with scripts/record-vm-fixtures.py."""
    for case, parts in CASES.items():
        asked = [("combined", combined(parts))] + [(f"part{i}", p.strip()) for i, p in enumerate(parts)]
        for name, expr in asked:
            params = {"query": expr, "time": str(now)}
            status, ct, body = rf.request(base, "/api/v1/query", params, "POST")
            rf.save(f"{case}.{name}", out, status, ct, body,
                    {"method": "POST", "path": "/api/v1/query", "params": params}, recorded)


if __name__ == "__main__":
    sys.exit(main())
