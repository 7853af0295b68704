// Screenshots of the dashboard at the three sizes it must serve (a 1080p NOC screen, a
// 4K wall, a 400×300 Grafana panel), against the simulator with a fault injected so the
// pictures show root cause and impact. Writes docs/screenshots/*.png.
//
//   node scripts/screenshots.mjs [scenario]      (after scripts/build.sh and
//                                                  cargo build -p panopticon-sim)
import path from 'node:path';
import {
  launchBrowser, makeSite, referenceConfig, repoRoot, simScrapeConfigs,
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

const sim = await startSim();
const prom = await startPrometheus({ scrapeConfigs: simScrapeConfigs(sim) });
// Graphs over the last 5 minutes (the reference config shows an hour), so a fresh
// Prometheus already fills them.
const config = referenceConfig({ refresh: 2, staleAfter: 30 }).replace(/^(\s+)- title: (.*)$/gm, '$1- title: $2\n$1  range_secs: 300');
const site = makeSite({ 'panopticon.yaml': config });
const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
const browser = await launchBrowser();
try {
  // Let Prometheus collect a little history so the graphs have lines.
  await new Promise((r) => setTimeout(r, 90_000));
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
} finally {
  await browser.close();
  await nginx.stop();
  await prom.stop();
  await sim.stop();
  site.remove();
}
