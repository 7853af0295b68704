// The diagram at real size (issue 19), against the simulated cluster, a real Prometheus
// and nginx with the shipped config: a generated stack of 60 services / 110 dependencies
// in 6 layers with no graphs, three of them failing, on a 1920×1080 screen nobody zooms.
// Every non-healthy service's name is readable (≥ 12 px: font size × the SVG's scale on
// screen), the drawing fills the panel (≥ 60 % of its area), the diagram takes the whole
// width, and every box, tile or not, keeps the DOM contract.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, startStack, waitFor,
} from './harness.mjs';
import { diagramConfig } from '../../bench/lib/configs.mjs';
import { readSize, summarizeSize } from '../../bench/figures/diagram-size.mjs';
import { readInView } from '../../bench/figures/diagram-1000.mjs';

const STACK = { services: 60, edges: 110, layers: 6, failing: 3 };

let sim;
let prom;
let parts;
let nginx;
let browser;
let page;
let consoleLog;
let stack;

before(async () => {
  stack = diagramConfig(STACK);
  // A refresh every 2 s; the configuration is the benchmark's, with three failures.
  const text = stack.text.replace('"refresh_secs": 30', '"refresh_secs": 2');
  const big = diagramConfig({ services: 200, edges: 400, layers: 8, failing: 3 });
  parts = await startStack({
    files: { 'stack.yaml': text, 'big.yaml': big.text.replace('"refresh_secs": 30', '"refresh_secs": 2') },
  });
  ({ sim, prom, nginx, browser } = parts);
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
  await parts?.stop();
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

test('a status change never moves a box (the layout depends on the graph and the area only)', async () => {
  const read = () => page.evaluate(() => {
    const boxes = {};
    for (const b of document.querySelectorAll('[data-service]')) {
      boxes[b.dataset.service] = { at: b.getAttribute('transform'), status: b.dataset.status };
    }
    return { boxes, viewBox: document.querySelector('svg.diagram-svg')?.getAttribute('viewBox') };
  });
  const before = await read();
  // node-1's node exporter down: every service's one check loses an instance.
  await sim.scenario('exporter-down', '?node=node-1&exporter=node');
  try {
    await waitFor('statuses to change', async () => {
      const now = await read();
      return Object.entries(now.boxes).some(([id, b]) => b.status !== before.boxes[id].status);
    }, { timeoutMs: 30_000 });
    const after = await read();
    assert.equal(after.viewBox, before.viewBox);
    for (const [id, b] of Object.entries(before.boxes)) {
      assert.equal(after.boxes[id].at, b.at, `${id} stays where it was`);
    }
  } finally {
    await sim.reset();
  }
});

test('200 services: healthy ones are tiles, problems named at ≥ 14 px or listed, and an outage of one node moves nothing', async () => {
  const p = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  try {
    await p.goto(`${nginx.url}/?config=big.yaml`);
    await waitFor('the failures on the diagram', async () => (await p.evaluate(() => document.querySelectorAll('[data-service][data-status="critical"]').length)) >= 3, { timeoutMs: 60_000 });
    const s = summarizeSize(await p.evaluate(readSize));
    assert.equal(s.density, 'tiles');
    assert.ok(s.smallestProblem >= 14, `smallest problem name ${s.smallestProblem?.toFixed(1)} px`);
    assert.deepEqual(s.problemsNamedNowhere, []);
    const at = () => p.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-service]')].map((b) => [b.dataset.service, b.getAttribute('transform')])));
    const before = await at();
    // Every service loses an instance: most of the screen turns non-healthy at once.
    await sim.scenario('exporter-down', '?node=node-1&exporter=node');
    try {
      await waitFor('most services not healthy', async () => (await p.evaluate(() => document.querySelectorAll('[data-service]:not([data-status="healthy"])').length)) > 100, { timeoutMs: 30_000 });
      // A change of this size is written over a few frames (src/diagram/patcher.rs): in
      // the end every box shows what the banner counts.
      const counts = () => p.evaluate(() => ['critical', 'warning', 'unknown', 'healthy'].map((st) => [
        st,
        Number(document.querySelector(`[data-count-status="${st}"] .count-number`)?.textContent),
        document.querySelectorAll(`.diagram-nodes > [data-status="${st}"]`).length,
      ]));
      await waitFor('every box as the banner counts it', async () => (await counts()).every(([, banner, boxes]) => banner === boxes), { timeoutMs: 10_000 });
      await p.waitForTimeout(300);
      const many = summarizeSize(await p.evaluate(readSize));
      assert.deepEqual(many.problemsNamedNowhere, [], 'every problem on the diagram or in the list');
      assert.ok(many.listed > 100, `the list names them all: ${many.listed}`);
      // Tiles drawn healthy get their named box written when they need it.
      assert.ok(many.named > 10, `problems named on the diagram: ${many.named}`);
      assert.ok(many.smallestProblem >= 14, `named ones stay readable: ${many.smallestProblem?.toFixed(1)} px`);
      assert.deepEqual(await at(), before, 'no box moved');
    } finally {
      await sim.reset();
    }
  } finally {
    await p.close();
  }
});

test('zoomed in on 200 tiles, every service in view is named at ≥ 12 px; at full view no tile has a label', async () => {
  const p = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  try {
    await p.goto(`${nginx.url}/?config=big.yaml`);
    await waitFor('the failures on the diagram', async () => (await p.evaluate(() => document.querySelectorAll('[data-service][data-status="critical"]').length)) >= 3, { timeoutMs: 60_000 });
    const labels = () => p.evaluate(() => document.querySelectorAll('.diagram-tile-labels .tile-label').length);
    assert.equal(await labels(), 0, 'no label written at full view');
    const full = await p.evaluate(readInView);
    assert.ok(full.named < full.inView, `at full view most tiles are unnamed: ${full.named} of ${full.inView}`);
    for (let i = 0; i < 15 && (await labels()) === 0; i += 1) {
      await p.click('.diagram-zoom-in');
      await p.waitForTimeout(50);
    }
    const zoomed = await p.evaluate(readInView);
    assert.ok(zoomed.inView > 0 && zoomed.inView < 200, `part of the drawing in view: ${zoomed.inView}`);
    assert.deepEqual(zoomed.unnamed, [], `every service in view named (${zoomed.named} of ${zoomed.inView})`);
    assert.ok(zoomed.smallest >= 12, `smallest name in view ${zoomed.smallest?.toFixed(1)} px`);
    assert.ok(await labels() < 200, 'labels only for the tiles in view and near it');
    await p.click('.diagram-zoom-reset');
    await waitFor('labels gone at full view', async () => (await labels()) === 0, { timeoutMs: 5_000 });
  } finally {
    await p.close();
  }
});
