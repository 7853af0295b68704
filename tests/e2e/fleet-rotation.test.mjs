// Rotation over the fleet (`?rotate=` on a configuration with `clusters:`): the overview,
// then each cluster's dashboard worst first, then the overview again; paused while someone
// uses the screen; a cluster turning critical brings the overview back at once and its tile
// flashes once (no animation with prefers-reduced-motion). Two simulated clusters, each
// scraped by its own real Prometheus, and a third whose source cannot be reached.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, recordConsole, suiteParts, untilSeen, waitFor } from './harness.mjs';
import { fleetConfig, startFleet, withoutGone } from './fleet-stack.mjs';

const parts = suiteParts();
let sim2;
let nginx;
let browser;

before(async () => {
  ({ sim2, nginx } = await startFleet(parts, { 'panopticon.yaml': fleetConfig() }));
  browser = await launchBrowser();
  parts.keep(() => browser.close());
});

after(() => parts.stopAll());

/** What is on screen: `fleet` (the overview) or the open cluster's name, and the rotation's state. */
function look(page) {
  return page.evaluate(() => {
    const open = document.querySelector('[data-testid="fleet-cluster"]');
    const fleet = document.querySelector('[data-testid="fleet"]');
    return {
      shown: open ? open.textContent.replace(/^Cluster /, '') : fleet ? 'fleet' : 'loading',
      tiles: [...document.querySelectorAll('[data-testid="cluster-tile"]')].map((t) => `${t.dataset.cluster}:${t.dataset.status}`).join(' '),
      cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status ?? null,
      rotation: document.querySelector('.fleet-page, .dashboard')?.dataset.rotation ?? null,
      search: location.search,
    };
  });
}

function until(page, log, what, wanted, timeoutMs = 30_000) {
  return untilSeen(what, () => look(page), wanted, { log: withoutGone(log), timeoutMs, intervalMs: 150 });
}

/** The views shown during `ms`, each once per appearance. */
async function shownDuring(page, ms) {
  const seen = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const { shown } = await look(page);
    if (shown !== 'loading' && seen.at(-1) !== shown) seen.push(shown);
    await new Promise((r) => setTimeout(r, 150));
  }
  return seen;
}

/** Notes a flashing tile's animation the first time one appears. */
function watchFlash() {
  const note = () => {
    const tile = document.querySelector('.cluster-tile.tile-flash');
    if (tile && window.__flash === undefined) window.__flash = { name: tile.dataset.cluster, animation: getComputedStyle(tile).animationName };
  };
  new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
}

describe('rotation over the fleet', () => {
  test('?rotate=4s: the overview, then each cluster worst first, then the overview; the URL round-trips; paused while in use', async () => {
    await sim2.scenario('consul-no-quorum');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const log = recordConsole(page);
    try {
      await page.goto(`${nginx.url}/?rotate=4s`);
      await until(page, log, 'the overview, worst first', (s) => s.tiles === 'beta:critical gamma:unknown alpha:healthy');
      const seen = await shownDuring(page, 4_000 * 5 + 2_000);
      const cycle = ['fleet', 'beta', 'gamma', 'alpha', 'fleet'];
      assert.ok(seen.join(' ').includes(cycle.join(' ')), `a cycle ${cycle.join(' ')} in: ${seen.join(' ')}`);
      // A cluster's dashboard shown by the rotation runs no view rotation of its own,
      // and says the fleet's rotation runs.
      const onCluster = await until(page, log, 'a cluster shown', (s) => s.shown !== 'fleet');
      assert.equal(onCluster.rotation, 'running');
      assert.match(onCluster.search, /[?&]rotate=4s(&|$)/);
      assert.match(onCluster.search, new RegExp(`[?&]cluster=${onCluster.shown}(&|$)`));
      // Its URL reproduces the screen, rotating on from it.
      const copy = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await copy.goto(`${nginx.url}/${onCluster.search}`);
        const again = await until(copy, log, 'the same cluster', (s) => s.shown === onCluster.shown && s.cluster !== null);
        assert.equal(again.rotation, 'running');
        await until(copy, log, 'the rotation going on', (s) => s.shown !== onCluster.shown, 10_000);
      } finally {
        await copy.close();
      }
      // Someone moves the mouse every half second: nothing switches, and the page says why.
      await until(page, log, 'the overview', (s) => s.shown === 'fleet');
      const at = (await look(page)).shown;
      for (let i = 0; i < 20; i += 1) {
        await page.mouse.move(20 + i * 10, 20 + i * 5);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal((await look(page)).shown, at, `switched while in use (${i})`);
      }
      assert.equal((await look(page)).rotation, 'paused');
    } finally {
      await page.close();
      await sim2.reset();
    }
  });

  test('a cluster turning critical brings the overview back, its tile flashes once (not with reduced motion)', async () => {
    for (const reducedMotion of ['no-preference', 'reduce']) {
      await sim2.reset();
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
      const page = await ctx.newPage();
      const log = recordConsole(page);
      await page.addInitScript(watchFlash);
      try {
        // Alpha's dashboard, opened by its URL; the rotation would leave it only after 30 s.
        await page.goto(`${nginx.url}/?rotate=30s&cluster=alpha`);
        await until(page, log, 'alpha healthy', (s) => s.shown === 'alpha' && s.cluster === 'healthy');
        // Long enough for beta's first answers (healthy) to be judged in the background.
        await new Promise((r) => setTimeout(r, 3_000));
        assert.equal((await look(page)).shown, 'alpha');
        await sim2.scenario('consul-no-quorum');
        const jumped = await until(page, log, 'the overview, beta critical', (s) => s.shown === 'fleet' && s.tiles.startsWith('beta:critical'), 20_000);
        assert.doesNotMatch(jumped.search, /cluster=/);
        const flash = await waitFor('the flash', () => page.evaluate(() => window.__flash), { timeoutMs: 5_000 });
        assert.deepEqual(flash, { name: 'beta', animation: reducedMotion === 'reduce' ? 'none' : 'tile-flash' });
        // Once: the class goes again.
        await waitFor('the flash over', () => page.evaluate(() => !document.querySelector('.tile-flash')), { timeoutMs: 5_000 });
      } finally {
        await ctx.close();
      }
    }
    await sim2.reset();
  });
});
