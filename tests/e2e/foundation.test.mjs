// The foundation's promises, checked against real Prometheus + real nginx (shipped
// config) + real headless Chromium: the release bundle loads through nginx under its
// CSP and shows data it fetched through the proxy; the proxy is a read-only allow-list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  distDir, launchBrowser, makeSite, rawRequest, recordConsole, requireDist, startNginx, startPrometheus, waitFor,
} from './harness.mjs';

let prom;
let nginx;
let browser;
let otherOrigin; // a plain page server on loopback, reached as two different origins

function startPageServer() {
  return new Promise((resolve) => {
    const srv = http.createServer((_, res) => res.end('<p>another origin</p>'));
    srv.listen(0, '127.0.0.1', () => resolve({ port: srv.address().port, close: () => srv.close() }));
  });
}

before(async () => {
  requireDist();
  prom = await startPrometheus();
  otherOrigin = await startPageServer();
  nginx = await startNginx({
    prometheus: `127.0.0.1:${prom.port}`,
    cors: { origins: `^http://(allowed\\.example|localhost:${otherOrigin.port})$` },
    frameAncestors: "'self' http://grafana.example",
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await prom?.stop();
  otherOrigin?.close();
});

describe('the app in the browser', () => {
  test('loads through nginx and shows a value it fetched from Prometheus through the proxy', async () => {
    // What Prometheus itself says, asked directly (not through the app or the proxy).
    const direct = await waitFor('prometheus_build_info to be scraped', async () => {
      const r = await fetch(`${prom.url}/api/v1/query?query=prometheus_build_info`);
      const j = await r.json();
      return j.data.result[0]?.metric.version;
    });
    const page = await browser.newPage();
    const consoleLog = recordConsole(page);
    const proxied = [];
    page.on('request', (req) => { if (req.url().includes('/prometheus/')) proxied.push(req.url()); });
    await page.goto(`${nginx.url}/`);
    const el = page.locator('[data-testid="prometheus-version"]');
    await el.waitFor({ timeout: 20_000 });
    await waitFor('the version to render', async () => (await el.textContent()).includes(direct), { timeoutMs: 20_000 })
      .catch((e) => { throw new Error(`${e.message}\nconsole:\n${consoleLog.join('\n')}`); });
    assert.ok(proxied.length > 0, 'the app must query Prometheus through the same-origin proxy');
    assert.ok(proxied.every((u) => u.startsWith(`${nginx.url}/prometheus/api/v1/`)), proxied.join('\n'));
    const cspViolations = consoleLog.filter((m) => /Content Security Policy/i.test(m));
    assert.deepEqual(cspViolations, [], 'the shipped CSP must not block anything the app does');
    await page.close();
  });
});

describe('static files', () => {
  test('index.html is revalidated and carries the security headers', async () => {
    const res = await rawRequest(nginx.port, { path: '/' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-cache');
    const csp = res.headers['content-security-policy'];
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(csp, /frame-ancestors 'self' http:\/\/grafana\.example/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
  });

  test('hashed assets are cached for a year, served with the right type and gzipped', async () => {
    const index = (await rawRequest(nginx.port, { path: '/' })).body;
    const wasm = index.match(/href="\.\/([\w-]+_bg\.wasm)"/)?.[1];
    assert.ok(wasm, `no wasm link in index.html:\n${index}`);
    const res = await rawRequest(nginx.port, { path: `/${wasm}`, headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/wasm');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.match(res.headers['content-security-policy'], /default-src 'none'/);
  });

  test('hashed assets go out as the build\'s brotli or gzip copy, whichever the client takes', async () => {
    const index = (await rawRequest(nginx.port, { path: '/' })).body;
    const wasm = index.match(/href="\.\/([\w-]+_bg\.wasm)"/)?.[1];
    const file = (ext) => fs.readFileSync(path.join(distDir, wasm + ext));
    const cases = [
      ['br, gzip', 'br', file('.br')],
      ['gzip', 'gzip', file('.gz')],
      [undefined, undefined, file('')],
    ];
    for (const [accept, encoding, expected] of cases) {
      const res = await rawRequest(nginx.port, { path: `/${wasm}`, headers: accept ? { 'accept-encoding': accept } : {} });
      assert.equal(res.status, 200, `accept-encoding ${accept}`);
      assert.equal(res.headers['content-encoding'], encoding, `accept-encoding ${accept}`);
      assert.match(res.headers.vary ?? '', /Accept-Encoding/i, `accept-encoding ${accept}`);
      // Byte for byte the file the build wrote: nginx compressed nothing itself.
      assert.ok(res.bytes.equals(expected), `accept-encoding ${accept}: ${res.bytes.length} bytes, the file has ${expected.length}`);
    }
    // The copies really are the wasm, and brotli really is smaller.
    assert.ok(zlib.brotliDecompressSync(file('.br')).equals(file('')));
    assert.ok(zlib.gunzipSync(file('.gz')).equals(file('')));
    assert.ok(file('.br').length < file('.gz').length);
  });

  test('every Trunk hash length counts as hashed (Trunk drops leading zeros), and nothing else does', async () => {
    // Trunk names assets <name>-<hash as hex>: usually 16 digits, fewer when the hash
    // starts with zeros. Those must be cached for a year too; other names never.
    const names = {
      'probe-0123456789abcdef.js': 'public, max-age=31536000, immutable', // 16 digits
      'probe-123456789abcdef_bg.wasm': 'public, max-age=31536000, immutable', // 15
      'probe-3456789abcdef.css': 'public, max-age=31536000, immutable', // 13
      'probe-1.js': 'no-cache', // a version number, not a hash
      'probe-ghijklmnopqrstuv.js': 'no-cache', // not hex
    };
    const site = makeSite(Object.fromEntries(Object.keys(names).map((n) => [n, `// ${n}\n`])));
    const own = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
    try {
      for (const [name, cache] of Object.entries(names)) {
        const res = await rawRequest(own.port, { path: `/${name}` });
        assert.equal(res.status, 200, name);
        assert.equal(res.headers['cache-control'], cache, name);
      }
    } finally {
      await own.stop();
      site.remove();
    }
  });

  test('the configuration file is served and revalidated', async () => {
    const res = await rawRequest(nginx.port, { path: '/panopticon.yaml' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.match(res.headers['content-type'], /^text\/yaml/);
  });
});

describe('the Prometheus proxy is a read-only allow-list', () => {
  const allowed = [
    ['GET', '/prometheus/api/v1/query?query=up'],
    ['POST', '/prometheus/api/v1/query', 'query=up'],
    ['GET', '/prometheus/api/v1/query_range?query=up&start=0&end=60&step=15'],
    ['POST', '/prometheus/api/v1/query_range', 'query=up&start=0&end=60&step=15'],
    ['GET', '/prometheus/api/v1/series?match[]=up'],
    ['GET', '/prometheus/api/v1/labels'],
    ['GET', '/prometheus/api/v1/label/job/values'],
    ['GET', '/prometheus/api/v1/label/__name__/values'],
    ['GET', '/prometheus/api/v1/status/buildinfo'],
  ];
  for (const [method, p, body] of allowed) {
    test(`${method} ${p} reaches Prometheus`, async () => {
      const headers = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
      const res = await rawRequest(nginx.port, { method, path: p, headers, body });
      assert.equal(res.status, 200, res.body);
      assert.equal(JSON.parse(res.body).status, 'success');
      assert.equal(res.headers['access-control-allow-origin'], undefined, "Prometheus's own CORS header is hidden");
    });
  }

  // Each of these works when sent to Prometheus directly (it runs with the admin and
  // lifecycle APIs on), so a refusal here is the proxy's doing.
  const refused = [
    ['POST', '/prometheus/api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/admin/tsdb/delete_series?match[]=up'],
    ['POST', '/prometheus/api/v1/admin/tsdb/clean_tombstones'],
    ['POST', '/prometheus/-/reload'],
    ['POST', '/prometheus/-/quit'],
    ['POST', '/prometheus/api/v1/write'],
    ['GET', '/prometheus/federate?match[]=up'],
    ['GET', '/prometheus/graph'],
    ['GET', '/prometheus/metrics'],
    ['GET', '/prometheus/api/v1/targets'],
    ['GET', '/prometheus/api/v1/status/config'],
    ['GET', '/prometheus/api/v1/status/flags'],
    ['GET', '/prometheus/api/v1/query/../admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query/%2e%2e/admin/tsdb/snapshot'],
    ['GET', '/prometheus/api/v1/label/job/values/../../../status/config'],
    ['DELETE', '/prometheus/api/v1/query?query=up'],
    ['PUT', '/prometheus/api/v1/query?query=up'],
  ];
  for (const [method, p] of refused) {
    test(`${method} ${p} is refused`, async () => {
      const res = await rawRequest(nginx.port, { method, path: p });
      assert.ok([403, 404].includes(res.status), `${method} ${p} answered ${res.status}: ${res.body.slice(0, 200)}`);
    });
  }

  test('the refused admin call really is possible on Prometheus itself (the test is meaningful)', async () => {
    const res = await rawRequest(prom.port, { method: 'GET', path: '/api/v1/status/flags' });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).data['web.enable-admin-api'], 'true');
  });
});

describe('the CORS variant of the proxy', () => {
  test('answers a preflight from an allowed origin without Prometheus', async () => {
    const res = await rawRequest(nginx.corsPort, {
      method: 'OPTIONS',
      path: '/prometheus/api/v1/query',
      headers: { origin: 'http://allowed.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'http://allowed.example');
    assert.match(res.headers['access-control-allow-methods'], /POST/);
    assert.match(res.headers['access-control-allow-headers'], /Authorization/);
  });

  test('sends CORS headers to allowed origins only', async () => {
    const ok = await rawRequest(nginx.corsPort, { path: '/prometheus/api/v1/query?query=up', headers: { origin: 'http://allowed.example' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'http://allowed.example');
    const other = await rawRequest(nginx.corsPort, { path: '/prometheus/api/v1/query?query=up', headers: { origin: 'http://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const prefix = await rawRequest(nginx.corsPort, { path: '/prometheus/api/v1/query?query=up', headers: { origin: 'http://allowed.example.evil.example' } });
    assert.equal(prefix.headers['access-control-allow-origin'], undefined);
  });

  test('applies the same allow-list', async () => {
    const res = await rawRequest(nginx.corsPort, { method: 'POST', path: '/prometheus/api/v1/admin/tsdb/snapshot', headers: { origin: 'http://allowed.example' } });
    assert.equal(res.status, 403);
    const ui = await rawRequest(nginx.corsPort, { path: '/' });
    assert.equal(ui.status, 404, 'the CORS proxy serves no files');
  });

  test('lets a page on an allowed origin query Prometheus from the browser, and no other', async () => {
    // Pages on loopback but on other origins than the proxy's: the browser enforces CORS
    // for real. `localhost:P` is allowed, `127.0.0.1:P` (same server, other origin) is not.
    const page = await browser.newPage();
    const query = (u) => fetch(u, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer x' },
      body: 'query=up',
    }).then((r) => r.json()).then((j) => j.status, (e) => `blocked: ${e.message}`);
    await page.goto(`http://localhost:${otherOrigin.port}/`);
    assert.equal(await page.evaluate(query, `${nginx.corsUrl}/prometheus/api/v1/query`), 'success');
    await page.goto(`http://127.0.0.1:${otherOrigin.port}/`);
    assert.match(await page.evaluate(query, `${nginx.corsUrl}/prometheus/api/v1/query`), /^blocked/);
    await page.close();
  });
});
