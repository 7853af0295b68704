// Requests of a fleet (issue 15: "requests per refresh = distinct (source, query) pairs"):
// two clusters on ONE source (a fleet by a variable's values) with Prometheus's alerting
// rules and an Alertmanager, both shared by every cluster, and a check both clusters ask
// of a second, shared source (a "global" view of the same Prometheus). Counted at the
// browser: each refresh asks each distinct (source, query) pair once, and the shared rules,
// alerts and global check once, not once per cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordConsole, startStack, waitFor } from './harness.mjs';

const CONFIG = `
datasources:
  - name: main
    base_url: /prometheus
    refresh_secs: 2
    timeout_secs: 2
    stale_after_secs: 30
  - name: global
    base_url: /prometheus
    timeout_secs: 2
alertmanager: {}
alerts: { prometheus: true }
variables:
  - name: job
    values: [consul, node]
services:
  - id: up
    name: Exporters up
    checks:
      - id: up
        query: 'up{job="$job"}'
        instances: 4
        rule: { kind: equals, expected: 1, otherwise: critical }
  - id: scrapes
    name: Scrapes
    source: global
    checks:
      - id: scrapes
        query: 'count(up) > 0'
        rule: { kind: equals, expected: 1, otherwise: critical }
clusters: { variable: job }
`;

let stack;

before(async () => {
  stack = await startStack({ files: { 'panopticon.yaml': CONFIG } });
});

after(async () => {
  await stack?.stop();
});

/** Every request to Prometheus's and Alertmanager's APIs, as `path body`, with its time. */
function recordRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (!/^\/(prometheus|alertmanager)\/api\//.test(url.pathname)) return;
    seen.push({ key: `${req.method()} ${url.pathname}${url.search} ${req.postData() ?? ''}`, at: Date.now() });
  });
  return seen;
}

describe('fleet requests', () => {
  test('two clusters on one source: each (source, query) pair, the rules and the alerts asked once per refresh', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const log = recordConsole(page);
    const requests = recordRequests(page);
    try {
      await page.goto(`${stack.nginx.url}/`);
      await waitFor('two tiles judged', async () => {
        const s = await page.evaluate(() => [...document.querySelectorAll('[data-testid="cluster-tile"]')].map((t) => t.dataset.status));
        return s.length === 2 && s.every((x) => x !== 'unknown');
      }, { timeoutMs: 30_000 }).catch((e) => { throw new Error(`${e.message}\n${log.slice(-10).join('\n')}`); });
      // Over five refreshes (2 s each), once the page settled.
      await new Promise((r) => setTimeout(r, 2_000));
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 10_000));
      const counts = new Map();
      for (const r of requests.filter((x) => x.at >= t0)) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
      const rounds = 5;
      const rules = [...counts].filter(([k]) => k.includes('/prometheus/api/v1/rules')).reduce((n, [, c]) => n + c, 0);
      const alerts = [...counts].filter(([k]) => k.includes('/alertmanager/api/v2/alerts')).reduce((n, [, c]) => n + c, 0);
      const shown = JSON.stringify([...counts].map(([k, n]) => [k.slice(0, 90), n]), null, 1);
      assert.ok(rules > 0 && alerts > 0, `the rules and the alerts are read: ${shown}`);
      // Once per refresh (one more for a refresh straddling the window's edge), not once per cluster.
      assert.ok(rules <= rounds + 1, `rules asked ${rules} times in ${rounds} refreshes: ${shown}`);
      assert.ok(alerts <= rounds + 1, `alerts asked ${alerts} times in ${rounds} refreshes: ${shown}`);
      const global = [...counts].filter(([k]) => k.includes('count%28up%29')).reduce((n, [, c]) => n + c, 0);
      assert.ok(global > 0 && global <= rounds + 1, `the global check asked ${global} times in ${rounds} refreshes: ${shown}`);
      for (const [key, n] of counts) {
        assert.ok(n <= rounds + 1, `${key.slice(0, 120)} asked ${n} times in ${rounds} refreshes`);
      }
    } finally {
      await page.close();
    }
  });
});
