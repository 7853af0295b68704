// Screenshots of kiosk mode (`?kiosk`, a wall screen with nothing to click) at a 1080p
// and a 4K wall and a 400×300 panel, against the simulator with a fault injected and an
// hour of its history backfilled (as scripts/screenshots.mjs). Writes
// docs/screenshots/kiosk-*.png.
//
//   node scripts/screenshots-kiosk.mjs [scenario]   (after scripts/build.sh and
//                                                     cargo build -p panopticon-sim)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchBrowser, makeSite, referenceConfig, repoRoot, simBin, simScrapeConfigs,
  startNginx, startPrometheus, startSim, waitFor,
} from '../tests/e2e/harness.mjs';

const scenario = process.argv[2] ?? 'consul-no-quorum';
const out = process.env.PANOPTICON_SHOTS ?? path.join(repoRoot, 'docs/screenshots');
const sizes = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '3840x2160', width: 3840, height: 2160 },
  { name: '400x300', width: 400, height: 300 },
];

const promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-prometheus-'));
const history = path.join(promDir, 'history.om');
execFileSync(simBin, ['backfill', '--hours', '1', '--out', history]);
execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', history, path.join(promDir, 'data')], { stdio: 'ignore' });
fs.rmSync(history);
const sim = await startSim();
const prom = await startPrometheus({ scrapeConfigs: simScrapeConfigs(sim), dir: promDir });
// This stack runs no Alertmanager: the configuration names none (else the screen says so).
const config = referenceConfig({ refresh: 2, staleAfter: 30 }).replace(/^alertmanager:.*$/m, '');
const site = makeSite({ 'panopticon.yaml': config });
const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
const browser = await launchBrowser();
try {
  await waitFor('live samples', async () => {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('count(count_over_time(up{job="node"}[10s]) >= 3)')}`);
    const body = await res.json();
    return body.data?.result?.[0]?.value?.[1] === '4';
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
  // A healthy page first, so "recent changes" shows the fault arriving.
  await sim.scenario(scenario);
  for (const s of sizes) {
    const page = await browser.newPage({ viewport: { width: s.width, height: s.height } });
    await page.goto(`${nginx.url}/?kiosk`);
    await waitFor('a non-healthy banner', async () => {
      const st = await page.getAttribute('[data-testid="cluster-status"]', 'data-status').catch(() => null);
      return st && st !== 'unknown' && st !== 'healthy';
    }, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 4_000)); // the cursor hides, the diagram settles
    const file = path.join(out, `kiosk-${s.name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${path.relative(repoRoot, file)}`);
    await page.close();
  }
} finally {
  await browser.close();
  await nginx.stop();
  await prom.stop();
  await sim.stop();
  site.remove();
}
