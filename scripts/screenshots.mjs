// Screenshots of the dashboard at the three sizes it must serve (a 1080p NOC screen, a
// 4K wall, a 400×300 Grafana panel), dark, light and in forced colours, against the
// simulator with a fault injected so the pictures show root cause and impact, and an
// hour of its history backfilled. Writes docs/screenshots/*.png.
//
//   node scripts/screenshots.mjs [scenario]      (after scripts/build.sh and
//                                                  cargo build -p panopticon-sim)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchBrowser, makeSite, referenceConfig, repoRoot, simBin, simScrapeConfigs,
  startNginx, startPrometheus, startSim, waitFor,
} from '../tests/e2e/harness.mjs';

const scenario = process.argv[2] ?? 'consul-no-quorum';
const out = path.join(repoRoot, 'docs/screenshots');
const sizes = [
  { name: '1920x1080', width: 1920, height: 1080, scale: 1 },
  { name: '3840x2160', width: 3840, height: 2160, scale: 1 }, // a 4K wall screen at 100 %
  { name: '3840x2160-dpr2', width: 1920, height: 1080, scale: 2 }, // the same panel on a HiDPI laptop
  { name: '400x300', width: 400, height: 300, scale: 1 },
];

// An hour of the simulator's history in Prometheus before it starts (as scripts/demo.sh
// does), so the graphs show the reference configuration's full hour at once; the
// simulator starts right after and goes on from it.
const promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-prometheus-'));
const history = path.join(promDir, 'history.om');
execFileSync(simBin, ['backfill', '--hours', '1', '--out', history]);
execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', history, path.join(promDir, 'data')], { stdio: 'ignore' });
fs.rmSync(history);
const sim = await startSim();
const prom = await startPrometheus({ scrapeConfigs: simScrapeConfigs(sim), dir: promDir });
const config = referenceConfig({ refresh: 2, staleAfter: 30 });
const site = makeSite({ 'panopticon.yaml': config });
const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
const browser = await launchBrowser();
try {
  // A few live scrapes after the history (Prometheus picks up new targets after ~5 s).
  await waitFor('live samples', async () => {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('count(count_over_time(up{job="node"}[10s]) >= 3)')}`);
    const body = await res.json();
    return body.data?.result?.[0]?.value?.[1] === '4';
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
  await sim.scenario(scenario);
  for (const theme of ['dark', 'light']) {
    for (const s of sizes) {
      if (theme === 'light' && s.name !== '1920x1080') continue;
      const page = await browser.newPage({ viewport: { width: s.width, height: s.height }, deviceScaleFactor: s.scale });
      await page.goto(`${nginx.url}/?theme=${theme}`);
      await waitFor('a non-healthy banner', async () => {
        const st = await page.getAttribute('[data-testid="cluster-status"]', 'data-status').catch(() => null);
        return st && st !== 'unknown' && st !== 'healthy';
      }, { timeoutMs: 30_000 });
      await new Promise((r) => setTimeout(r, 2_500)); // graphs drawn
      const file = path.join(out, `overview-${s.name}${theme === 'light' ? '-light' : ''}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${path.relative(repoRoot, file)}`);
      if (s.name === '1920x1080' && theme === 'dark') {
        await page.locator('[data-service="consul"]').first().click();
        await new Promise((r) => setTimeout(r, 500));
        const detail = path.join(out, 'detail-1920x1080.png');
        await page.screenshot({ path: detail });
        console.log(`wrote ${path.relative(repoRoot, detail)}`);
      }
      await page.close();
    }
  }
  // Windows high contrast: the system's colours; statuses by icon, word and line style.
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.emulateMedia({ forcedColors: 'active' });
  await page.goto(`${nginx.url}/`);
  await page.locator('[data-testid="cluster-status"]:not([data-status="healthy"]):not([data-status="unknown"])').waitFor({ timeout: 30_000 });
  await new Promise((r) => setTimeout(r, 2_500));
  const forced = path.join(out, 'overview-1920x1080-forced-colors.png');
  await page.screenshot({ path: forced });
  console.log(`wrote ${path.relative(repoRoot, forced)}`);
  await page.close();
} finally {
  await browser.close();
  await nginx.stop();
  await prom.stop();
  await sim.stop();
  site.remove();
}
