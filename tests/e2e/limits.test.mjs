// Load on the source: the proxy's per-client rate limit (PANOPTICON_RATE_LIMIT /
// PANOPTICON_RATE_BURST in deploy/nginx/render.sh), against real nginx with the shipped
// templates, real Prometheus and the release bundle in headless Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  distDir, launchBrowser, rawRequest, recordConsole, repoRoot, requireDist, startNginx, startPrometheus,
} from './harness.mjs';

let prom;
let browser;

before(async () => {
  requireDist();
  prom = await startPrometheus();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await prom?.stop();
});

/** nginx with a limit so small that one request uses it up for a minute. */
const tiny = { PANOPTICON_RATE_LIMIT: '1r/m', PANOPTICON_RATE_BURST: '0' };

describe('the per-client rate limit of the Prometheus proxy', () => {
  test('the default lets a wall screen\'s refresh through: 60 queries at once, twice', async () => {
    const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}` });
    try {
      for (let round = 0; round < 2; round += 1) {
        const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => rawRequest(nginx.port, {
          path: `/prometheus/api/v1/query?query=up%20%2B%20${i}`,
        })));
        assert.deepEqual([...new Set(answers.map((a) => a.status))], [200], `round ${round}`);
      }
    } finally {
      await nginx.stop();
    }
  });

  test('beyond the limit the proxy answers 429 with a plain reason; static files are not limited', async () => {
    const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, env: tiny });
    try {
      const first = await rawRequest(nginx.port, { path: '/prometheus/api/v1/query?query=up' });
      assert.equal(first.status, 200);
      for (const [method, p, body] of [
        ['GET', '/prometheus/api/v1/query?query=up'],
        ['POST', '/prometheus/api/v1/query_range', 'query=up&start=0&end=60&step=15'],
        ['GET', '/prometheus/api/v1/status/buildinfo'],
      ]) {
        const headers = body ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
        const res = await rawRequest(nginx.port, { method, path: p, headers, body });
        assert.equal(res.status, 429, `${method} ${p}`);
        assert.match(res.headers['content-type'], /^text\/plain/);
        assert.match(res.body, /too many requests .* \(limit 1r\/m, burst 0: PANOPTICON_RATE_LIMIT\)/);
        assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/, 'the security headers stay');
      }
      // Static files are not limited: the dashboard itself still loads.
      assert.equal((await rawRequest(nginx.port, { path: '/' })).status, 200);
      assert.equal((await rawRequest(nginx.port, { path: '/panopticon.yaml' })).status, 200);
    } finally {
      await nginx.stop();
    }
  });

  test('the dashboard shows the 429 as a data-source error, not a crash or a blank page', async () => {
    const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, env: tiny });
    const page = await browser.newPage();
    const consoleLog = recordConsole(page);
    try {
      // Use up the one request of this minute, so every query of the page is refused.
      assert.equal((await rawRequest(nginx.port, { path: '/prometheus/api/v1/query?query=up' })).status, 200);
      const refused = [];
      page.on('response', (r) => { if (r.status() === 429) refused.push(r.url()); });
      await page.goto(`${nginx.url}/`);
      const alert = page.locator('[data-testid="source-error"]');
      await alert.waitFor({ timeout: 20_000 })
        .catch((e) => { throw new Error(`${e.message}\nconsole:\n${consoleLog.join('\n')}`); });
      assert.match(await alert.innerText(), /429|too many requests/i);
      assert.ok(refused.length > 0, 'the page was answered 429');
      assert.equal(await page.locator('[data-testid="cluster-status"]').count(), 1, 'the dashboard is on screen');
      assert.notEqual(await page.locator('[data-testid="cluster-status"]').getAttribute('data-status'), 'healthy');
      assert.deepEqual(consoleLog.filter((m) => m.startsWith('pageerror') || /panicked/.test(m)), []);
    } finally {
      await page.close();
      await nginx.stop();
    }
  });

  test('PANOPTICON_RATE_LIMIT=off ships no limit; a malformed value is refused by render.sh', async () => {
    const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, env: { PANOPTICON_RATE_LIMIT: 'off' } });
    try {
      const answers = await Promise.all(Array.from({ length: 300 }, () => rawRequest(nginx.port, { path: '/prometheus/api/v1/labels' })));
      assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    } finally {
      await nginx.stop();
    }
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-render-'));
    try {
      assert.throws(() => execFileSync(path.join(repoRoot, 'deploy/nginx/render.sh'), [out], {
        env: { ...process.env, PANOPTICON_ROOT: distDir, PANOPTICON_RATE_LIMIT: '50 per second' }, stdio: 'pipe',
      }), /PANOPTICON_RATE_LIMIT must be/);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
