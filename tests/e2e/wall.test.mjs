// Wall screens that run for weeks (issue 13, the wall half), through real nginx,
// Prometheus, the simulator and Chromium: history that survives a reload, kiosk mode,
// new builds and configurations reaching the screen, rotation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, referenceConfig, startStack, waitFor,
} from './harness.mjs';

let stack;

before(async () => {
  stack = await startStack({ files: { 'panopticon.yaml': referenceConfig() } });
});

after(async () => {
  await stack?.stop();
});

const HISTORY_KEY = 'panopticon.history:panopticon.yaml';

/** A new page on the dashboard; `init` runs before the page's own scripts. */
async function open(query = '', { viewport = { width: 1280, height: 800 }, init, context } = {}) {
  const ctx = context ?? await stack.browser.newContext({ viewport });
  const page = await ctx.newPage();
  const log = recordConsole(page);
  if (init) await page.addInitScript(init.fn, init.arg);
  await page.goto(`${stack.nginx.url}/${query}`);
  const close = async () => {
    if (!context) await ctx.close();
    else await page.close();
  };
  return { page, log, ctx, close };
}

async function until(page, log, what, fn, arg, timeoutMs = 25_000) {
  let last;
  try {
    return await waitFor(what, async () => {
      last = await page.evaluate(fn, arg);
      return last || null;
    }, { timeoutMs, intervalMs: 200 });
  } catch (e) {
    throw new Error(`${e.message}\nlast seen: ${JSON.stringify(last)}\nconsole:\n${log.slice(-20).join('\n')}`);
  }
}

const clusterStatus = () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status;

describe('history survives a reload', () => {
  test('transitions seen before a reload are listed after it, and stored once per configuration', async () => {
    await stack.sim.reset();
    const { page, log, close } = await open();
    try {
      await until(page, log, 'healthy', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy');
      await stack.sim.scenario('consul-no-quorum');
      const before = await until(page, log, 'a transition of consul listed', () => {
        const items = [...document.querySelectorAll('[data-testid="recent-changes"] li')].map((li) => li.textContent);
        return items.some((t) => /Consul/.test(t) && /critical/.test(t)) ? items : null;
      });
      const stored = await page.evaluate((k) => localStorage.getItem(k), HISTORY_KEY);
      assert.ok(stored?.startsWith('panopticon-history 1\n'), `stored: ${stored?.slice(0, 80)}`);
      await stack.sim.reset();
      await page.reload();
      // Listed again from the first evaluation on, whatever the cluster shows now.
      const after = await until(page, log, 'the earlier transitions listed again', (want) => {
        const items = [...document.querySelectorAll('[data-testid="recent-changes"] li')].map((li) => li.textContent);
        return want.every((w) => items.includes(w)) ? items : null;
      }, before);
      assert.ok(after.length >= before.length);
      // The service's own detail lists them too.
      await page.locator('[data-service="consul"]').first().click();
      const detail = await until(page, log, 'consul detail lists its transitions', () => {
        const items = [...document.querySelectorAll('[data-testid="service-detail"] .transitions li')];
        return items.length > 0 ? items.map((li) => li.textContent) : null;
      });
      assert.ok(detail.some((t) => /critical/.test(t)), JSON.stringify(detail));
    } finally {
      await close();
      await stack.sim.reset();
    }
  });

  test('a stored history sets no status, and a corrupt entry drops alone', async () => {
    await stack.sim.reset();
    const at = Date.now() / 1000 - 120;
    const text = [
      'panopticon-history 1',
      `${at}\tconsul\thealthy\tcritical\tConsul: remembered outage`,
      'garbage line',
      `NaN\tconsul\thealthy\tcritical\tnot a time`,
      `${at + 1}\tno-such-service\thealthy\tcritical\tforgotten service`,
      `${at + 2}\tconsul\thealthy\tgreenish\tbad status`,
      `${at + 3}\tconsul\tcritical\thealthy\tConsul: remembered recovery <img src=x onerror=alert(1)>`,
      '',
    ].join('\n');
    const { page, log, close } = await open('', {
      init: { fn: ([k, v]) => { if (!sessionStorage.getItem('seeded')) { localStorage.setItem(k, v); sessionStorage.setItem('seeded', '1'); } }, arg: [HISTORY_KEY, text] },
    });
    try {
      const items = await until(page, log, 'the two valid entries listed', () => {
        const li = [...document.querySelectorAll('[data-testid="recent-changes"] li')].map((l) => l.textContent);
        return li.length >= 2 ? li : null;
      });
      assert.equal(items.length, 2, JSON.stringify(items));
      assert.match(items[0], /remembered recovery <img src=x onerror=alert\(1\)>/, 'newest first, shown as text');
      assert.match(items[1], /remembered outage/);
      assert.equal(await page.locator('[data-testid="recent-changes"] img').count(), 0, 'hostile text stays inert');
      // The cluster is healthy now: the remembered critical is history, not a status.
      await until(page, log, 'healthy from current data', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy');
      // What is written back is the valid part only.
      const stored = await until(page, log, 'history written back', (k) => {
        const t = localStorage.getItem(k);
        return t && !t.includes('garbage') ? t : null;
      }, HISTORY_KEY);
      assert.equal(stored.trim().split('\n').length, 3, stored);
    } finally {
      await close();
    }
  });
});
