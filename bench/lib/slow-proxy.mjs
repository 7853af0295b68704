// A forwarding HTTP proxy between nginx and Prometheus that can hold chosen queries
// back: the "artificially slow query" of the latency figures. It sits behind nginx, so
// the browser sees a real slow upstream (real sockets, real Resource Timing), not a
// request paused inside the browser. In front of nginx it holds back every request of
// the page (a slow server or network); there it can also speak TLS with HTTP/2.
import fs from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';

import { freePort } from '../../tests/e2e/harness.mjs';

/** The PromQL expression of a Prometheus API request (GET query string or POST form). */
export function expressionOf(pathAndQuery, body = '') {
  const url = new URL(pathAndQuery, 'http://x');
  const fromQuery = url.searchParams.get('query');
  if (fromQuery !== null) return fromQuery;
  return new URLSearchParams(body).get('query');
}

/**
 * Headers of an HTTP/2 request or answer as HTTP/1.1 takes them and back: without the
 * pseudo-headers (`:path`, …) and the connection-specific ones HTTP/2 forbids.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);
export function forwardable(headers) {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(':') && !HOP_BY_HOP.has(k.toLowerCase())));
}

/**
 * Starts the proxy on a free 127.0.0.1 port in front of `upstream` (`host:port`, plain
 * HTTP/1.1). `delayFor(expr, path)` returns the milliseconds to hold a request back (0:
 * none); change it at any time with `setDelay`. Every request is forwarded unchanged.
 * `tls` (`{ cert, key }`, PEM file paths): the proxy itself answers over TLS, HTTP/2 or
 * HTTP/1.1 as the client chooses (ALPN), and `url` is https.
 */
export async function startSlowProxy(upstream, { tls } = {}) {
  const [host, port] = upstream.split(':');
  let delayFor = () => 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const handle = (req, res) => {
    const h2 = req.httpVersionMajor === 2;
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expr = expressionOf(req.url, body.toString('utf8'));
      const ms = Math.max(0, Number(delayFor(expr, req.url)) || 0);
      const forward = () => {
        const headers = h2 ? { ...forwardable(req.headers), host: req.headers[':authority'] } : req.headers;
        const up = http.request({
          host, port: Number(port), method: req.method, path: req.url, headers, agent, timeout: 30_000,
        }, (upRes) => {
          res.writeHead(upRes.statusCode, h2 ? forwardable(upRes.headers) : upRes.headers);
          upRes.pipe(res);
        });
        up.on('timeout', () => up.destroy(new Error('upstream timeout')));
        up.on('error', (e) => {
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(`slow proxy: ${e.message}\n`);
        });
        up.end(body);
      };
      if (ms > 0) setTimeout(forward, ms); else forward();
    });
  };
  const server = tls
    ? http2.createSecureServer({ cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key), allowHTTP1: true }, handle)
    : http.createServer(handle);
  const sessions = new Set();
  server.on('session', (s) => { sessions.add(s); s.on('close', () => sessions.delete(s)); });
  const listenPort = await freePort();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  return {
    address: `127.0.0.1:${listenPort}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${listenPort}`,
    setDelay(fn) { delayFor = fn; },
    async stop() {
      agent.destroy();
      for (const s of sessions) s.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
