// Messages name the right source (issue 15 follow-ups): two sources, `main` (Prometheus, the
// default) and `thanos-eu` (Thanos), each a small scripted upstream behind the shipped nginx
// (/prometheus and /sources/thanos/) whose answers this test dates and shapes: current, dated
// ten minutes ahead (a skewed clock), ten minutes behind, partial (Thanos's `warnings`), or no
// answer at all (nginx's 502). A skewed second source is unknown saying which source; the
// default source's service stays green and there is no outage; a partial answer says
// "partial answer" on its box and its warning under the source's name; a graph on the failing
// second source names it ("thanos-eu (Thanos) answered HTTP 502 ..."), never "Prometheus".
// Screenshots of the warnings panel at 400x300, 1920x1080 and 3840x2160 go to the directory
// PANOPTICON_SCREENSHOTS names, when it is set.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, makeSite, recordConsole, showWithPage, startNginx, suiteParts, untilSeen,
} from './harness.mjs';

const CONFIG = `
datasources:
  - name: main
    base_url: /prometheus
    refresh_secs: 1
    stale_after_secs: 30
    timeout_secs: 2
  - name: thanos-eu
    kind: thanos
    base_url: /sources/thanos
    stale_after_secs: 120
    timeout_secs: 2
services:
  - id: local
    name: Local
    checks:
      - { id: up, query: 'max(up)', instances: 1, rule: { kind: equals, expected: 1, otherwise: critical } }
  - id: eu
    name: EU
    source: thanos-eu
    checks:
      - { id: up, query: 'max(up)', instances: 1, rule: { kind: equals, expected: 1, otherwise: critical } }
views:
  - id: overview
    graphs:
      - title: up, Thanos
        query: 'sum(up)'
        source: thanos-eu
`;

const WARNING = 'No StoreAPIs matched for this query';

/**
 * A Prometheus-compatible upstream whose answers are scripted: `mode` is `ok`, `partial`
 * (Thanos's 200 with `warnings`) or `down` (the connection dropped: nginx answers 502);
 * `skew` (seconds) dates every sample ahead (or, negative, behind) of the real time.
 */
async function startScripted() {
  const state = { mode: 'ok', skew: 0 };
  const server = http.createServer((req, res) => {
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url, 'http://upstream');
    const now = Date.now() / 1000 + state.skew;
    const send = (doc) => {
      const text = JSON.stringify(doc);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const warnings = state.mode === 'partial' ? { warnings: [WARNING] } : {};
    if (url.pathname === '/api/v1/query') {
      send({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [now, '1'] }] }, ...warnings });
    } else if (url.pathname === '/api/v1/query_range') {
      const values = Array.from({ length: 30 }, (_, i) => [Math.round(now) - 290 + i * 10, '1']);
      send({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values }] }, ...warnings });
    } else if (url.pathname === '/api/v1/status/buildinfo') {
      send({ status: 'success', data: { version: '0.32.5' } });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found\n');
    }
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const { port } = server.address();
  return {
    state,
    address: `127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

const parts = suiteParts();
let main;
let eu;
let nginx;
let browser;

before(async () => {
  main = await parts.start(startScripted());
  eu = await parts.start(startScripted());
  const site = makeSite({ 'panopticon.yaml': CONFIG });
  parts.keep(async () => site.remove());
  nginx = await parts.start(startNginx({
    prometheus: main.address,
    root: site.dir,
    sources: [{ name: 'thanos', upstream: eu.address }],
  }));
  browser = await launchBrowser();
  parts.keep(() => browser.close());
});

after(() => parts.stopAll());

function look(page) {
  return page.evaluate(() => {
    const node = (id) => document.querySelector(`[data-service="${id}"]`);
    const warnings = document.querySelector('[data-testid="prometheus-warnings"]');
    return {
      cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
      local: node('local')?.dataset.ownStatus,
      eu: node('eu')?.dataset.ownStatus,
      euBox: node('eu')?.textContent ?? '',
      sourceError: document.querySelector('[data-testid="source-error"]')?.textContent ?? null,
      euState: document.querySelector('[data-testid="source-state"][data-source="thanos-eu"]')?.dataset.sourceState,
      warnings: warnings ? { text: warnings.textContent, title: warnings.title, height: warnings.getBoundingClientRect().height } : null,
      graphErrors: [...document.querySelectorAll('[data-testid="graph-error"]')].map((e) => e.textContent),
      text: document.body.textContent,
    };
  });
}

function until(page, what, wanted, log) {
  return untilSeen(what, () => look(page), wanted, { log, timeoutMs: 30_000, show: showWithPage });
}

/** Green again: both upstreams current and complete. */
async function allGreen(page, log) {
  main.state.skew = 0;
  eu.state.skew = 0;
  eu.state.mode = 'ok';
  return until(page, 'both services green', (s) => s.local === 'healthy' && s.eu === 'healthy' && s.cluster === 'healthy', log);
}

async function screenshots(page, name) {
  if (!process.env.PANOPTICON_SCREENSHOTS) return;
  const dir = process.env.PANOPTICON_SCREENSHOTS;
  fs.mkdirSync(dir, { recursive: true });
  for (const [width, height] of [[400, 300], [1920, 1080], [3840, 2160]]) {
    await page.setViewportSize({ width, height });
    await new Promise((resolve) => { setTimeout(resolve, 1_500); });
    await page.screenshot({ path: path.join(dir, `${name}-${width}x${height}.png`) });
  }
  await page.setViewportSize({ width: 1920, height: 1080 });
}

describe('messages name the source', () => {
  test('a second source with a skewed clock is unknown naming it; the default source stays green', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    try {
      await page.goto(`${nginx.url}/`);
      await allGreen(page, log);

      eu.state.skew = 600;
      const ahead = await until(page, 'eu unknown, dated in the future', (s) => s.eu === 'unknown'
        && s.text.includes('sample from thanos-eu dated 600 s in the future (clock skew?)'), log);
      assert.equal(ahead.local, 'healthy');
      assert.equal(ahead.sourceError, null, 'a second source\'s clock is no outage');

      eu.state.skew = -600;
      const behind = await until(page, 'eu unknown, stale', (s) => s.eu === 'unknown'
        && /stale: last sample from thanos-eu 60\d s old \(limit 120 s\)/.test(s.text), log);
      assert.equal(behind.local, 'healthy');
      assert.equal(behind.sourceError, null);
      await allGreen(page, log);
    } finally {
      await page.close();
    }
  });

  test('a partial answer says so on its box and under its source\'s name; a failing second source is named', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    try {
      await page.goto(`${nginx.url}/`);
      await allGreen(page, log);

      eu.state.mode = 'partial';
      const partial = await until(page, 'eu unknown, partial, the warning shown', (s) => s.eu === 'unknown'
        && s.euState === 'partial' && s.warnings !== null, log);
      assert.ok(partial.text.includes(`partial answer from thanos-eu: ${WARNING}`), partial.text.slice(0, 800));
      assert.ok(partial.euBox.includes('partial answer'), partial.euBox);
      assert.ok(!partial.euBox.includes('no usable data'), partial.euBox);
      assert.ok(partial.warnings.text.startsWith('The data sources say: '), partial.warnings.text);
      assert.ok(partial.warnings.text.includes(`thanos-eu: ${WARNING}`), partial.warnings.text);
      assert.ok(!partial.warnings.text.includes('Prometheus says'), partial.warnings.text);
      assert.ok(partial.warnings.title.includes(WARNING), partial.warnings.title);
      assert.equal(partial.local, 'healthy');
      await screenshots(page, 'source-messages-thanos-warning');
      // At a Grafana panel's size the panel is one line: the banner stays in view.
      await page.setViewportSize({ width: 400, height: 300 });
      const small = await until(page, 'the warnings panel at 400x300', (s) => s.warnings !== null, log);
      assert.ok(small.warnings.height <= 40, `warnings panel ${small.warnings.height} px high at 400x300`);
      await page.setViewportSize({ width: 1920, height: 1080 });

      eu.state.mode = 'down';
      const down = await until(page, 'eu unknown, its graph failing, named', (s) => s.eu === 'unknown'
        && s.euState === 'down' && s.graphErrors.length > 0, log);
      assert.deepEqual(down.graphErrors,
        ['thanos-eu (Thanos) answered HTTP 502 Bad Gateway (the proxy could not reach it)']);
      assert.ok(down.text.includes('query to thanos-eu failed: Thanos answered HTTP 502 Bad Gateway'),
        down.text.slice(0, 800));
      assert.ok(!/Prometheus answered/.test(down.text), down.text.slice(0, 800));
      assert.equal(down.local, 'healthy');
      assert.equal(down.sourceError, null);
      await allGreen(page, log);
    } finally {
      await page.close();
    }
  });
});
