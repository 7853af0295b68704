// The diagram at real size (issue 19), against the simulated cluster, a real Prometheus
// and nginx with the shipped config: a generated stack of 60 services / 110 dependencies
// in 6 layers with no graphs, three of them failing, on a 1920×1080 screen nobody zooms.
// Every non-healthy service's name is readable (≥ 12 px: font size × the SVG's scale on
// screen), the drawing fills the panel (≥ 60 % of its area), the diagram takes the whole
// width, and every box, tile or not, keeps the DOM contract.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, makeSite, recordConsole, simScrapeConfigs, startNginx, startPrometheus, startSim, waitFor,
} from './harness.mjs';
import { diagramConfig } from '../../bench/lib/configs.mjs';
import { readSize, summarizeSize } from '../../bench/figures/diagram-size.mjs';

const STACK = { services: 60, edges: 110, layers: 6, failing: 3 };

let sim;
let prom;
let site;
let nginx;
let browser;
let page;
let consoleLog;
let stack;

before(async () => {
  stack = diagramConfig(STACK);
  // A refresh every 2 s; the configuration is the benchmark's, with three failures.
  const text = stack.text.replace('"refresh_secs": 30', '"refresh_secs": 2');
  sim = await startSim();
  prom = await startPrometheus({ scrapeConfigs: simScrapeConfigs(sim) });
  site = makeSite({ 'stack.yaml': text });
  nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  consoleLog = recordConsole(page);
  await page.goto(`${nginx.url}/?config=stack.yaml`);
  // Every failing service critical on the diagram: the data has arrived.
  await waitFor('the three failures on the diagram', async () => {
    const statuses = await page.evaluate((ids) => ids.map((id) => document.querySelector(`[data-service="${id}"]`)?.getAttribute('data-status')), stack.failing);
    return statuses.every((s) => s === 'critical');
  }, { timeoutMs: 60_000 });
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await prom?.stop();
  await sim?.stop();
  site?.remove();
});

test('every non-healthy service is named at ≥ 12 px and the drawing covers ≥ 60 % of its panel', async () => {
  const s = summarizeSize(await page.evaluate(readSize));
  assert.equal(s.services, 60, consoleLog.join('\n'));
  assert.ok(s.problems >= 3, `at least the three failures are not healthy: ${s.problems}`);
  assert.ok(s.smallestProblem !== null && s.smallestProblem >= 12, `smallest non-healthy name ${s.smallestProblem?.toFixed(1)} px (density ${s.density})`);
  assert.deepEqual(s.problemsNamedNowhere, [], 'every problem named on the diagram or in the list');
  assert.ok(s.coverage >= 0.6, `the drawing covers ${(s.coverage * 100).toFixed(0)} % of the panel`);
  assert.ok(s.smallestName >= 12, `smallest name ${s.smallestName?.toFixed(1)} px`);
});

test('a view without graphs gives the diagram the whole width', async () => {
  const widths = await page.evaluate(() => ({
    panel: document.querySelector('.diagram-panel')?.getBoundingClientRect().width,
    page: document.documentElement.clientWidth,
  }));
  assert.ok(widths.panel > 0.9 * widths.page, `panel ${widths.panel} px of ${widths.page}`);
});

test('every box keeps the DOM contract, tiles included', async () => {
  const boxes = await page.evaluate(() => [...document.querySelectorAll('[data-service]')].map((b) => ({
    id: b.dataset.service,
    status: b.dataset.status,
    own: b.dataset.ownStatus,
    impactedBy: b.dataset.impactedBy ?? null,
    label: b.getAttribute('aria-label'),
  })));
  assert.equal(boxes.length, 60);
  const statuses = ['healthy', 'warning', 'critical', 'unknown'];
  for (const b of boxes) {
    assert.ok(statuses.includes(b.status) && statuses.includes(b.own), JSON.stringify(b));
    assert.ok(b.label, `${b.id} has an accessible name`);
    if (b.status !== b.own) assert.ok(b.impactedBy, `${b.id} is impacted: it says by whom`);
  }
  for (const id of stack.failing) {
    const b = boxes.find((x) => x.id === id);
    assert.equal(b.own, 'critical', `${id} fails by itself`);
  }
});

test('the edges of the selected service are highlighted', async () => {
  const id = stack.failing[0];
  await page.locator(`[data-service="${id}"]`).first().click();
  await waitFor('the selection to light its edges', async () => page.evaluate((sid) => {
    const edges = [...document.querySelectorAll(`.diagram-edges > path[data-from="${sid}"], .diagram-edges > path[data-to="${sid}"]`)];
    return edges.length > 0 && edges.every((e) => e.classList.contains('lit'))
      && document.querySelectorAll('.diagram-edges > path.lit').length === edges.length;
  }, id), { timeoutMs: 5_000 });
});
