// Several data sources (issue 15): the simulated cluster scraped by two real Prometheus
// servers, the second behind the shipped nginx's per-source location (/sources/second/),
// a Thanos-like upstream (tests/e2e/quirks-upstream.mjs, answering from the first
// Prometheus) at /sources/thanos/, and Debian's VictoriaMetrics scraping the same cluster at
// /sources/vm/ (two checks there: one combined query, split despite VM's empty labels). Each service asks its own source; each source's state is
// in the top bar; the second source stopped fails only its own checks, named, with no
// outage; a partial answer from the Thanos source is never green.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, makeSite, recordConsole, showWithPage, simScrapeConfigs, startNginx, startPrometheus, startSim,
  startVictoriaMetrics, suiteParts, untilSeen, waitFor,
} from './harness.mjs';
import { startQuirksUpstream } from './quirks-upstream.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.2 A/AA violations on `page` (as tests/e2e/a11y.test.mjs runs it). */
async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
    const rules = [...window.axe.getRules(tags).map((r) => r.ruleId), 'region'];
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`));
  });
}

const CHECK = `
    checks:
      - id: up
        query: 'max(up)'
        instances: 1
        rule: { kind: equals, expected: 1, otherwise: critical }`;

const CONFIG = `
datasources:
  - name: main
    base_url: /prometheus
    refresh_secs: 1
    stale_after_secs: 30
    timeout_secs: 2
  - name: second
    base_url: /sources/second
    timeout_secs: 2
  - name: thanos-eu
    kind: thanos
    base_url: /sources/thanos
    timeout_secs: 2
    params: { partial_response: 'false', dedup: 'true' }
  - name: vm
    kind: victoriametrics
    base_url: /sources/vm
    timeout_secs: 2
    params: { nocache: '1' }
services:
  - id: local
    name: Local${CHECK}
  - id: remote
    name: Remote
    source: second${CHECK}
  - id: eu
    name: EU
    source: thanos-eu${CHECK}
  - id: metrics
    name: Metrics
    source: vm${CHECK}
      - id: count
        query: 'count(up)'
        rule: { kind: threshold, direction: below, warning: 2, critical: 1 }
views:
  - id: overview
    graphs:
      - title: up, second source
        query: 'sum(up)'
        source: second
`;

const parts = suiteParts();
let sim;
let prom2;
let thanos;
let nginx;
let browser;

before(async () => {
  sim = await parts.start(startSim());
  const prom1 = await parts.start(startPrometheus({ scrapeConfigs: simScrapeConfigs(sim) }));
  prom2 = await parts.start(startPrometheus({ scrapeConfigs: simScrapeConfigs(sim) }));
  thanos = await parts.start(startQuirksUpstream({ kind: 'thanos', backend: prom1.url }));
  const vm = await parts.start(startVictoriaMetrics({ scrapeConfigs: simScrapeConfigs(sim) }));
  const site = makeSite({ 'panopticon.yaml': CONFIG });
  parts.keep(async () => site.remove());
  nginx = await parts.start(startNginx({
    prometheus: `127.0.0.1:${prom1.port}`,
    root: site.dir,
    sources: [
      { name: 'second', upstream: `127.0.0.1:${prom2.port}` },
      { name: 'thanos', upstream: thanos.address },
      { name: 'vm', upstream: `127.0.0.1:${vm.port}` },
    ],
  }));
  browser = await launchBrowser();
  parts.keep(() => browser.close());
});

after(() => parts.stopAll());

/** Each service's own status, each source's state, and the page's text. */
function look(page) {
  return page.evaluate(() => ({
    services: Object.fromEntries(
      [...document.querySelectorAll('[data-service]')].map((n) => [n.dataset.service, n.dataset.ownStatus]),
    ),
    sources: Object.fromEntries(
      [...document.querySelectorAll('[data-testid="source-state"]')].map((n) => [
        n.dataset.source, { kind: n.dataset.sourceKind, state: n.dataset.sourceState, text: n.textContent, title: n.title },
      ]),
    ),
    cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
    sourceError: document.querySelector('[data-testid="source-error"]')?.textContent ?? null,
    text: document.body.textContent,
  }));
}

function until(page, what, wanted, log) {
  return untilSeen(what, () => look(page), wanted, { log, timeoutMs: 40_000, show: showWithPage });
}

/** Which source each request of the page went to, and what it asked. */
function recordRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    const m = url.pathname.match(/^\/(prometheus|sources\/([a-z0-9_-]+))\/api\/v1\/(query|query_range|status\/buildinfo)$/);
    if (!m) return;
    const form = new URLSearchParams(req.postData() ?? url.search);
    seen.push({ source: m[2] ?? 'main', endpoint: m[3], query: form.get('query') ?? '', params: form });
  });
  return seen;
}

describe('several data sources', () => {
  test('each service asks its own source; the second stopped fails only its checks; a partial answer is never green', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    const seen = recordRequests(page);
    try {
      await page.goto(`${nginx.url}/`);
      const green = await until(page, 'every service green, four sources ok', (s) => s.cluster === 'healthy'
        && ['local', 'remote', 'eu', 'metrics'].every((id) => s.services[id] === 'healthy')
        && ['main', 'second', 'thanos-eu', 'vm'].every((n) => s.sources[n]?.state === 'ok'), log);
      assert.equal(green.sources['thanos-eu'].kind, 'thanos');
      assert.equal(green.sources.vm.kind, 'victoriametrics');
      // VictoriaMetrics names no version: its name and state only.
      assert.equal(green.sources.vm.text.trim(), 'vm ok');
      // Its two checks asked as one combined query, with its own parameter.
      assert.ok(seen.some((r) => r.source === 'vm' && r.endpoint === 'query' && r.query.includes('__panopticon_part')
        && r.params.get('nocache') === '1'), 'one combined query to VictoriaMetrics');
      assert.equal(green.sources.second.kind, 'prometheus');
      // Each source asked its own check, through its own location; the Thanos source
      // with its parameters, on every query.
      for (const source of ['main', 'second', 'thanos']) {
        assert.ok(seen.some((r) => r.source === source && r.endpoint === 'query' && r.query.includes('max(up)')),
          `${source} asked: ${JSON.stringify(seen.map((r) => [r.source, r.endpoint]))}`);
      }
      const thanosQueries = seen.filter((r) => r.source === 'thanos' && r.endpoint === 'query');
      assert.ok(thanosQueries.every((r) => r.params.get('partial_response') === 'false' && r.params.get('dedup') === 'true'),
        'the Thanos source\'s params on every query');
      assert.ok(thanos.requests.some((r) => r.url.includes('partial_response=false')), 'nginx passed the params on');
      assert.ok(seen.filter((r) => r.source !== 'thanos').every((r) => !r.params.has('partial_response')),
        'params only for their own source');
      // The graph on the second source asks it, not the default.
      await waitFor('the graph\'s range query to the second source', async () => seen.some(
        (r) => r.source === 'second' && r.endpoint === 'query_range',
      ), { timeoutMs: 20_000, intervalMs: 250 });
      assert.ok(!seen.some((r) => r.source === 'main' && r.endpoint === 'query_range'), 'no graph asks the default source');
      // Steady state: each refresh asks each (source, query) pair once: as many instant
      // queries of each source as there were refreshes, and the graph's range query as often.
      const from = seen.length;
      await new Promise((resolve) => { setTimeout(resolve, 6_000); });
      const window = seen.slice(from);
      const count = (source, endpoint) => window.filter((r) => r.source === source && r.endpoint === endpoint).length;
      const perSource = ['main', 'second', 'thanos'].map((source) => count(source, 'query'));
      assert.ok(perSource[0] >= 3, `refreshes in 6 s: ${perSource}`);
      assert.ok(Math.max(...perSource, count('second', 'query_range')) - Math.min(...perSource, count('second', 'query_range')) <= 1,
        `one request per (source, query) per refresh: instant ${perSource}, range ${count('second', 'query_range')}`);

      // The second Prometheus stopped: its service alone is unknown, naming it; no outage.
      await parts.stopEarly(prom2);
      const down = await until(page, 'remote unknown, the second source down, the rest green', (s) => s.services.remote === 'unknown'
        && s.sources.second?.state === 'down' && s.services.local === 'healthy' && s.services.eu === 'healthy', log);
      assert.equal(down.sourceError, null, 'another source down is not the dashboard\'s outage');
      assert.equal(down.sources.main.state, 'ok');
      assert.ok(down.text.includes('query to second failed'), down.text.slice(0, 800));
      assert.notEqual(down.cluster, 'healthy');

      // The Thanos source answers partially: its service is never green, the reason names it.
      thanos.partial = true;
      const partial = await until(page, 'eu not green, the Thanos source partial', (s) => s.services.eu === 'unknown'
        && s.sources['thanos-eu']?.state === 'partial', log);
      assert.ok(partial.text.includes('partial answer from thanos-eu: No StoreAPIs matched for this query'),
        partial.text.slice(0, 800));
      assert.equal(partial.services.local, 'healthy');
      assert.ok(partial.sources['thanos-eu'].title.includes('No StoreAPIs matched'), partial.sources['thanos-eu'].title);
      // The sources' states (one down, one partial) are readable by everyone.
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], violations.join('\n'));
      thanos.partial = false;
      await until(page, 'eu green again', (s) => s.services.eu === 'healthy' && s.sources['thanos-eu']?.state === 'ok', log);
    } finally {
      await page.close();
    }
  });
});
