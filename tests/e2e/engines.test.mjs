// Prometheus-compatible engines: the reference dashboard against Debian's VictoriaMetrics
// (a real second engine, scraping the same simulator as the real Prometheus) gives the same
// verdicts as against Prometheus for every simulator scenario.
//
// One simulator, one Alertmanager (the reference configuration declares one), Prometheus
// and VictoriaMetrics scraping the simulator every second, one nginx per engine with the
// shipped configuration (PANOPTICON_PROMETHEUS pointed at the engine: VictoriaMetrics serves
// Prometheus's query API at its root, so /prometheus/api/v1/x reaches its /api/v1/x), and
// one page per engine. Each scenario's expectation names the own status of every rated
// service and the cluster; the test waits until both pages meet it and show the same
// status and own status for every service (also the ones the expectation does not name)
// and the same cluster status, then until both are healthy again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, makeSite, recordConsole, referenceConfig, simScrapeConfigs, startAlertmanager,
  startNginx, startPrometheus, startSim, startVictoriaMetrics, waitFor,
} from './harness.mjs';

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

describe('Prometheus and VictoriaMetrics behind the shipped nginx', () => {
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
    s.site = makeSite({ 'panopticon.yaml': referenceConfig() });
    started.push(async () => s.site.remove());
    s.nginxProm = await startNginx({ prometheus: `127.0.0.1:${s.prom.port}`, alertmanager: s.am.address, root: s.site.dir });
    started.push(() => s.nginxProm.stop());
    s.nginxVm = await startNginx({ prometheus: `127.0.0.1:${s.vm.port}`, alertmanager: s.am.address, root: s.site.dir });
    started.push(() => s.nginxVm.stop());
    s.browser = await launchBrowser();
    started.push(() => s.browser.close());
  });
  after(async () => {
    while (started.length > 0) await started.pop()();
  });

  test('the reference dashboard gives the same verdicts on both engines for every simulator scenario', async () => {
    const open = async (nginx) => {
      const page = await s.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const log = recordConsole(page);
      await page.goto(`${nginx.url}/`);
      return { page, log };
    };
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
