#!/usr/bin/env python3
"""A stand-in Prometheus for the client's browser tests.

Answers /api/v1/query and /api/v1/query_range with the recorded fixtures of
tests/fixtures/prometheus (status, content type and body exactly as the real
Prometheus 2.42 sent them). The PromQL text selects the fixture:

  vector                  -> tests/fixtures/prometheus/vector.*
  derived/nginx_502       -> tests/fixtures/prometheus/derived/nginx_502.*
  sleep_1500_vector       -> the same after 1.5 s (for deadlines and fan-out)
  "vector <anything>"     -> only the first word counts (long queries)

and generated answers too big to keep as files:

  big_<bytes>             -> a valid success answer of that many bytes, with
                             Content-Length
  chunked_big_<bytes>     -> the same, sent chunked (HTTP/1.1, no Content-Length)
  series_<n>              -> a success vector of n series, with Content-Length
  chunked_series_<n>      -> the same, sent chunked
  html_503_<bytes>        -> an nginx-style 503 page padded to that many bytes

A query recorded by scripts/record-combined-fixtures.py (a combined query
or one of its parts, in tests/fixtures/prometheus/combined/) gets its
recorded answer; any other unknown query gets a `bad_data` error, which is
also what a combined query of fixture names gets (so the client falls back
to asking them one by one).

Under /alerts/<name>/ it is an alert source (Prometheus's
/api/v1/rules, Alertmanager's /api/v2/*) answering with the fixture
tests/fixtures/alerts/<name>.* whatever the path below, and:

  /alerts/sleep_<ms>/...      -> am_alerts after that long (for timeouts)
  /alerts/big_<bytes>/...     -> a JSON array of that many bytes, with
                                 Content-Length

A query longer than 2,000 bytes sent with GET is refused with 414, so a
passing long query proves the client switched to POST. CORS is open, as on
Prometheus by default. Prints its port on stdout, then serves until killed.
"""

import functools
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "prometheus"
ALERTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "alerts"
CHUNK = 64 * 1024


def recorded_queries():
    """The combined recordings by the exact query they asked."""
    table = {}
    for meta_path in sorted((ROOT / "combined").glob("*.meta.json")):
        meta = json.loads(meta_path.read_text())
        body = meta_path.with_name(meta_path.name.replace(".meta.json", ".body"))
        table[meta["request"]["params"]["query"]] = (meta["http_status"], meta["content_type"], body)
    return table


RECORDED = recorded_queries()


def series(i):
    return ('{"metric":{"__name__":"up","instance":"n%06d"},'
            '"value":[1795294982.62,"1"]}' % i).encode()


@functools.lru_cache(maxsize=4)
def vector_of(n):
    """A success vector answer with n distinct series."""
    return (b'{"status":"success","data":{"resultType":"vector","result":['
            + b",".join(series(i) for i in range(n)) + b"]}}")


@functools.lru_cache(maxsize=4)
def success_of_size(size):
    """A valid success answer of exactly `size` bytes (one series, padded)."""
    head = b'{"status":"success","data":{"resultType":"vector","result":[' + series(0) + b']},"pad":"'
    tail = b'"}'
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


@functools.lru_cache(maxsize=4)
def html_503_of_size(size):
    page = (b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n"
            b"<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
            b"<hr><center>nginx</center>\r\n")
    return page + b"<!-- " + b"x" * max(0, size - len(page) - 24) + b" -->\r\n</body></html>\r\n"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def cors(self):
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.cors()
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client aborted, which is what some tests want

    def reply_chunked(self, status, content_type, body):
        """Sends `body` with Transfer-Encoding: chunked, so the client cannot
        know its size before reading it."""
        self.protocol_version = "HTTP/1.1"
        self.close_connection = True
        self.send_response(status)
        self.cors()
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for at in range(0, len(body), CHUNK):
                part = body[at:at + CHUNK]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the rest, which is what the tests want

    def generated(self, name):
        """The generated answers of the module doc string, or None."""
        kind, _, number = name.rpartition("_")
        if not number.isdigit():
            return None
        n = int(number)
        json_ct = "application/json"
        makers = {
            "big": lambda: (self.reply, 200, json_ct, success_of_size(n)),
            "chunked_big": lambda: (self.reply_chunked, 200, json_ct, success_of_size(n)),
            "series": lambda: (self.reply, 200, json_ct, vector_of(n)),
            "chunked_series": lambda: (self.reply_chunked, 200, json_ct, vector_of(n)),
            "html_503": lambda: (self.reply, 503, "text/html", html_503_of_size(n)),
        }
        return makers[kind]() if kind in makers else None

    def do_OPTIONS(self):
        self.send_response(204)
        self.cors()
        self.end_headers()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        self.answer(url.path, url.query, "GET")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.answer(urllib.parse.urlsplit(self.path).path,
                    self.rfile.read(length).decode(), "POST")

    def alert_source(self, path):
        name = path.split("/")[2] if path.count("/") >= 2 else ""
        if name.startswith("sleep_"):
            time.sleep(int(name.split("_")[1]) / 1000)
            name = "am_alerts"
        if name.startswith("big_"):
            size = int(name.split("_")[1])
            body = b"[" + b" " * max(size - 2, 0) + b"]"
            return self.reply(200, "application/json", body)
        meta_path = ALERTS / f"{name}.meta.json"
        if ".." in name or "/" in name or not meta_path.is_file():
            return self.reply(404, "text/plain; charset=utf-8", b"404 page not found\n")
        meta = json.loads(meta_path.read_text())
        return self.reply(meta["http_status"], meta["content_type"],
                          (ALERTS / f"{name}.body").read_bytes())

    def answer(self, path, encoded, method):
        if path.startswith("/alerts/"):
            return self.alert_source(path)
        if path not in ("/api/v1/query", "/api/v1/query_range"):
            return self.reply(404, "text/plain; charset=utf-8", b"404 page not found\n")
        if method == "GET" and len(encoded) > 2000:
            return self.reply(414, "text/plain", b"URI Too Long")
        query = urllib.parse.parse_qs(encoded).get("query", [""])[0]
        if query in RECORDED:
            status, content_type, body = RECORDED[query]
            return self.reply(status, content_type, body.read_bytes())
        name = query.split(" ")[0]
        if name.startswith("sleep_"):
            _, ms, name = name.split("_", 2)
            time.sleep(int(ms) / 1000)
        made = self.generated(name)
        if made:
            send, status, content_type, body = made
            return send(status, content_type, body)
        meta_path = ROOT / f"{name}.meta.json"
        if ".." in name or not meta_path.is_file():
            body = json.dumps({"status": "error", "errorType": "bad_data",
                               "error": f"no fixture {name!r}"}).encode()
            return self.reply(400, "application/json", body)
        meta = json.loads(meta_path.read_text())
        self.reply(meta["http_status"], meta["content_type"],
                   (ROOT / f"{name}.body").read_bytes())


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
