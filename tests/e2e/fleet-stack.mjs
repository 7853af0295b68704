// The fleet suites' stack: two simulated clusters, each scraped by its own real Prometheus
// (the second behind the shipped nginx's /sources/second/), and a third cluster whose source
// cannot be reached (/sources/gone/, an upstream nobody listens on, so nginx answers 502 as
// for a cluster whose Prometheus is down). The configuration is the reference cluster's with
// one source per cluster and no Alertmanager.
import assert from 'node:assert/strict';
import {
  freePort, makeSite, referenceConfig, simScrapeConfigs, startNginx, startPrometheus, startSim,
} from './harness.mjs';

const SOURCES = `datasources:
  - name: main
    base_url: /prometheus
    refresh_secs: 1
    stale_after_secs: 30
    timeout_secs: 2
  - name: second
    base_url: /sources/second
    timeout_secs: 2
  - name: gone
    base_url: /sources/gone
    timeout_secs: 2
`;

/** One cluster per source: alpha (healthy unless told), beta (the second simulator), gamma (unreachable). */
export const THREE_CLUSTERS = `
clusters:
  - { name: alpha, source: main }
  - { name: beta, source: second }
  - { name: gamma, source: gone }
`;

/** The reference configuration with the three sources, no Alertmanager, and `clusters`. */
export function fleetConfig(clusters = THREE_CLUSTERS, refresh = 1) {
  const text = referenceConfig({ refresh, staleAfter: 30, timeout: 2 });
  const sources = SOURCES.replace('refresh_secs: 1', `refresh_secs: ${refresh}`);
  const replaced = text.replace(/^datasource:\n(?:[ \t].*\n|\n)*/m, sources).replace(/^alertmanager:.*\n/m, '');
  assert.ok(replaced.includes('name: gone') && !/^alertmanager:/m.test(replaced), 'the reference configuration changed shape');
  return replaced + clusters;
}

/**
 * Starts the stack serving `files` (name → text), each part kept by `parts` (the harness's
 * `suiteParts`) to be stopped by it. Returns the second simulator (to inject faults) and nginx.
 */
export async function startFleet(parts, files) {
  const sim1 = await parts.start(startSim({ seed: 1 }));
  const sim2 = await parts.start(startSim({ seed: 2 }));
  const prom1 = await parts.start(startPrometheus({ scrapeConfigs: simScrapeConfigs(sim1) }));
  const prom2 = await parts.start(startPrometheus({ scrapeConfigs: simScrapeConfigs(sim2) }));
  const site = makeSite(files);
  parts.keep(async () => site.remove());
  const nginx = await parts.start(startNginx({
    prometheus: `127.0.0.1:${prom1.port}`,
    root: site.dir,
    sources: [
      { name: 'second', upstream: `127.0.0.1:${prom2.port}` },
      { name: 'gone', upstream: `127.0.0.1:${await freePort()}` },
    ],
  }));
  return { sim2, nginx, site };
}

/** A console log for `untilSeen` without the unreachable cluster's 502 lines, which would fill it. */
export function withoutGone(log) {
  return { slice: (from) => log.filter((l) => !l.includes('502')).slice(from) };
}
