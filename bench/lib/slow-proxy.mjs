// A forwarding HTTP proxy between nginx and Prometheus that can hold chosen queries
// back: the "artificially slow query" of the latency figures. It sits behind nginx, so
// the browser sees a real slow upstream (real sockets, real Resource Timing), not a
// request paused inside the browser.
import http from 'node:http';

import { freePort } from '../../tests/e2e/harness.mjs';

/** The PromQL expression of a Prometheus API request (GET query string or POST form). */
export function expressionOf(pathAndQuery, body = '') {
  const url = new URL(pathAndQuery, 'http://x');
  const fromQuery = url.searchParams.get('query');
  if (fromQuery !== null) return fromQuery;
  return new URLSearchParams(body).get('query');
}

/**
 * Starts the proxy on a free 127.0.0.1 port in front of `upstream` (`host:port`).
 * `delayFor(expr, path)` returns the milliseconds to hold a request back (0: none);
 * change it at any time with `setDelay`. Every request is forwarded unchanged.
 */
export async function startSlowProxy(upstream) {
  const [host, port] = upstream.split(':');
  let delayFor = () => 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expr = expressionOf(req.url, body.toString('utf8'));
      const ms = Math.max(0, Number(delayFor(expr, req.url)) || 0);
      const forward = () => {
        const up = http.request({
          host, port: Number(port), method: req.method, path: req.url, headers: req.headers, agent, timeout: 30_000,
        }, (upRes) => {
          res.writeHead(upRes.statusCode, upRes.headers);
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
  });
  const listenPort = await freePort();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', resolve);
  });
  return {
    address: `127.0.0.1:${listenPort}`,
    setDelay(fn) { delayFor = fn; },
    async stop() {
      agent.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
