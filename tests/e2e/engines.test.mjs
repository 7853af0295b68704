// Prometheus-compatible engines behind the shipped nginx.
//
// - Debian's VictoriaMetrics, a real second engine scraping the same simulator as the real
//   Prometheus: the reference dashboard gives the same verdicts on both for every simulator
//   scenario. One nginx per engine with the shipped configuration (PANOPTICON_PROMETHEUS
//   pointed at the engine: VictoriaMetrics serves Prometheus's query API at its root, so
//   /prometheus/api/v1/x reaches its /api/v1/x), one page per engine. Each scenario's
//   expectation names the own status of every rated service and the cluster; the test waits
//   until both pages meet it and show the same status and own status for every service (also
//   the ones the expectation does not name) and the same cluster status, then until both are
//   healthy again.
// - Thanos, Mimir and a VictoriaMetrics cluster, which no package ships: the quirks upstream
//   (quirks-upstream.mjs) in front of the real Prometheus, each behind its own
//   /sources/<name>/ location of the shipped nginx (PANOPTICON_SOURCES). Mimir's tenant is
//   set by nginx (without it: 401, shown as the source's error); a partial answer (Thanos's
//   200 + warnings, VictoriaMetrics' isPartial) is never green.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, makeSite, recordConsole, referenceConfig, simScrapeConfigs, startAlertmanager,
  startNginx, startPrometheus, startSim, startVictoriaMetrics, waitFor,
} from './harness.mjs';
import { PARTIAL_WARNING, startQuirksUpstream } from './quirks-upstream.mjs';

const RANK = { healthy: 0, unknown: 1, warning: 2, critical: 3 };

/** What a page shows, through the DOM contract only: the verdicts and a source error. */
function readVerdicts(page) {
  return page.evaluate(() => {
    const services = {};
    for (const el of document.querySelectorAll('[data-service]')) {
      services[el.dataset.service] = { status: el.dataset.status, own: el.dataset.ownStatus };
    }
    return {
      cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
      services,
      sourceError: document.querySelector('[data-testid="source-error"]')?.textContent ?? null,
    };
  });
}

/** The verdicts alone, in a form two engines' pages can be compared by. */
const verdicts = (shown) => JSON.stringify({
  cluster: shown.cluster,
  services: Object.fromEntries(Object.entries(shown.services).sort(([a], [b]) => a.localeCompare(b))),
});

const matches = (actual, e) => (e.or_worse ? RANK[actual] >= RANK[e.status] : actual === e.status);
const meets = (shown, expect) => Object.keys(shown.services).length > 0 && expect.every((e) => (
  e.service === 'cluster' ? matches(shown.cluster, e) : matches(shown.services[e.service]?.own, e)));

/**
 * The reference configuration reading one source of `kind` at `/sources/<name>` (its
 * `datasource:` block made the one entry of `datasources:`, refresh and limits unchanged).
 */
function referenceOn({ name, kind, params }) {
  const lines = referenceConfig().split('\n');
  const start = lines.indexOf('datasource:');
  assert.ok(start >= 0, 'the reference configuration has a datasource: block');
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || lines[end].startsWith(' '))) end += 1;
  const rest = lines.slice(start + 1, end).filter((l) => !/^\s*base_url:/.test(l)).map((l) => (l ? `  ${l}` : l));
  const entry = [
    'datasources:', `  - name: ${name}`, `    kind: ${kind}`, `    base_url: /sources/${name}`,
    ...(params ? [`    params: ${JSON.stringify(params)}`] : []),
    ...rest,
  ];
  return [...lines.slice(0, start), ...entry, ...lines.slice(end)].join('\n');
}

/** What every test shares: one simulated cluster, its Alertmanager, both engines, the quirky upstreams, Chromium. */
const started = [];
const s = {};
before(async () => {
  s.sim = await startSim();
  started.push(() => s.sim.stop());
  s.am = await startAlertmanager();
  started.push(() => s.am.stop());
  // VictoriaMetrics takes ~10 s to show its first samples: both engines start together.
  const [prom, vm] = await Promise.allSettled([
    startPrometheus({ scrapeConfigs: simScrapeConfigs(s.sim) }),
    startVictoriaMetrics({ scrapeConfigs: simScrapeConfigs(s.sim) }),
  ]);
  for (const r of [prom, vm]) if (r.status === 'fulfilled') started.push(() => r.value.stop());
  for (const r of [prom, vm]) if (r.status === 'rejected') throw r.reason;
  s.prom = prom.value;
  s.vm = vm.value;
  // Thanos, Mimir and a VictoriaMetrics cluster: the real Prometheus's answers with their quirks.
  for (const kind of ['thanos', 'mimir', 'victoriametrics']) {
    s[kind] = await startQuirksUpstream({ kind, backend: s.prom.url });
    started.push(() => s[kind].stop());
  }
  s.site = makeSite({
    'panopticon.yaml': referenceConfig(),
    'thanos.yaml': referenceOn({ name: 'thanos-eu', kind: 'thanos', params: { dedup: 'true' } }),
    'mimir.yaml': referenceOn({ name: 'mimir', kind: 'mimir' }),
    'mimir-no-tenant.yaml': referenceOn({ name: 'mimir-open', kind: 'mimir' }),
    'vmcluster.yaml': referenceOn({ name: 'vmcluster', kind: 'victoriametrics' }),
  });
  started.push(async () => s.site.remove());
  s.nginxProm = await startNginx({
    prometheus: `127.0.0.1:${s.prom.port}`,
    alertmanager: s.am.address,
    root: s.site.dir,
    sources: [
      { name: 'thanos-eu', upstream: s.thanos.address },
      { name: 'mimir', upstream: s.mimir.address, prefix: '/prometheus', tenant: 'team-a' },
      // The same Mimir without a tenant: what a deployment that forgot it gets.
      { name: 'mimir-open', upstream: s.mimir.address, prefix: '/prometheus' },
      { name: 'vmcluster', upstream: s.victoriametrics.address },
    ],
  });
  started.push(() => s.nginxProm.stop());
  s.nginxVm = await startNginx({ prometheus: `127.0.0.1:${s.vm.port}`, alertmanager: s.am.address, root: s.site.dir });
  started.push(() => s.nginxVm.stop());
  s.browser = await launchBrowser();
  started.push(() => s.browser.close());
});
after(async () => {
  while (started.length > 0) await started.pop()();
});

/** A page of the dashboard at `path` of `nginx`, with its console recorded. */
async function open(nginx, path = '/') {
  const page = await s.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const log = recordConsole(page);
  await page.goto(`${nginx.url}${path}`);
  return { page, log };
}

/** Waits until what `view` shows satisfies `predicate`; fails with what it last showed. */
async function until(view, what, predicate, timeoutMs = 30_000) {
  let last;
  try {
    return await waitFor(what, async () => {
      last = await readVerdicts(view.page);
      return predicate(last) ? last : null;
    }, { timeoutMs, intervalMs: 250 });
  } catch (e) {
    throw new Error(`${e.message}\nlast seen: ${JSON.stringify(last, null, 1)}\nconsole:\n${view.log.slice(-10).join('\n')}`);
  }
}

const allHealthy = (d) => d.cluster === 'healthy' && d.sourceError === null && Object.keys(d.services).length > 0
  && Object.values(d.services).every((x) => x.status === 'healthy' && x.own === 'healthy');
/** Nothing green: the cluster and every service (swarm and app have no checks of their own: their hard dependencies decide). */
const noneGreen = (d) => d.cluster !== undefined && d.cluster !== 'healthy' && Object.keys(d.services).length > 0
  && Object.values(d.services).every((x) => x.status !== 'healthy');

/** The text of a service's detail (its checks and their reasons). */
async function detailText(view, service) {
  await view.page.locator(`[data-service="${service}"]`).first().click();
  const detail = view.page.locator('[data-testid="service-detail"]');
  await detail.waitFor({ timeout: 10_000 });
  const text = await detail.textContent();
  await view.page.keyboard.press('Escape');
  return text;
}

describe('Prometheus and VictoriaMetrics behind the shipped nginx', () => {
  test('the reference dashboard gives the same verdicts on both engines for every simulator scenario', async () => {
    const engines = { prometheus: await open(s.nginxProm), victoriametrics: await open(s.nginxVm) };
    try {
      const scenarios = await s.sim.scenarios();
      assert.ok(scenarios.length >= 12, 'the simulator describes its scenarios');
      const healthy = scenarios.find((sc) => sc.name === 'healthy');
      assert.ok(healthy, 'the simulator has a healthy scenario');
      /** Waits until both pages meet `expect` with the same verdicts; returns what each showed. */
      const bothShow = async (what, expect) => {
        let last;
        try {
          await waitFor(`${what} on both engines, with the same verdicts`, async () => {
            last = {};
            for (const [name, e] of Object.entries(engines)) last[name] = await readVerdicts(e.page);
            return Object.values(last).every((shown) => meets(shown, expect))
              && verdicts(last.prometheus) === verdicts(last.victoriametrics);
          }, { timeoutMs: 30_000, intervalMs: 250 });
        } catch (e) {
          const consoles = Object.entries(engines).map(([name, x]) => `${name} console:\n${x.log.slice(-10).join('\n')}`);
          throw new Error(`${e.message}\nlast seen: ${JSON.stringify(last, null, 1)}\n${consoles.join('\n')}`);
        }
        for (const [name, shown] of Object.entries(last)) {
          assert.equal(shown.sourceError, null, `${what}: ${name} shows no source error`);
        }
        return last;
      };
      await bothShow('healthy', healthy.expect);
      // Back to healthy between faults: some have the same expectation (consul-no-leader and
      // consul-no-quorum), and one must not pass on what the previous one left on screen.
      for (const sc of scenarios.filter((x) => x !== healthy)) {
        // gluster-slow answers after 20 s by default; 3 s still exceeds the scrape timeout.
        await s.sim.scenario(sc.name, sc.name === 'gluster-slow' ? '?delay=3' : '');
        await bothShow(`${sc.name}: ${sc.verdict}`, sc.expect);
        await s.sim.reset();
        await bothShow(`${sc.name}: recovery`, healthy.expect);
      }
    } finally {
      for (const e of Object.values(engines)) await e.page.close();
    }
  });
});


describe('Thanos, Mimir and a VictoriaMetrics cluster through /sources/<name>/', () => {
  test('Mimir: nginx sets the tenant and the dashboard is the same; without a tenant its 401 is the source\'s error, nothing green', async () => {
    const from = s.mimir.requests.length;
    const tenanted = await open(s.nginxProm, '/?config=mimir.yaml');
    try {
      await until(tenanted, 'the Mimir-backed dashboard healthy', allHealthy);
    } finally {
      await tenanted.page.close();
    }
    const asked = s.mimir.requests.slice(from).filter((r) => r.url.startsWith('/prometheus/api/v1/query'));
    assert.ok(asked.length > 0, 'the queries reached Mimir under /prometheus');
    assert.deepEqual([...new Set(asked.map((r) => r.headers['x-scope-orgid']))], ['team-a']);

    const open401 = await open(s.nginxProm, '/?config=mimir-no-tenant.yaml');
    try {
      const d = await until(open401, 'the 401 shown as the source error, nothing green',
        (x) => x.sourceError !== null && noneGreen(x));
      assert.match(d.sourceError, /401|no org id/i, d.sourceError);
    } finally {
      await open401.page.close();
    }
  });

  for (const [kind, name] of [['thanos', 'thanos-eu'], ['victoriametrics', 'vmcluster']]) {
    test(`${kind}: a partial answer is never green, and says so; a complete one is green again`, async () => {
      const upstream = s[kind];
      const view = await open(s.nginxProm, `/?config=${name === 'thanos-eu' ? 'thanos' : name}.yaml`);
      try {
        await until(view, `the ${kind}-backed dashboard healthy`, allHealthy);
        upstream.partial = true;
        await until(view, `every service at least unknown once ${name} answers partially`, noneGreen);
        const text = await detailText(view, 'consul');
        assert.match(text, new RegExp(`partial answer from ${name}`), text.slice(0, 600));
        if (kind === 'thanos') assert.ok(text.includes(PARTIAL_WARNING.thanos), 'the warning is named');
        upstream.partial = false;
        await until(view, `healthy again once ${name} answers completely`, allHealthy);
      } finally {
        upstream.partial = false;
        await view.page.close();
      }
      if (kind === 'thanos') {
        const queries = upstream.requests.filter((r) => r.url.startsWith('/api/v1/query'));
        assert.ok(queries.length > 0 && queries.every((r) => /[?&]dedup=true(&|$)/.test(r.url) || /(^|&)dedup=true(&|$)/.test(r.body)),
          'the source\'s params reach Thanos with every query');
      }
    });
  }
});
