// The shipped nginx's optional TLS listener (PANOPTICON_TLS_CERT / _KEY): the same
// dashboard, headers and Prometheus allow-list as the plain listener, over HTTP/2. A
// throwaway self-signed certificate is made with openssl for each run (the harness's
// `tls` option); Chromium trusts exactly that key (--ignore-certificate-errors-spki-list).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';

import { rawRequest, recordConsole, referenceConfig, startNginx, startStack } from './harness.mjs';

let parts;
let nginx;
let browser;

before(async () => {
  parts = await startStack({ tls: true, files: { 'panopticon.yaml': referenceConfig() } });
  ({ nginx, browser } = parts);
});

after(async () => {
  await parts?.stop();
});

/**
 * Loads `url` in a fresh context until the banner shows the healthy cluster (a status from
 * data; before Prometheus has scraped every target it may briefly show another one);
 * returns it, the protocol of every response (CDP Network.responseReceived) and the console.
 */
async function loadDashboard(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const log = recordConsole(page);
  const cdp = await context.newCDPSession(page);
  const responses = [];
  cdp.on('Network.responseReceived', (e) => {
    responses.push({ url: e.response.url, status: e.response.status, protocol: e.response.protocol });
  });
  await cdp.send('Network.enable');
  try {
    await page.goto(url, { timeout: 30_000 });
    const status = page.locator('[data-testid="cluster-status"]');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-testid="cluster-status"]')?.getAttribute('data-status');
      return s === 'healthy';
    }, null, { timeout: 30_000, polling: 100 }).catch((e) => {
      throw new Error(`${e.message}\nconsole:\n${log.join('\n')}`);
    });
    return { status: await status.getAttribute('data-status'), responses, log, protocol: await page.evaluate(() => location.protocol) };
  } finally {
    await context.close();
  }
}

/** One HTTP/2 request to the TLS listener, trusting only the throwaway certificate. */
function h2Request(path, { method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(nginx.tlsUrl, { ca: fs.readFileSync(nginx.cert.cert) });
    session.on('error', reject);
    const req = session.request({ ':method': method, ':path': path });
    const chunks = [];
    let headers;
    req.on('response', (h) => { headers = h; });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      session.close();
      resolve({ status: headers[':status'], headers, body: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the TLS listener', () => {
  test('serves the dashboard over HTTP/2: the first status appears, every request went over h2', async () => {
    const r = await loadDashboard(`${nginx.tlsUrl}/`);
    assert.equal(r.protocol, 'https:');
    assert.equal(r.status, 'healthy', 'the simulated cluster is healthy');
    const api = r.responses.filter((x) => x.url.includes('/prometheus/api/v1/'));
    assert.ok(api.length > 0, 'the page asked Prometheus through the proxy');
    assert.ok(api.some((x) => x.status === 200), `no successful query: ${JSON.stringify(api.slice(0, 5))}`);
    assert.ok(r.responses.some((x) => x.url.endsWith('.wasm')), 'the wasm was loaded');
    const notH2 = r.responses.filter((x) => x.url.startsWith(nginx.tlsUrl) && x.protocol !== 'h2');
    assert.deepEqual(notH2, [], 'every response of the TLS listener must be HTTP/2');
    assert.deepEqual(r.log.filter((m) => /Content Security Policy|Mixed Content/i.test(m)), [],
      'the CSP must not block anything over https');
  });

  test('sends the same security headers as the plain listener, and no HSTS unless asked', async () => {
    const [tls, plain] = [await h2Request('/'), await rawRequest(nginx.port, { path: '/' })];
    assert.equal(tls.status, 200);
    for (const h of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'permissions-policy', 'cache-control']) {
      assert.ok(plain.headers[h], `plain listener sends ${h}`);
      assert.equal(tls.headers[h], plain.headers[h], h);
    }
    assert.equal(tls.headers['strict-transport-security'], undefined);
    assert.equal(plain.headers['strict-transport-security'], undefined);
    const missing = await h2Request('/no-such-file');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-security-policy'], plain.headers['content-security-policy']);
  });

  test('proxies only the read-only allow-list, as the plain listener does', async () => {
    const query = await h2Request('/prometheus/api/v1/query?query=up');
    assert.equal(query.status, 200);
    assert.equal(JSON.parse(query.body).status, 'success');
    for (const [method, path] of [
      ['POST', '/prometheus/api/v1/admin/tsdb/snapshot'],
      ['GET', '/prometheus/api/v1/targets'],
      ['GET', '/prometheus/graph'],
      ['DELETE', '/prometheus/api/v1/query'],
    ]) {
      const r = await h2Request(path, { method });
      assert.equal(r.status, 403, `${method} ${path}`);
    }
  });

  test('with PANOPTICON_TLS_HSTS, Strict-Transport-Security goes out over TLS only', async () => {
    const hsts = await startNginx({
      prometheus: `127.0.0.1:${parts.prom.port}`, root: parts.site.dir, tls: true, env: { PANOPTICON_TLS_HSTS: 'max-age=600' },
    });
    try {
      const tls = await new Promise((resolve, reject) => {
        const session = http2.connect(hsts.tlsUrl, { ca: fs.readFileSync(hsts.cert.cert) });
        session.on('error', reject);
        const req = session.request({ ':path': '/no-such-file' });
        req.on('response', (h) => { req.close(); session.close(); resolve(h); });
        req.on('error', reject);
        req.end();
      });
      assert.equal(tls['strict-transport-security'], 'max-age=600');
      const plain = await rawRequest(hsts.port, { path: '/' });
      assert.equal(plain.status, 200);
      assert.equal(plain.headers['strict-transport-security'], undefined);
    } finally {
      await hsts.stop();
    }
  });
});

describe('the plain listener beside it', () => {
  test('still serves the dashboard over HTTP/1.1', async () => {
    const r = await loadDashboard(`${nginx.url}/`);
    assert.equal(r.protocol, 'http:');
    assert.equal(r.status, 'healthy');
    const ours = r.responses.filter((x) => x.url.startsWith(nginx.url));
    assert.ok(ours.length > 0);
    assert.ok(ours.every((x) => x.protocol === 'http/1.1'), JSON.stringify(ours.map((x) => x.protocol)));
  });
});
