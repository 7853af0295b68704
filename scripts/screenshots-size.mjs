// Screenshots of the diagram at real size (issue 19): the reference cluster (6 services)
// and generated stacks of 60 services / 110 dependencies and 200 / 400, each healthy and
// with three failures, on a 1080p NOC screen and a 4K wall. Writes
// docs/screenshots/size-<services>-<healthy|failing>-<width>x<height>.png.
//
//   node scripts/screenshots-size.mjs        (after scripts/build.sh and
//                                             cargo build -p panopticon-sim)
//
// The generated stacks are the benchmark's (bench/lib/configs.mjs); their failures are
// services whose own check fails. The reference cluster's three failures: the simulator's
// scenario consul-node-lost (one scenario at a time) plus two overrides, node-3's Gluster
// volume not writeable and node-2's load far over its limit.
import path from 'node:path';
import {
  launchBrowser, makeSite, referenceConfig, repoRoot, simScrapeConfigs,
  startNginx, startPrometheus, startSim, waitFor,
} from '../tests/e2e/harness.mjs';
import { diagramConfig } from '../bench/lib/configs.mjs';

const out = path.join(repoRoot, 'docs/screenshots');
const sizes = [
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '3840x2160', width: 3840, height: 2160 },
];
const fast = (text) => text.replace('"refresh_secs": 30', '"refresh_secs": 2');
const stacks = {
  60: { services: 60, edges: 110, layers: 6 },
  200: { services: 200, edges: 400, layers: 8 },
};
const files = { 'panopticon.yaml': referenceConfig({ refresh: 2, staleAfter: 30 }) };
for (const [n, shape] of Object.entries(stacks)) {
  files[`stack-${n}-healthy.yaml`] = fast(diagramConfig(shape).text);
  files[`stack-${n}-failing.yaml`] = fast(diagramConfig({ ...shape, failing: 3 }).text);
}

const sim = await startSim();
const prom = await startPrometheus({ scrapeConfigs: simScrapeConfigs(sim) });
const site = makeSite(files);
const nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
const browser = await launchBrowser();

async function shoot(query, file, wanted) {
  for (const s of sizes) {
    const page = await browser.newPage({ viewport: { width: s.width, height: s.height } });
    await page.goto(`${nginx.url}/${query}`);
    await waitFor(`a ${wanted} banner`, async () => {
      const st = await page.getAttribute('[data-testid="cluster-status"]', 'data-status').catch(() => null);
      return wanted === 'healthy' ? st === 'healthy' : st && st !== 'unknown' && st !== 'healthy';
    }, { timeoutMs: 60_000 });
    await page.waitForSelector('[data-density]', { timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 2_500)); // graphs drawn, colours faded in
    const target = path.join(out, `${file}-${s.name}.png`);
    await page.screenshot({ path: target });
    console.log(`wrote ${path.relative(repoRoot, target)}`);
    await page.close();
  }
}

try {
  await waitFor('every simulated node up', async () => {
    const res = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('count(up == 1)')}`);
    const body = await res.json();
    return Number(body?.data?.result?.[0]?.value?.[1] ?? 0) >= 16;
  }, { timeoutMs: 60_000, intervalMs: 500 });
  await shoot('', 'size-6-healthy', 'healthy');
  for (const n of Object.keys(stacks)) {
    await shoot(`?config=stack-${n}-healthy.yaml`, `size-${n}-healthy`, 'healthy');
    await shoot(`?config=stack-${n}-failing.yaml`, `size-${n}-failing`, 'failing');
  }
  await sim.scenario('consul-node-lost');
  const override = async (body) => {
    const res = await fetch(`${sim.control}/override`, { method: 'POST', body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`override ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
  };
  await override({ metric: 'gluster_volume_writeable', node: 'node-3', value: 0 });
  await override({ metric: 'node_load15', node: 'node-2', value: 64 });
  await shoot('', 'size-6-failing', 'failing');
} finally {
  await browser.close();
  await nginx.stop();
  await prom.stop();
  await sim.stop();
  site.remove();
}
