// Offline for hours, laptop sleep, network back (issue 13): the screen recovers by
// itself, without a reload, through real nginx, Prometheus, the simulator and Chromium.
//
// Three ways to lose the data, each longer than the configuration's stale_after_secs
// (8 s here), so the screen goes from current to last known to expired (every status
// unknown, never a green) and back:
// (a) nginx stopped and started again on the same port (the server gone: connections
//     refused, the page's own index.html and configuration unreachable too);
// (b) the browser offline (DevTools protocol network emulation);
// (c) a sleep: the page's script stopped (the debugger pauses it: no timer, no
//     callback runs, as in a suspended laptop) while the wall clock runs on, then woken.
// "Without a reload" is checked by a marker set on the window at the start, which a
// reload would lose, and by counting the page's document loads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  recordConsole, referenceConfig, startProcess, startStack, untilSeen, waitFor,
} from './harness.mjs';

const STALE_AFTER = 8;

let stack;
/** nginx as started again by test (a), stopped in `after`. */
let nginxAgain;

before(async () => {
  stack = await startStack({ files: { 'panopticon.yaml': referenceConfig({ refresh: 1, staleAfter: STALE_AFTER }) } });
});

after(async () => {
  await nginxAgain?.stop();
  await stack?.stop();
});

function read(page) {
  return page.evaluate(() => {
    const banner = document.querySelector('[data-testid="cluster-status"]');
    const services = [...document.querySelectorAll('g[data-service]')].map((g) => g.dataset.status);
    return {
      marker: window.__sameDocument ?? null,
      cluster: banner?.dataset.status,
      freshness: document.querySelector('[data-testid="data-age"]')?.dataset.freshness,
      age: document.querySelector('[data-testid="data-age"]')?.textContent,
      sourceError: document.querySelector('[data-testid="source-error"]')?.textContent ?? null,
      rejected: document.querySelector('[data-testid="config-rejected"]')?.textContent ?? null,
      services,
    };
  });
}

/** A dashboard page, healthy and current, marked so a reload would show. */
async function openMarked(query = '') {
  const page = await stack.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const log = recordConsole(page);
  // Document loads (a same-document URL change, which the app makes, is none).
  let loads = 0;
  page.on('load', () => { loads += 1; });
  await page.goto(`${stack.nginx.url}/${query}`);
  const until = (what, ok, timeoutMs = 30_000) => untilSeen(what, () => read(page), ok, {
    log, timeoutMs, consoleLines: 15,
  });
  await until('healthy and current', current);
  await page.evaluate(() => { window.__sameDocument = 'still here'; });
  return { page, log, until, loads: () => loads };
}

const current = (d) => d.cluster === 'healthy' && d.freshness === 'fresh' && d.sourceError === null
  && d.services.length > 0 && d.services.every((s) => s === 'healthy');
const expired = (d) => d.freshness === 'expired' && d.cluster === 'unknown'
  && d.services.length > 0 && d.services.every((s) => s === 'unknown');

/** The way back: current again in the same document, no navigation since the load. */
async function recovered(dash, t) {
  const from = Date.now();
  const back = await dash.until('current again without a reload', current, 40_000);
  assert.equal(back.marker, 'still here', 'the same document: no reload');
  assert.equal(dash.loads(), 1, 'no document loaded since the first');
  assert.equal(back.rejected, null, 'an unreachable server rejects no configuration');
  assert.match(back.age, /updated \d+ s ago/);
  t.diagnostic(`current again ${Date.now() - from} ms after the way back`);
  return back;
}

describe('offline for a while, then back', () => {
  test('(a) nginx stopped for longer than stale_after, then started on the same port', async (t) => {
    await stack.sim.reset();
    // The page also asks for its own index.html and configuration every 5 s meanwhile.
    const dash = await openMarked('?recheck=5s');
    try {
      await stack.nginx.proc.stop();
      const down = await dash.until('a source error', (d) => d.sourceError !== null);
      assert.notEqual(down.cluster, 'healthy', 'no green once the source is gone');
      await dash.until('expired: every status unknown', expired);
      // Longer than a few rechecks: an unreachable server is no new build.
      await new Promise((r) => setTimeout(r, 6_000));
      const still = await read(dash.page);
      assert.ok(expired(still), JSON.stringify(still));
      assert.equal(still.marker, 'still here');

      const { dir } = stack.nginx;
      nginxAgain = startProcess('nginx', '/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')]);
      await waitFor('nginx to answer again', async () => {
        if (nginxAgain.exited) throw new Error(`nginx exited:\n${nginxAgain.log()}`);
        return (await fetch(`${stack.nginx.url}/`, { signal: AbortSignal.timeout(2_000) })).ok;
      });
      await recovered(dash, t);
    } finally {
      await dash.page.close();
    }
  });

  test('(b) the browser offline (network emulation) for longer than stale_after, then online', async (t) => {
    await stack.sim.reset();
    const dash = await openMarked();
    const cdp = await dash.page.context().newCDPSession(dash.page);
    try {
      await cdp.send('Network.enable');
      const conditions = { latency: 0, downloadThroughput: -1, uploadThroughput: -1 };
      await cdp.send('Network.emulateNetworkConditions', { ...conditions, offline: true });
      const down = await dash.until('a source error', (d) => d.sourceError !== null);
      assert.notEqual(down.cluster, 'healthy');
      await dash.until('expired: every status unknown', expired);
      await cdp.send('Network.emulateNetworkConditions', { ...conditions, offline: false });
      await recovered(dash, t);
    } finally {
      await cdp.detach();
      await dash.page.close();
    }
  });

  test('(c) a sleep: the page stopped for longer than stale_after, then woken, catches up', async (t) => {
    await stack.sim.reset();
    const dash = await openMarked();
    const cdp = await dash.page.context().newCDPSession(dash.page);
    try {
      const before = await read(dash.page);
      assert.ok(current(before));
      // When the app's one-second clock rewrites "updated 1 s ago", to prove the
      // sleep stopped it.
      await dash.page.evaluate(() => {
        window.__ticks = [Date.now()];
        const age = document.querySelector('[data-testid="data-age"]');
        new MutationObserver(() => window.__ticks.push(Date.now()))
          .observe(age, { childList: true, characterData: true, subtree: true });
      });
      // Everything the page runs stops at its next task, as in a suspended laptop.
      // (Page.setWebLifecycleState 'frozen' left a visible headless page's
      // timers running.)
      await cdp.send('Debugger.enable');
      const paused = new Promise((resolve) => cdp.once('Debugger.paused', resolve));
      await cdp.send('Debugger.pause');
      await paused;
      await new Promise((r) => setTimeout(r, (STALE_AFTER + 4) * 1_000));
      // A fault happens during the sleep: the woken screen must show it, not the
      // green it fell asleep with.
      await stack.sim.scenario('gluster-not-writeable');
      await new Promise((r) => setTimeout(r, 3_000));
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.disable');
      const woken = Date.now();
      // At once (within a tick of the clock) the old green is no longer shown as current.
      const first = await dash.until('the old data judged by its age', (d) => d.freshness !== 'fresh' || d.cluster === 'critical', 5_000);
      assert.notEqual(first.cluster, 'healthy', `the green from before the sleep is not current: ${JSON.stringify(first)}`);
      const back = await dash.until('critical, current', (d) => d.cluster === 'critical' && d.freshness === 'fresh', 20_000);
      assert.equal(back.marker, 'still here');
      assert.equal(dash.loads(), 1);
      assert.ok(Date.now() - woken < 20_000);
      const gap = await dash.page.evaluate(() => Math.max(...window.__ticks.slice(1).map((at, i) => at - window.__ticks[i])));
      assert.ok(gap >= STALE_AFTER * 1_000, `the page's timers stood still while asleep (longest gap ${gap} ms)`);
      t.diagnostic(`timers stood still for ${gap} ms; critical and current ${Date.now() - woken} ms after waking`);
      await stack.sim.reset();
      await recovered(dash, t);
    } finally {
      await cdp.detach();
      await dash.page.close();
      await stack.sim.reset();
    }
  });
});
