// The dashboard against the simulated reference cluster, a real Prometheus scraping it
// and nginx with the shipped config: every reference-cluster fault shows the right colours in the
// banner and the diagram; an outage of Prometheus turns every last-known green unknown at
// once (last-known problems stay, marked stale), then everything unknown, and the dashboard
// recovers by itself; a broken config shows the config error page.
//
// No test depends on another or on their order, so any one runs alone
// (`node --test --test-name-pattern=...`): every test opens a page of its own, the ones
// that inject faults start from a reset simulator and a green screen, and the two that
// stop Prometheus get a stack of their own, so one that fails half way leaves no
// Prometheus down and no fault injected for the next.
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, referenceConfig, startStack, untilSeen, waitFor,
} from './harness.mjs';

const RANK = { healthy: 0, unknown: 1, warning: 2, critical: 3 };

const FILES = {
  'panopticon.yaml': referenceConfig(),
  'broken.yaml': referenceConfig().replace('service: consul\n', 'service: consl\n'),
  // No refresh within a test's time: whatever changes on screen, a refresh did not do it.
  'slow.yaml': referenceConfig({ refresh: 300, staleAfter: 900 }),
};

/**
 * The stack the tests that leave Prometheus running share, started by the first test
 * that needs it (so a test run alone starts only what it uses).
 */
let shared;
function sharedStack() {
  shared ??= startStack({ files: FILES });
  return shared;
}

after(async () => {
  const stack = await shared?.catch(() => undefined);
  await stack?.stop();
});

/** A fresh page of the dashboard at `path`, with its console recorded. */
async function openDashboard(stack, path = '/') {
  const page = await stack.browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const log = recordConsole(page);
  await page.goto(`${stack.nginx.url}${path}`);
  return {
    page,
    /** Waits until what the page shows satisfies `predicate`; returns it. */
    until: (what, predicate, timeoutMs) => waitForDashboard(page, log, what, predicate, timeoutMs),
  };
}

/** What the page shows, through the DOM contract only. */
function readDashboard(page) {
  return page.evaluate(() => {
    const banner = document.querySelector('[data-testid="cluster-status"]');
    const services = {};
    for (const el of document.querySelectorAll('[data-service]')) {
      services[el.dataset.service] = {
        status: el.dataset.status,
        own: el.dataset.ownStatus,
        impactedBy: el.dataset.impactedBy ? el.dataset.impactedBy.split(',') : [],
        pending: el.dataset.pending ?? null,
      };
    }
    return {
      cluster: banner?.dataset.status,
      stale: banner?.dataset.stale,
      summary: document.querySelector('[data-testid="cluster-summary"]')?.textContent,
      services,
      sourceError: document.querySelector('[data-testid="source-error"]')?.textContent ?? null,
      age: document.querySelector('[data-testid="data-age"]')?.dataset.freshness,
    };
  });
}

function waitForDashboard(page, log, what, predicate, timeoutMs = 25_000) {
  return untilSeen(what, () => readDashboard(page), predicate, {
    log, timeoutMs, consoleLines: 20, show: (last) => JSON.stringify(last, null, 1),
  });
}

const allHealthy = (d) => d.cluster === 'healthy'
  && Object.keys(d.services).length > 0
  && Object.values(d.services).every((s) => s.status === 'healthy' && s.own === 'healthy');

describe('the reference cluster', () => {
  let stack;
  let dash;
  beforeEach(async () => {
    stack = await sharedStack();
    await stack.sim.reset();
    dash = await openDashboard(stack);
    // Whatever a test before injected has left Prometheus's latest samples.
    await dash.until('all healthy before the test', allHealthy);
  });
  afterEach(async () => {
    await dash?.page.close();
    dash = undefined;
  });

  test('a healthy cluster is green in the banner and in every diagram node', async () => {
    const d = await dash.until('all healthy', allHealthy);
    assert.deepEqual(Object.keys(d.services).sort(), ['app', 'consul', 'glusterfs', 'host', 'swarm', 'weave']);
    assert.equal(d.sourceError, null);
    const graphs = await dash.page.locator('[data-testid="graph"]').count();
    assert.ok(graphs >= 1 && graphs <= 6, `overview shows 1..6 graphs, got ${graphs}`);
  });

  test('every simulator scenario shows its expected verdict, then recovers', async () => {
    const { sim } = stack;
    const scenarios = await sim.scenarios();
    assert.ok(scenarios.length >= 12, 'the simulator describes its scenarios');
    for (const sc of scenarios.filter((s) => s.name !== 'healthy')) {
      // gluster-slow answers after 20 s; 3 s keeps the test short and still exceeds the scrape timeout.
      await sim.scenario(sc.name, sc.name === 'gluster-slow' ? '?delay=3' : '');
      const matches = (actual, e) => (e.or_worse ? RANK[actual] >= RANK[e.status] : actual === e.status);
      const d = await dash.until(`${sc.name}: ${sc.verdict}`, (shown) => sc.expect.every((e) => (
        e.service === 'cluster' ? matches(shown.cluster, e) : shown.services[e.service] && matches(shown.services[e.service].own, e)
      )));
      // Propagation never makes a service look better than its own status.
      for (const [id, s] of Object.entries(d.services)) {
        assert.ok(RANK[s.status] >= RANK[s.own], `${sc.name}: ${id} effective ${s.status} < own ${s.own}`);
      }
      if (sc.expect.some((e) => e.service === 'cluster' && e.status !== 'healthy')) {
        assert.ok(d.summary && d.summary.length > 0, `${sc.name}: the banner explains the problem`);
      }
      await sim.reset();
      await dash.until(`${sc.name}: recovery`, allHealthy);
    }
  });

  test('Consul without quorum drags Swarm to critical (hard edge) and Weave at most to warning (soft edge)', async () => {
    await stack.sim.scenario('consul-no-quorum');
    const d = await dash.until('consul critical propagated', (shown) => shown.services.consul?.own === 'critical'
      && shown.services.swarm?.status === 'critical');
    assert.equal(d.services.consul.impactedBy.length, 0, 'consul is the root cause, not impacted');
    assert.equal(d.services.swarm.own, 'healthy');
    assert.ok(d.services.swarm.impactedBy.includes('consul'), JSON.stringify(d.services.swarm));
    assert.equal(d.services.weave.status, 'warning', 'a soft edge passes at most warning');
    assert.ok(d.services.weave.impactedBy.includes('consul'));
  });

  test('a service opens its detail with checks and per-instance verdicts', async () => {
    await stack.sim.scenario('gluster-not-writeable');
    await dash.until('glusterfs critical', (d) => d.services.glusterfs?.own === 'critical');
    await dash.page.locator('[data-service="glusterfs"]').first().click();
    const detail = dash.page.locator('[data-testid="service-detail"]');
    await detail.locator('[data-instance="node-3"]').first().waitFor({ timeout: 10_000 });
    const text = await detail.textContent();
    assert.match(text, /gluster_volume_writeable/, 'the expression is shown');
    assert.match(text, /node-3/);
  });
});

describe('the theme', () => {
  test('switching it redraws the graphs at once, not at the next refresh', async () => {
    const { page: p } = await openDashboard(await sharedStack(), '/?config=slow.yaml');
    try {
      await p.locator('[data-testid="graph"][data-state="ready"]').first().waitFor({ timeout: 20_000 });
      // The canvas's top-left pixel is the chart background (`--panel`).
      const corner = () => p.evaluate(() => {
        const c = document.querySelector('[data-testid="graph"][data-state="ready"] canvas');
        return Array.from(c.getContext('2d').getImageData(1, 1, 1, 1).data).join(',');
      });
      const dark = await corner();
      await p.locator('.theme-toggle').click();
      await waitFor('the graph to be redrawn in the light theme', async () => (await corner()) !== dark, { timeoutMs: 5_000 });
      const light = await corner();
      assert.equal(await p.evaluate(() => document.documentElement.dataset.theme), 'light');
      // Lighter: the light theme's panel is brighter than the dark one's.
      const sum = (rgba) => rgba.split(',').slice(0, 3).map(Number).reduce((a, b) => a + b, 0);
      assert.ok(sum(light) > sum(dark), `light ${light} vs dark ${dark}`);
      await p.locator('.theme-toggle').click();
      await waitFor('the graph to be redrawn in the dark theme again', async () => (await corner()) === dark, { timeoutMs: 5_000 });
    } finally {
      await p.close();
    }
  });
});

describe('when Prometheus goes away', () => {
  // Each test stops Prometheus (and may inject a fault): a stack of its own, stopped
  // after the test whatever happened in it.
  let stack;
  let dash;
  beforeEach(async () => {
    stack = await startStack({ files: { 'panopticon.yaml': FILES['panopticon.yaml'] } });
    dash = await openDashboard(stack);
  });
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  // From the first failed refresh a last-known healthy is unknown, never green.
  test('a last-known green turns unknown at the first failed refresh, expires, and recovers by itself', async () => {
    const { prom } = stack;
    await dash.until('healthy before the outage', allHealthy);
    await prom.proc.stop();
    const down = await dash.until('a data-source error', (d) => d.sourceError !== null);
    assert.match(down.sourceError, /Prometheus|unreachable|HTTP 50\d/i);
    assert.equal(down.cluster, 'unknown', 'not green once the source error is on screen');
    assert.equal(down.stale, 'false', 'nothing last-known is drawn: every service is unknown');
    // "last known healthy" when the last refresh was all green; if Prometheus
    // went away in the middle of one, that one half failed and is no green.
    assert.match(down.summary, /no current data(; last known healthy \d+ s ago| — )/);
    for (const [id, svc] of Object.entries(down.services)) {
      assert.equal(svc.status, 'unknown', `${id}: a last-known healthy is shown unknown`);
    }
    const expired = await dash.until('unknown after stale_after', (d) => d.age === 'expired'
      && d.cluster === 'unknown' && Object.values(d.services).every((s) => s.status === 'unknown'));
    // Expired data says nothing about anything, not even about Swarm, which has no checks.
    for (const [id, svc] of Object.entries(expired.services)) {
      assert.equal(svc.own, 'unknown', `${id}: own status once the data expired`);
    }
    assert.match(expired.summary, /Prometheus|unreachable|502/i, 'the banner says why everything is unknown');
    await prom.restart();
    const back = await dash.until('recovery without reload', (d) => allHealthy(d) && d.sourceError === null, 40_000);
    assert.equal(back.stale, 'false');
  });

  // An outage of the data source must not hide a real problem.
  test('a last-known critical stays on screen, marked stale, while the greens turn unknown', async () => {
    const { prom, sim } = stack;
    await dash.until('healthy before the fault', allHealthy);
    await sim.scenario('gluster-not-writeable');
    await dash.until('glusterfs critical', (d) => d.cluster === 'critical'
      && d.services.glusterfs?.own === 'critical');
    await prom.proc.stop();
    const down = await dash.until('a data-source error', (d) => d.sourceError !== null);
    assert.equal(down.cluster, 'critical', 'the known critical stays');
    assert.equal(down.services.glusterfs.status, 'critical');
    assert.equal(down.services.host.status, 'unknown', 'a last-known healthy is not shown green');
    assert.equal(down.stale, 'true');
    assert.match(down.summary, /writeable/, 'the critical reason leads');
    assert.match(down.summary, /no current data(; last known healthy \d+ s ago| — )/);
    await prom.restart();
    await sim.reset();
    await dash.until('recovery without reload', (d) => allHealthy(d) && d.sourceError === null, 40_000);
  });
});

describe('a broken configuration', () => {
  test('shows the config error page with file, line and what is wrong', async () => {
    const { page: p } = await openDashboard(await sharedStack(), '/?config=broken.yaml');
    try {
      const el = p.locator('[data-testid="config-error"]');
      await el.waitFor({ timeout: 15_000 });
      const text = await el.textContent();
      assert.match(text, /broken\.yaml:\d+:\d+/);
      assert.match(text, /consl/);
      assert.match(text, /did you mean "consul"/);
    } finally {
      await p.close();
    }
  });

  test('refuses a configuration from another origin', async () => {
    const { page: p } = await openDashboard(await sharedStack(), '/?config=https://evil.example/x.yaml');
    try {
      const el = p.locator('[data-testid="config-error"]');
      await el.waitFor({ timeout: 15_000 });
      assert.match(await el.textContent(), /only relative paths/);
    } finally {
      await p.close();
    }
  });
});
