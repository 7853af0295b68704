#!/usr/bin/env python3
"""A stand-in Prometheus for the client's browser tests.

Answers /api/v1/query and /api/v1/query_range with the recorded fixtures of
tests/fixtures/prometheus (status, content type and body exactly as the real
Prometheus 2.42 sent them). The PromQL text selects the fixture:

  vector                  -> tests/fixtures/prometheus/vector.*
  derived/nginx_502       -> tests/fixtures/prometheus/derived/nginx_502.*
  sleep_1500_vector       -> the same after 1.5 s (for deadlines and fan-out)
  "vector <anything>"     -> only the first word counts (long queries)

A query longer than 2,000 bytes sent with GET is refused with 414, so a
passing long query proves the client switched to POST. CORS is open, as on
Prometheus by default. Prints its port on stdout, then serves until killed.
"""

import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "prometheus"


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

    def answer(self, path, encoded, method):
        if path not in ("/api/v1/query", "/api/v1/query_range"):
            return self.reply(404, "text/plain; charset=utf-8", b"404 page not found\n")
        if method == "GET" and len(encoded) > 2000:
            return self.reply(414, "text/plain", b"URI Too Long")
        query = urllib.parse.parse_qs(encoded).get("query", [""])[0]
        name = query.split(" ")[0]
        if name.startswith("sleep_"):
            _, ms, name = name.split("_", 2)
            time.sleep(int(ms) / 1000)
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
