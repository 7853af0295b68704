// The foundation's promises, checked against real Prometheus + real nginx (shipped
// config) + real headless Chromium: the release bundle loads through nginx under its
// CSP and shows data it fetched through the proxy; static files are cached as they
// should be, errors never are, and no address shows a blank page. The proxy's
// allow-list and its CORS variant: proxy.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  distDir, launchBrowser, makeSite, rawRequest, recordConsole, requireDist, startNginx, startPrometheus, waitFor,
} from './harness.mjs';

let prom;
let nginx;
let browser;

before(async () => {
  requireDist();
  prom = await startPrometheus();
  nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, frameAncestors: "'self' http://grafana.example" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await prom?.stop();
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

describe('errors are never cached long (issue 12, row 9)', () => {
  test('a hashed asset name that does not exist is a 404 with no-store, not immutable for a year', async () => {
    for (const p of ['/panopticon-0123456789abcdef_bg.wasm', '/boot-123456789abcdef.js', '/deep/main-0123456789abcdef.css']) {
      const res = await rawRequest(nginx.port, { path: p, headers: { 'accept-encoding': 'br, gzip' } });
      assert.equal(res.status, 404, p);
      assert.equal(res.headers['cache-control'], 'no-store', p);
      assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/, p);
    }
  });

  test('a conditional request for a hashed asset (304) keeps its year-long cache', async () => {
    const index = (await rawRequest(nginx.port, { path: '/' })).body;
    const css = index.match(/href="\.\/([\w-]+\.css)"/)?.[1];
    const first = await rawRequest(nginx.port, { path: `/${css}` });
    const again = await rawRequest(nginx.port, { path: `/${css}`, headers: { 'if-modified-since': first.headers['last-modified'] } });
    assert.equal(again.status, 304);
    assert.equal(again.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('a browser that saw an asset missing (a deploy half copied) loads it once it exists', async () => {
    // The deploy: index.html already points at a new hashed file that is not there yet.
    const name = 'late-0123456789abcdef.js';
    const site = makeSite();
    const own = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const missing = await page.goto(`${own.url}/${name}`);
      assert.equal(missing.status(), 404);
      fs.writeFileSync(path.join(site.dir, name), '// the asset, now deployed\n', { mode: 0o644 });
      // The same browser, the same cache: it must ask again, not replay the 404.
      const deployed = await page.goto(`${own.url}/${name}`);
      assert.equal(deployed.status(), 200, 'the 404 was served from the browser cache');
      assert.match(await deployed.text(), /now deployed/);
    } finally {
      await context.close();
      await own.stop();
      site.remove();
    }
  });
});

describe('no address shows a blank page (issue 12, row 10)', () => {
  for (const p of ['/nonexistent/deep/', '/index.html/x', '/nonexistent/deep/?view=overview', '/examples/', '/nonexistent']) {
    test(`${p} is a readable 404 page or the dashboard`, async () => {
      const page = await browser.newPage();
      const consoleLog = recordConsole(page);
      try {
        const res = await page.goto(`${nginx.url}${p}`);
        if (res.status() === 200) {
          await page.locator('[data-testid="cluster-status"]').waitFor({ timeout: 20_000 })
            .catch((e) => { throw new Error(`200 without the dashboard: ${e.message}\nconsole:\n${consoleLog.join('\n')}`); });
        } else {
          assert.equal(res.status(), 404);
          assert.equal(res.headers()['cache-control'], 'no-store');
          const text = (await page.locator('body').innerText()).trim();
          assert.match(text, /404 Not Found/);
          assert.equal(await page.locator('a[href="/"]').count(), 1, 'a link to the dashboard');
        }
        const cspViolations = consoleLog.filter((m) => /Content Security Policy/i.test(m));
        assert.deepEqual(cspViolations, []);
      } finally {
        await page.close();
      }
    });
  }

  test('the dashboard itself is still served at / and /index.html (with its query string)', async () => {
    for (const p of ['/', '/index.html', '/?view=overview']) {
      const res = await rawRequest(nginx.port, { path: p });
      assert.equal(res.status, 200, p);
      assert.match(res.body, /<title>Panopticon<\/title>/, p);
      assert.equal(res.headers['cache-control'], 'no-cache', p);
    }
  });
});
