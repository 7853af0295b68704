#!/usr/bin/env python3
"""Trunk post-build hook: make the bundle servable under a strict CSP.

Trunk writes the wasm loader as an inline <script type="module"> into index.html.
An inline script would force `script-src 'unsafe-inline'` (or a per-build hash) into
the nginx CSP, so this hook moves it into a content-hashed file next to the other
assets and references it with `src` + `integrity`, with the early requests (the boot
script proper, `early-<hash>.js`, a classic script) in a file of their own before it and
the stylesheets joined into one. It also installs the default
configuration (`panopticon.yaml`, the reference cluster) next to index.html, where
the app loads it at run time (the boot script starts that fetch early, only when the
URL names no other configuration), and writes a gzip -9 copy (`NAME.gz`) and a brotli -q 11
copy (`NAME.br`, with Debian's `brotli`, when installed) of every hashed asset, which
nginx sends as they are (`gzip_static`, `brotli_static`): the wasm is not recompressed
for every load, which cost a single nginx worker tens of milliseconds of CPU per page
load and held back the other files of that load, and brotli is a fifth smaller than
gzip. Only content-hashed files get copies, so a copy can never be older than its file
(an edited `panopticon.yaml` would be).

Runs with Trunk's hook environment (TRUNK_STAGING_DIR, TRUNK_SOURCE_DIR).
"""

import base64
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys

# Trunk writes the hash as hex without leading zeros: 16 digits, sometimes fewer.
HASHED_ASSET = re.compile(r"-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$")

# The boot script (`early-<hash>.js`, before the loader) starts with this: each early
# answer's body is read as soon as it arrives, while the wasm downloads and compiles, up
# to a bound, and the app is handed a Response over those bytes (and the rest of the
# stream, if any). Left to the app, reading a body that had long arrived took several
# of the browser's tasks each, after the app had started, and traces showed the page's
# first frame (style and layout) run between the checks' answer and the alert sources'
# and the status wait for it; read here, they are read while the main thread mostly
# waits for the compile. The status, the headers (`Date`, `Content-Length`, which the
# app reads) and the bytes are the answer's own; the app bounds the answer as before.
# The bound keeps small what a hostile server could make the page hold before the
# app's own limits apply.
READ_AHEAD = """\
const READ_AHEAD_BYTES = 1 << 20;
const readAhead = (answer) => answer.then(async (r) => {
  if (!r.body || r.status === 204 || r.status === 205 || r.status === 304) return r;
  const reader = r.body.getReader();
  const chunks = [];
  let size = 0;
  let done = false;
  while (!done && size < READ_AHEAD_BYTES) {
    const step = await reader.read();
    done = step.done;
    if (!done) {
      chunks.push(step.value);
      size += step.value.byteLength;
    }
  }
  const body = new ReadableStream({
    async pull(controller) {
      if (chunks.length > 0) {
        controller.enqueue(chunks.shift());
        return;
      }
      const step = done ? { done } : await reader.read();
      if (step.done) controller.close();
      else controller.enqueue(step.value);
    },
    cancel: (why) => reader.cancel(why),
  });
  return new Response(body, { status: r.status, statusText: r.statusText, headers: r.headers });
});
"""

# Then, while the wasm downloads and compiles, fetch the default configuration, but
# only when the URL names no other (`?config=`): a `<link rel=preload>` fetched it for
# every URL, so `?config=other.yaml` loaded a file it never used and Chromium warned
# about it every few seconds. The app takes the answer from this slot
# (src/config_loader.rs) and asks for any other file itself.
PREFETCH_CONFIG = """\
if (!new URLSearchParams(location.search).has("config")) {
  const response = readAhead(fetch("panopticon.yaml"));
  response.catch(() => {}); // the app reports a failure; not an unhandled rejection
  window.__panopticonConfig = { path: "panopticon.yaml", response };
}
"""

# Then, with the wasm (preloaded by index.html) and the configuration already on
# their way, the first refresh's combined instant query as the last session sent it:
# the client remembers the exact request (URL, form body) in localStorage under the
# configuration's path after each answered one (client/src/prefetch.rs) and takes this
# answer only if the request it would send now is the very same, so a changed
# configuration ignores it. The query has no `time=`: Prometheus evaluates it when it
# arrives. Storage may be forbidden: then nothing is sent early.
PREFETCH_QUERY = """\
try {
  const config = (new URLSearchParams(location.search).get("config") ?? "").trim() || "panopticon.yaml";
  const saved = JSON.parse(localStorage.getItem("panopticon.firstQuery:" + config) ?? "null");
  if (saved && typeof saved.url === "string") {
    const body = typeof saved.body === "string" ? saved.body : null;
    const request = { headers: { Accept: "application/json" } };
    if (body !== null) {
      request.method = "POST";
      request.body = body;
      request.headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const sent = Date.now();
    const response = readAhead(fetch(saved.url, request));
    response.catch(() => {}); // the app asks again; not an unhandled rejection
    window.__panopticonQuery = { url: saved.url, body, sent, response };
  }
} catch (_) {
  // No storage, or an entry that is not ours: the app asks after it starts.
}
"""

# Then the alert sources' GETs the last session sent (Prometheus's rules, Alertmanager's
# alerts and silences; their URLs remembered by client/src/prefetch.rs): a refresh is
# judged once the checks and the alerts are answered, so the first status would otherwise
# wait for requests that leave only once the wasm runs. Each is taken by the first
# refresh's request of the same URL, or dropped.
PREFETCH_ALERTS = """\
try {
  const config = (new URLSearchParams(location.search).get("config") ?? "").trim() || "panopticon.yaml";
  const urls = JSON.parse(localStorage.getItem("panopticon.alertRequests:" + config) ?? "null");
  if (Array.isArray(urls)) {
    const early = {};
    for (const url of urls.slice(0, 4)) {
      if (typeof url !== "string") continue;
      const sent = Date.now();
      const response = readAhead(fetch(url, { headers: { Accept: "application/json" } }));
      response.catch(() => {}); // the app asks again; not an unhandled rejection
      early[url] = { sent, response };
    }
    window.__panopticonAlerts = early;
  }
} catch (_) {
  // No storage, or an entry that is not ours: the app asks after it starts.
}
"""

# Trunk writes one <link rel="stylesheet"> per `data-trunk rel="css"` file (seven of them).
STYLESHEET = re.compile(r'[ \t]*<link rel="stylesheet" href="\./(?P<name>[\w.-]+\.css)" integrity="[^"]*"\s*/?>\n?')
# Trunk's preloads of the glue and the wasm, written at the end of <head>.
PRELOADS = re.compile(r'[ \t]*<link rel="(?:modulepreload|preload)" href="\./panopticon-[^"]*"[^>]*>\n?')


def integrity_of(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def merge_stylesheets(html: str, staging: str) -> str:
    """One stylesheet instead of Trunk's seven, and the wasm's preload before it.

    Over HTTP/1.1 a browser opens six connections per origin: the boot script and seven
    stylesheets took them all, so the wasm (the longest download, and its compile) and
    the glue started only when a stylesheet was done, one more round trip per load (a
    whole +50 ms on a slow network). The files are joined in their order, so the cascade
    is the same; the wasm and the glue are announced first, before the stylesheet.
    """
    links = list(STYLESHEET.finditer(html))
    if len(links) < 2:
        return html
    parts = []
    for m in links:
        path = os.path.join(staging, m.group("name"))
        with open(path, encoding="utf-8") as f:
            text = f.read()
        parts.append(f"/* {m.group('name')} */\n{text.rstrip()}\n")
        os.remove(path)
    css = "".join(parts).encode()
    name = f"style-{hashlib.sha256(css).hexdigest()[:16]}.css"
    with open(os.path.join(staging, name), "wb") as f:
        f.write(css)
    preloads = "".join(m.group(0).strip() + "\n" for m in PRELOADS.finditer(html))
    html = PRELOADS.sub("", html)
    links = list(STYLESHEET.finditer(html))
    tag = f'{preloads}<link rel="stylesheet" href="./{name}" integrity="{integrity_of(css)}"/>\n'
    html = html[: links[0].start()] + tag + html[links[0].end() :]
    return STYLESHEET.sub(lambda m: m.group(0) if name in m.group(0) else "", html)


INLINE_MODULE = re.compile(
    r'<script type="module"(?P<attrs>[^>]*)>(?P<body>.*?)</script>', re.DOTALL
)


def main() -> int:
    staging = os.environ["TRUNK_STAGING_DIR"]
    source = os.environ.get("TRUNK_SOURCE_DIR", os.getcwd())
    index = os.path.join(staging, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()

    inline = [m for m in INLINE_MODULE.finditer(html) if "src=" not in m.group("attrs")]
    if len(inline) != 1:
        print(f"trunk_post_build: expected 1 inline loader script, found {len(inline)}", file=sys.stderr)
        return 1
    m = inline[0]
    # The early requests in a script of their own, a classic one before the loader and
    # every stylesheet: it runs as soon as it arrives (the parser waits for it; the
    # preload scanner has already asked for everything else). In the loader's module
    # they waited for the module's import of the glue and for every stylesheet (a module
    # script is deferred): on a +50 ms network the remembered query then came back after
    # the wasm had started, and the first status waited for it. Not `async`: Chromium ran
    # an async one over 50 ms after it had arrived in a trace, and in an e2e run after
    # the app had asked for the configuration itself (the file was fetched twice).
    # In a function of its own: a classic script's top-level names would be the page's.
    early = ("(() => {\n" + READ_AHEAD + PREFETCH_CONFIG + PREFETCH_QUERY + PREFETCH_ALERTS + "})();\n").encode()
    early_name = f"early-{hashlib.sha256(early).hexdigest()[:16]}.js"
    with open(os.path.join(staging, early_name), "wb") as f:
        f.write(early)
    early_tag = f'<script src="./{early_name}" integrity="{integrity_of(early)}"></script>\n'
    body = m.group("body").strip() + "\n"
    digest = hashlib.sha256(body.encode()).digest()
    name = f"boot-{digest.hex()[:16]}.js"
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(body)
    sri = integrity_of(body.encode())
    tag = f'<script type="module" src="./{name}" integrity="{sri}" crossorigin="anonymous"></script>'
    html = html[: m.start()] + early_tag + tag + html[m.end() :]
    html = merge_stylesheets(html, staging)
    if re.search(r"<script\b(?![^>]*\bsrc=)[^>]*>", html):
        print("trunk_post_build: an inline script remains in index.html", file=sys.stderr)
        return 1
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)

    default_config = os.path.join(source, "examples", "config", "reference-cluster.yaml")
    if os.path.exists(default_config):
        shutil.copyfile(default_config, os.path.join(staging, "panopticon.yaml"))
    brotli = shutil.which("brotli")
    if not brotli:
        print("trunk_post_build: no `brotli` on PATH (Debian package brotli): no .br copies", file=sys.stderr)
    for fn in sorted(os.listdir(staging)):
        if HASHED_ASSET.search(fn):
            path = os.path.join(staging, fn)
            with open(path, "rb") as f:
                data = f.read()
            # mtime=0: the same input gives the same bytes (reproducible bundle).
            with open(path + ".gz", "wb") as f:
                f.write(gzip.compress(data, compresslevel=9, mtime=0))
            if brotli:
                with open(path + ".br", "wb") as f:
                    subprocess.run([brotli, "-q", "11", "-c", path], stdout=f, check=True)
    for dirpath, dirnames, filenames in os.walk(staging):
        # nginx workers run as `nobody`: the bundle must be world-readable.
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
        for fn in filenames:
            os.chmod(os.path.join(dirpath, fn), 0o644)
    return 0


if __name__ == "__main__":
    sys.exit(main())
