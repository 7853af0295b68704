// The fleet overview (issue 15): two simulated clusters, each scraped by its own real
// Prometheus (the second behind the shipped nginx's /sources/second/), and a third
// cluster whose source cannot be reached (/sources/gone/, an upstream nobody listens on).
// The configuration is the reference cluster's with `clusters:` one per source. Three
// tiles, worst first: the second cluster with a fault injected is critical, the
// unreachable one unknown saying why, the first healthy; a click opens a cluster's own
// dashboard, fleet-back returns, ?cluster= round-trips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { artifactsDir, launchBrowser, recordConsole, showWithPage, suiteParts, untilSeen } from './harness.mjs';
import { fleetConfig, startFleet, withoutGone } from './fleet-stack.mjs';

/** 24 clusters over the three sources (a wall's worth), refreshed every 2 s. */
const WALL = `
clusters:
${[
    ...Array.from({ length: 10 }, (_, i) => `  - { name: prod-eu-${String(i + 1).padStart(2, '0')}, source: main }`),
    ...Array.from({ length: 8 }, (_, i) => `  - { name: prod-us-${String(i + 1).padStart(2, '0')}, source: second }`),
    ...Array.from({ length: 6 }, (_, i) => `  - { name: edge-ap-${String(i + 1).padStart(2, '0')}, source: gone }`),
  ].join('\n')}
`;

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's WCAG 2.2 A/AA rules and the landmark/heading ones a11y.test.mjs runs, as lines. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) {
    await page.evaluate(axeSource);
  }
  return page.evaluate(async () => {
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
    const rules = [...window.axe.getRules(tags).map((r) => r.ruleId), 'landmark-one-main', 'page-has-heading-one', 'region'];
    const r = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
    return r.violations.map((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ')}`)).flat();
  });
}

/** One cluster per value of a label-values variable: the jobs Prometheus knows. */
const BY_JOB = `
datasource: { refresh_secs: 1, timeout_secs: 2, stale_after_secs: 30 }
variables:
  - name: job
    label_values: { label: job, match: 'up{job=~"consul|node"}' }
services:
  - id: up
    name: Exporters up
    checks:
      - id: up
        query: 'up{job="$job"}'
        instances: 4
        rule: { kind: equals, expected: 1, otherwise: critical }
clusters: { variable: job }
`;

const parts = suiteParts();
let sim2;
let site;
let nginx;
let browser;

before(async () => {
  ({ sim2, nginx, site } = await startFleet(parts, {
    'panopticon.yaml': fleetConfig(), 'wall.yaml': fleetConfig(WALL, 2), 'by-job.yaml': BY_JOB,
  }));
  browser = await launchBrowser();
  parts.keep(() => browser.close());
});

after(() => parts.stopAll());

/** The tiles in page order, the cluster dashboard's status, and the page's text. */
function look(page) {
  return page.evaluate(() => ({
    tiles: [...document.querySelectorAll('[data-testid="fleet"] [data-testid="cluster-tile"]')].map((t) => ({
      name: t.dataset.cluster, status: t.dataset.status, text: t.textContent,
    })),
    back: !!document.querySelector('[data-testid="fleet-back"]'),
    rejected: !!document.querySelector('[data-testid="config-rejected"]'),
    cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status ?? null,
    search: location.search,
    text: document.body.textContent,
  }));
}

function until(page, what, wanted, log) {
  return untilSeen(what, () => look(page), wanted, {
    log: withoutGone(log), timeoutMs: 60_000, show: showWithPage,
  });
}

/** Each instant query the page sends, by source. */
function recordQueries(page) {
  const seen = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    const m = url.pathname.match(/^\/(prometheus|sources\/([a-z0-9_-]+))\/api\/v1\/query$/);
    if (!m) return;
    const form = new URLSearchParams(req.postData() ?? url.search);
    seen.push({ source: m[2] ?? 'main', query: form.get('query') ?? '', at: Date.now() });
  });
  return seen;
}

const order = (s) => s.tiles.map((t) => `${t.name}:${t.status}`).join(' ');

describe('fleet overview', () => {
  test('three clusters, worst first: a fault is critical, the unreachable one unknown with why; open and back', async () => {
    await sim2.scenario('consul-no-quorum');
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    const queries = recordQueries(page);
    try {
      await page.goto(`${nginx.url}/`);
      const fleet = await until(page, 'beta critical, gamma unknown, alpha healthy, in that order',
        (s) => order(s) === 'beta:critical gamma:unknown alpha:healthy', log);
      const gamma = fleet.tiles.find((t) => t.name === 'gamma');
      assert.match(gamma.text, /502|Bad Gateway|unreachable/i, `the unreachable cluster says why: ${gamma.text}`);
      assert.doesNotMatch(fleet.tiles[0].text, /All \d+ services healthy/, fleet.tiles[0].text);
      // Each cluster asks its own source; none asks another's.
      const bySource = (name) => queries.filter((q) => q.source === name).length;
      assert.ok(bySource('main') > 0 && bySource('second') > 0 && bySource('gone') > 0,
        JSON.stringify({ main: bySource('main'), second: bySource('second'), gone: bySource('gone') }));
      // Each (source, query) pair once per refresh: over three one-second refreshes, no
      // pair more than four times (two clusters asking the same pair would double it).
      const t0 = Date.now();
      await new Promise((r) => setTimeout(r, 3_000));
      const counts = new Map();
      for (const q of queries.filter((x) => x.at >= t0)) {
        const key = `${q.source} ${q.query}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      assert.ok(counts.size >= 3, `queries seen: ${[...counts.keys()]}`);
      assert.ok([...counts.values()].every((n) => n <= 4), JSON.stringify([...counts.entries()].map(([k, n]) => [k.slice(0, 60), n])));
      fs.mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: path.join(artifactsDir, 'fleet-3-clusters-1920x1080.png') });

      // A click opens the cluster's own dashboard, its banner as on any dashboard.
      await page.click('[data-testid="cluster-tile"][data-cluster="beta"]');
      const beta = await until(page, 'beta\'s dashboard, critical, with the way back',
        (s) => s.back && s.cluster === 'critical' && s.tiles.length === 0, log);
      assert.match(beta.search, /[?&]cluster=beta(&|$)/);
      await page.click('[data-testid="fleet-back"]');
      const back = await until(page, 'the fleet again', (s) => !s.back && s.tiles.length === 3, log);
      assert.doesNotMatch(back.search, /cluster=/);
      // Every cluster was judged all along: back at once as it was, not waiting for data.
      assert.equal(order(back), 'beta:critical gamma:unknown alpha:healthy');

      // ?cluster= opens a cluster directly; the unreachable one shows its outage.
      await page.goto(`${nginx.url}/?cluster=gamma`);
      // Unknown at once (waiting for the first data), then unknown saying why: wait for the why.
      const gone = await until(page, 'gamma\'s dashboard, unknown saying why',
        (s) => s.back && s.cluster === 'unknown' && /502|Bad Gateway|unreachable/i.test(s.text), log);
      assert.doesNotMatch(gone.text, /waiting for the first data/i, gone.text.slice(0, 600));
      await page.goto(`${nginx.url}/?cluster=alpha`);
      await until(page, 'alpha\'s dashboard, healthy', (s) => s.back && s.cluster === 'healthy', log);
      // An unknown name is not obeyed: the fleet, saying so.
      await page.goto(`${nginx.url}/?cluster=nope`);
      await until(page, 'the fleet with a notice', (s) => s.tiles.length === 3, log);
      assert.match(await page.locator('[data-testid="fleet-notice"]').textContent(), /no cluster "nope" to open/);
    } finally {
      await page.close();
      await sim2.reset();
    }
  });

  test('24 clusters: every tile on one 1920x1080 screen, status word and name at 400x300; screenshots', async () => {
    await sim2.scenario('consul-no-quorum');
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    // The page's running setInterval timers, counted from before the app's scripts.
    await page.addInitScript(() => {
      const live = new Set();
      const set = window.setInterval.bind(window);
      const clear = window.clearInterval.bind(window);
      window.setInterval = (...a) => { const id = set(...a); live.add(id); return id; };
      window.clearInterval = (id) => { live.delete(id); clear(id); };
      window.__intervals = () => live.size;
    });
    try {
      await page.goto(`${nginx.url}/?config=wall.yaml`);
      await until(page, '24 tiles, each cluster judged', (s) => s.tiles.length === 24
        && s.tiles.filter((t) => t.status === 'critical').length === 8
        && s.tiles.filter((t) => t.status === 'unknown').length === 6
        && s.tiles.filter((t) => t.status === 'healthy').length === 10, log);
      assert.equal(await page.evaluate(() => window.__intervals()), 2, 'one refresh interval and one clock for 24 clusters');
      const announced = await page.locator('[data-testid="fleet-announcement"]').textContent();
      assert.equal(announced, 'Fleet: 8 critical, 6 unknown, 10 healthy');
      fs.mkdirSync(artifactsDir, { recursive: true });
      const fits = () => page.evaluate(() => {
        const tiles = [...document.querySelectorAll('[data-testid="cluster-tile"]')];
        const offscreen = tiles.filter((t) => t.getBoundingClientRect().bottom > innerHeight + 0.5
          || t.getBoundingClientRect().right > innerWidth + 0.5).map((t) => t.dataset.cluster);
        const unreadable = tiles.filter((t) => {
          const word = t.querySelector('.tile-word');
          const name = t.querySelector('.tile-name');
          return !word || !name || word.getBoundingClientRect().height < 8 || name.getBoundingClientRect().width < 20;
        }).map((t) => t.dataset.cluster);
        // How far down the tiles reach (a wall's screen is filled, not its top half).
        const filled = Math.max(...tiles.map((t) => t.getBoundingClientRect().bottom)) / innerHeight;
        const nameFont = tiles[0] ? parseFloat(getComputedStyle(tiles[0].querySelector('.tile-name')).fontSize) : 0;
        return { offscreen, unreadable, filled, nameFont, scroll: document.scrollingElement.scrollHeight - innerHeight };
      });
      const shot = async (w, h, name) => {
        await page.setViewportSize({ width: w, height: h });
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(artifactsDir, name) });
        return fits();
      };
      const hd = await shot(1920, 1080, 'fleet-24-clusters-1920x1080.png');
      const found = (await axeViolations(page)).map((l) => `dark 1920: ${l}`);
      assert.deepEqual(hd.offscreen, [], `every tile on one 1920x1080 screen: ${JSON.stringify(hd)}`);
      assert.deepEqual(hd.unreadable, []);
      assert.ok(hd.filled > 0.95, `the tiles fill the screen: ${JSON.stringify(hd)}`);
      const uhd = await shot(3840, 2160, 'fleet-24-clusters-3840x2160.png');
      assert.deepEqual(uhd.offscreen, [], JSON.stringify(uhd));
      assert.ok(uhd.filled > 0.95, JSON.stringify(uhd));
      // Readable from as far away as at 1920x1080: the text grows with the screen.
      assert.ok(uhd.nameFont > 1.8 * hd.nameFont, `names at 4K ${uhd.nameFont} px, at 1920x1080 ${hd.nameFont} px`);
      const small = await shot(400, 300, 'fleet-24-clusters-400x300.png');
      assert.deepEqual(small.offscreen, [], `every tile inside 400x300: ${JSON.stringify(small)}`);
      assert.deepEqual(small.unreadable, [], `status word and name at 400x300: ${JSON.stringify(small)}`);
      found.push(...(await axeViolations(page)).map((l) => `dark 400x300: ${l}`));
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${nginx.url}/?config=wall.yaml&theme=light`);
      await until(page, '24 tiles again', (s) => s.tiles.length === 24 && s.tiles[0].status === 'critical', log);
      await shot(1920, 1080, 'fleet-24-clusters-1920x1080-light.png');
      found.push(...(await axeViolations(page)).map((l) => `light 1920: ${l}`));
      // A cluster's dashboard under the strip back to the fleet.
      await page.click('[data-testid="cluster-tile"][data-cluster="prod-us-01"]');
      await until(page, 'prod-us-01 open', (s) => s.back && s.cluster === 'critical', log);
      await shot(1920, 1080, 'fleet-cluster-open-1920x1080-light.png');
      found.push(...(await axeViolations(page)).map((l) => `cluster page: ${l}`));
      await shot(400, 300, 'fleet-cluster-open-400x300-light.png');
      found.push(...(await axeViolations(page)).map((l) => `cluster page 400x300: ${l}`));
      const strip = await page.evaluate(() => {
        const back = document.querySelector('[data-testid="fleet-back"]').getBoundingClientRect();
        const banner = document.querySelector('[data-testid="cluster-status"]').getBoundingClientRect();
        return { back: back.bottom <= innerHeight && back.height > 10, banner: banner.top >= back.bottom && banner.bottom <= innerHeight };
      });
      assert.deepEqual(strip, { back: true, banner: true }, 'at 400x300 the way back and the banner are both on screen');
      await page.setViewportSize({ width: 1920, height: 1080 });
      assert.deepEqual(found, [], `axe found ${found.length} violations:\n${found.join('\n')}`);
      // A wall: ?kiosk on the fleet, still two timers.
      await page.goto(`${nginx.url}/?config=wall.yaml&kiosk`);
      await until(page, '24 tiles in kiosk mode', (s) => s.tiles.length === 24 && s.tiles[0].status === 'critical', log);
      assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-kiosk')), true);
      assert.equal(await page.evaluate(() => window.__intervals()), 2, 'kiosk adds no timer');
      await shot(1920, 1080, 'fleet-24-clusters-kiosk-1920x1080.png');
    } finally {
      await page.close();
      await sim2.reset();
    }
  });

  test('a fleet by a label-values variable: one tile per value Prometheus answers, each bound to it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const log = recordConsole(page);
    const queries = recordQueries(page);
    try {
      await page.goto(`${nginx.url}/?config=by-job.yaml&recheck=5s`);
      const fleet = await until(page, 'consul and node, healthy', (s) => order(s) === 'consul:healthy node:healthy', log);
      assert.equal(fleet.tiles.length, 2);
      // Each cluster asked its own binding of the check.
      for (const job of ['consul', 'node']) {
        assert.ok(queries.some((q) => q.query.includes(`up{job="${job}"}`)), `${job}: ${queries.map((q) => q.query).slice(0, 4)}`);
      }
      // A refused new configuration never replaces the working fleet; it is named.
      fs.writeFileSync(path.join(site.dir, 'by-job.yaml'), BY_JOB.replace('{ variable: job }', '{ variable: jb }'));
      try {
        await until(page, 'the new configuration rejected, the fleet kept', (s) => s.rejected && s.tiles.length === 2, log);
        assert.match(await page.locator('[data-testid="config-rejected"]').textContent(), /no variable "jb" is declared/);
      } finally {
        fs.writeFileSync(path.join(site.dir, 'by-job.yaml'), BY_JOB);
      }
      await page.click('[data-testid="cluster-tile"][data-cluster="node"]');
      const node = await until(page, 'node\'s dashboard', (s) => s.back && s.cluster === 'healthy', log);
      assert.match(node.search, /cluster=node/);
      assert.equal(await page.locator('[data-testid="variable"]').count(), 0, 'a cluster\'s variables are its own: no picker');
    } finally {
      await page.close();
    }
  });
});
