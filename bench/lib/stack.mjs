// The system under test, assembled from the end-to-end harness: the simulator, a real
// Prometheus scraping it and evaluating the reference alerting rules, a real Alertmanager
// receiving their alerts, nginx with the shipped configuration serving the release
// bundle (plus the benchmark's configuration files) and proxying both — Prometheus once
// directly and once through the slow proxy, for the latency figures; optionally with
// the TLS + HTTP/2 listener too, and a slow proxy in front of nginx that holds back
// every request of the page.
import path from 'node:path';
import {
  makeSite, repoRoot, simBin, simScrapeConfigs, startAlertmanager, startNginx, startProcess, startPrometheus, startSim,
  waitFor,
} from '../../tests/e2e/harness.mjs';

/** The reference cluster's alerting rules, which the benchmark's Prometheus evaluates. */
const RULES = path.join(repoRoot, 'examples/alerts/reference-cluster.rules.yml');
import { startSlowProxy } from './slow-proxy.mjs';

/** An instant query straight to Prometheus (not through the app), for readiness checks. */
export async function promValue(prom, expr) {
  const url = `${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await res.json();
  const first = body?.data?.result?.[0];
  return first ? Number(first.value[1]) : null;
}

/**
 * Starts everything. `nodes` > 64 uses the simulator's aggregated target (one target,
 * every series labelled with its own job and instance, scraped with honor_labels).
 * `files` are extra files for the site (configurations). `tls`: every nginx also has its
 * TLS + HTTP/2 listener (`tlsUrl`) with a throwaway certificate; launch the browser with
 * `browserArgs` so it trusts them. `frontDelayMs` > 0: `stack.front.url` is a slow proxy in
 * front of nginx holding every request (page, bundle, configuration, queries) back that
 * long, and with `tls` `stack.frontTls.url` the same over TLS + HTTP/2. `alertmanager`
 * (default on: the reference configuration declares one): an Alertmanager
 * (`stack.am`) that Prometheus sends the reference rules' alerts to and every nginx
 * proxies (directly, never through the slow proxy). Returns the URLs and `stop()`, which
 * stops what was started, in reverse order, even after a failure half-way.
 */
export async function startStack({
  nodes = 4, files = {}, scrapeInterval = '1s', slowProxy = false, tls = false, frontDelayMs = 0, alertmanager = true,
} = {}) {
  const { stack, started } = stoppable();
  try {
    const aggregate = nodes > 64;
    stack.sim = aggregate ? await startAggregateSim(nodes) : await startSim({ nodes });
    started.push(stack.sim);
    const scrapeConfigs = aggregate
      ? relayScrapeConfigs(stack.sim, scrapeInterval)
      : simScrapeConfigs(stack.sim, { interval: scrapeInterval, timeout: scrapeInterval === '1s' ? '900ms' : scrapeInterval });
    if (alertmanager) {
      stack.am = await startAlertmanager();
      started.push(stack.am);
    }
    stack.prom = await startPrometheus({
      scrapeConfigs, scrapeInterval, ruleFiles: alertmanager ? [RULES] : [], alertmanagers: stack.am ? [stack.am.address] : [],
    });
    started.push(stack.prom);
    stack.site = makeSite(files);
    started.push({ stop: async () => stack.site.remove() });
    // The soak fires refreshes back to back from one address: the shipped
    // per-client rate limit would answer 429, which is not what is measured.
    const env = { PANOPTICON_RATE_LIMIT: 'off' };
    const am = stack.am?.address;
    stack.nginx = await startNginx({ prometheus: `127.0.0.1:${stack.prom.port}`, alertmanager: am, root: stack.site.dir, tls, env });
    started.push(stack.nginx);
    if (slowProxy) {
      stack.proxy = await startSlowProxy(`127.0.0.1:${stack.prom.port}`);
      started.push(stack.proxy);
      stack.slowNginx = await startNginx({ prometheus: stack.proxy.address, alertmanager: am, root: stack.site.dir, tls, env });
      started.push(stack.slowNginx);
    }
    if (frontDelayMs > 0) {
      // Held back after the whole request arrived, before it goes on to nginx: like a
      // server (or a network) that answers every request that much later.
      stack.front = await startSlowProxy(`127.0.0.1:${stack.nginx.port}`);
      started.push(stack.front);
      stack.front.setDelay(() => frontDelayMs);
      if (tls) {
        // nginx's certificate, so the browser trusts it by the same key.
        stack.frontTls = await startSlowProxy(`127.0.0.1:${stack.nginx.port}`, { tls: stack.nginx.cert });
        started.push(stack.frontTls);
        stack.frontTls.setDelay(() => frontDelayMs);
      }
    }
    const keys = [stack.nginx, stack.slowNginx].map((n) => n?.cert?.spki).filter(Boolean);
    stack.browserArgs = keys.length ? [`--ignore-certificate-errors-spki-list=${keys.join(',')}`] : [];
    await waitForNodesUp(stack.prom, nodes);
    return stack;
  } catch (e) {
    await stack.stop();
    throw e;
  }
}

/**
 * A stack to fill: push each part onto `started` once it runs; `stack.stop()` stops them in
 * reverse order, going on past a part that fails to stop.
 */
export function stoppable() {
  const started = [];
  const stack = {
    async stop() {
      for (const s of started.reverse()) {
        try { await s.stop(); } catch { /* keep stopping the rest */ }
      }
      started.length = 0;
    },
  };
  return { stack, started };
}

/** Every node of every job scraped and up: the dashboard then has a healthy cluster. */
export async function waitForNodesUp(prom, nodes) {
  await waitFor(`Prometheus to see all ${nodes} nodes up`, async () => {
    const counts = await Promise.all(['consul', 'gluster', 'weave', 'node']
      .map((job) => promValue(prom, `count(up{job="${job}"} == 1)`)));
    return counts.every((c) => c === nodes);
  }, { timeoutMs: 120_000, intervalMs: 500 });
}

/**
 * The scrape of the aggregated simulator's one target: its series carry their own job and
 * instance labels, which `honor_labels` keeps.
 */
export function relayScrapeConfigs(sim, interval) {
  return [{
    job_name: 'relay', honor_labels: true, scrape_interval: interval,
    scrape_timeout: interval, static_configs: [{ targets: [sim.targets[0].address] }],
  }];
}

/** The simulator in `--aggregate` mode (tests/e2e/harness.mjs knows only the per-target mode). */
export async function startAggregateSim(nodes) {
  const proc = startProcess('sim-aggregate', simBin, [
    'serve', '--aggregate', '--nodes', String(nodes), '--listen', '127.0.0.1',
    '--base-port', '0', '--control-port', '0',
  ]);
  let listening;
  try {
    listening = await waitFor('the aggregated simulator to listen', async () => {
      if (proc.exited) throw new Error(`simulator exited:\n${proc.log()}`);
      const line = proc.log().split('\n').find((l) => l.includes('"event":"listening"'));
      return line && JSON.parse(line);
    });
  } catch (e) {
    // Not yet in the caller's stack: stopped here, or it would outlive a failed start.
    await proc.stop();
    throw e;
  }
  return { control: listening.control, targets: listening.targets, proc, stop: () => proc.stop() };
}
