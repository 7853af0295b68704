// Screenshots of alerts (issue 14) at the three sizes the dashboard serves (a 1080p NOC
// screen, a 4K wall, a 400×300 Grafana panel): the simulated reference cluster with
// Consul's quorum lost (its ConsulNoQuorum alert firing) and Weave's IP range nearly full
// on node-2 (WeaveIpRangeNearlyFull, which no check sees) silenced in Alertmanager, so
// Weave is in maintenance, and so is the (healthy) host, under a silence of its own; a real Prometheus evaluating the shipped rule file and sending
// to a real Alertmanager, nginx proxying both. Writes docs/screenshots/alerts-*.png: the
// overview at each size, the detail of Consul (a firing alert) and of Weave (a
// silenced one), and the page once Alertmanager is stopped (its own source error).
//
//   node scripts/screenshots-alerts.mjs     (after scripts/build.sh, or with PANOPTICON_DIST,
//                                            and cargo build -p panopticon-sim)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createSilence, launchBrowser, makeSite, referenceConfig, repoRoot, simBin, simScrapeConfigs,
  startAlertmanager, startNginx, startPrometheus, startSim, waitFor,
} from '../tests/e2e/harness.mjs';

const out = path.join(repoRoot, 'docs/screenshots');
const rules = path.join(repoRoot, 'examples/alerts/reference-cluster.rules.yml');
const sizes = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '3840x2160', width: 3840, height: 2160 },
  { name: '400x300', width: 400, height: 300 },
];

// An hour of history first, as scripts/screenshots.mjs does, so the graphs are full.
const promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-prometheus-'));
const history = path.join(promDir, 'history.om');
execFileSync(simBin, ['backfill', '--hours', '1', '--out', history]);
execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', history, path.join(promDir, 'data')], { stdio: 'ignore' });
fs.rmSync(history);
const sim = await startSim();
const am = await startAlertmanager();
const prom = await startPrometheus({
  scrapeConfigs: simScrapeConfigs(sim), dir: promDir, ruleFiles: [rules], alertmanagers: [am.address],
});
const site = makeSite({ 'panopticon.yaml': referenceConfig({ refresh: 2, staleAfter: 30 }) });
const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, alertmanager: am.address, root: site.dir });
const browser = await launchBrowser();
try {
  await sim.scenario('consul-no-quorum');
  execFileSync(simBin, ['set', 'weave_ips', '1000000', '--node', 'node-2', '--control', sim.control]);
  await waitFor('Weave\'s alert in Alertmanager', async () => {
    const res = await fetch(`${am.url}/api/v2/alerts?filter=alertname%3D%22WeaveIpRangeNearlyFull%22`);
    return (await res.json()).length > 0;
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
  await createSilence(am, { service: 'weave' }, { createdBy: 'alice', comment: 'IP range cleanup, ticket NET-4312', minutes: 120 });
  // A healthy service in maintenance too: a silence on its own matchers, nothing firing
  // (its tile is the one the 400×300 panel shows in full).
  await createSilence(am, { service: 'host' }, { createdBy: 'bob', comment: 'kernel upgrade', minutes: 45 });

  /** A page at `size` showing Consul's alert and Weave in maintenance. */
  const open = async (size, query = '') => {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    await page.goto(`${nginx.url}/${query}`);
    for (const id of ['weave', 'host']) {
      await page.locator(`[data-service="${id}"][data-maintenance="true"]`).waitFor({ timeout: 60_000 });
    }
    await page.locator('[data-service="consul"][data-alerts]').waitFor({ timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 2_500)); // graphs drawn
    return page;
  };
  const shoot = async (page, name) => {
    const file = path.join(out, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(repoRoot, file)}`);
  };
  for (const size of sizes) {
    const page = await open(size);
    await shoot(page, `alerts-${size.name}`);
    await page.close();
    for (const service of ['consul', 'weave']) {
      if (size.name === '400x300' && service === 'weave') continue;
      const detail = await open(size, `?service=${service}`);
      await detail.locator('[data-testid="alert"]').first().waitFor({ timeout: 30_000 });
      // On a small panel the detail is below the diagram: its alerts at the top.
      if (size.name === '400x300') {
        await detail.locator('.detail-panel h3', { hasText: 'Alerts' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
      }
      await shoot(detail, `alerts-detail-${service}-${size.name}`);
      await detail.close();
    }
  }
  const light = await open(sizes[0], '?theme=light&service=weave');
  await light.locator('[data-testid="alert"]').first().waitFor({ timeout: 30_000 });
  await shoot(light, 'alerts-detail-weave-1920x1080-light');
  await light.close();
  const forced = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await forced.emulateMedia({ forcedColors: 'active' });
  await forced.goto(`${nginx.url}/?service=weave`);
  await forced.locator('[data-service="weave"][data-maintenance="true"]').waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 2_500));
  await shoot(forced, 'alerts-1920x1080-forced-colors');
  await forced.close();
  // Alertmanager gone while the page is open: its own source error; Prometheus's firing
  // alerts still count, and the silences the page read stay applied until they end.
  const gone = await open(sizes[0]);
  await am.proc.stop();
  await gone.locator('[data-testid="alert-source-error"][data-source="alertmanager"]').waitFor({ timeout: 60_000 });
  await new Promise((r) => setTimeout(r, 2_500));
  await shoot(gone, 'alerts-source-error-1920x1080');
  await gone.close();
} finally {
  await browser.close();
  await nginx.stop();
  await prom.stop();
  await am.stop();
  await sim.stop();
  site.remove();
}
