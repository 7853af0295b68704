// Wall screens that run for weeks (issue 13, the wall half), through real nginx,
// Prometheus, the simulator and Chromium: history that survives a reload, kiosk mode,
// new builds and configurations reaching the screen, rotation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  recordConsole, referenceConfig, startStack, untilSeen, waitFor,
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

function until(page, log, what, fn, arg, timeoutMs = 25_000) {
  return untilSeen(what, () => page.evaluate(fn, arg), (last) => last, {
    log, timeoutMs, intervalMs: 200, consoleLines: 20,
  });
}

const clusterStatus = () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status;

describe('history survives a reload', () => {
  test('transitions seen before a reload are listed after it, and stored once per configuration', async () => {
    await stack.sim.reset();
    const { page, log, close } = await open();
    try {
      await until(page, log, 'healthy', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy');
      await stack.sim.scenario('consul-no-quorum');
      await until(page, log, 'a transition of consul listed', () => {
        const items = [...document.querySelectorAll('[data-testid="recent-changes"] li')].map((li) => li.textContent);
        return items.some((t) => /^\S+ consul: healthy → critical/.test(t));
      });
      await stack.sim.reset();
      // Recovered, and nothing changes any more: what is listed now must be listed after the reload.
      const before = await until(page, log, 'the recovery listed', () => {
        const items = [...document.querySelectorAll('[data-testid="recent-changes"] li')].map((li) => li.textContent);
        const healthy = document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy';
        // Down to healthy directly or through warning (an alert on the recovered
        // agent can still fire for a rule evaluation after the checks are green).
        return healthy && items.some((t) => /^\S+ consul: \S+ → healthy/.test(t)) ? items : null;
      });
      const stored = await page.evaluate((k) => localStorage.getItem(k), HISTORY_KEY);
      assert.ok(stored?.startsWith('panopticon-history 1\n'), `stored: ${stored?.slice(0, 80)}`);
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
      assert.ok(detail.some((t) => /healthy → critical/.test(t)), JSON.stringify(detail));
      assert.ok(detail.some((t) => /\S+ → healthy/.test(t)), JSON.stringify(detail));
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
      // Newest first, shown as text; nothing of the bad lines (the cluster's own
      // changes since the load may come first).
      const recovery = items.findIndex((t) => t.includes('remembered recovery <img src=x onerror=alert(1)>'));
      const outage = items.findIndex((t) => t.includes('remembered outage'));
      assert.ok(recovery >= 0 && outage === recovery + 1, JSON.stringify(items));
      for (const bad of ['not a time', 'forgotten service', 'bad status']) {
        assert.ok(!items.some((t) => t.includes(bad)), `${bad}: ${JSON.stringify(items)}`);
      }
      assert.equal(await page.locator('[data-testid="recent-changes"] img').count(), 0, 'hostile text stays inert');
      // The cluster is healthy now: the remembered critical is history, not a status.
      await until(page, log, 'healthy from current data', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy');
      // What is written back is the valid part only.
      const stored = await until(page, log, 'history written back', (k) => {
        const t = localStorage.getItem(k);
        return t && !t.includes('garbage') ? t : null;
      }, HISTORY_KEY);
      const lines = stored.trim().split('\n');
      assert.equal(lines[0], 'panopticon-history 1');
      assert.ok(lines.some((l) => l.includes('remembered outage')) && lines.some((l) => l.includes('remembered recovery')), stored);
      for (const bad of ['garbage', 'not a time', 'forgotten service', 'bad status']) {
        assert.ok(!stored.includes(bad), `${bad} written back: ${stored}`);
      }
    } finally {
      await close();
    }
  });
});

/** Counts the page's setInterval timers still running (installed before the app's scripts). */
const countIntervals = {
  fn: () => {
    const live = new Set();
    const set = window.setInterval.bind(window);
    const clear = window.clearInterval.bind(window);
    window.setInterval = (...a) => { const id = set(...a); live.add(id); return id; };
    window.clearInterval = (id) => { live.delete(id); clear(id); };
    window.__intervals = () => live.size;
  },
};

const kioskLook = () => {
  const root = document.documentElement;
  const visible = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden');
  const word = document.querySelector('.banner-word');
  const diagram = document.querySelector('.diagram-canvas')?.getBoundingClientRect();
  return {
    kiosk: root.hasAttribute('data-kiosk'),
    idle: root.hasAttribute('data-idle'),
    wakeLock: root.dataset.wakeLock ?? null,
    tabs: visible('[data-testid="view-tab"]'),
    themeToggle: visible('.theme-toggle'),
    dataAge: visible('[data-testid="data-age"]'),
    graphs: document.querySelectorAll('[data-testid="graph"]').length,
    wordPx: word ? parseFloat(getComputedStyle(word).fontSize) : 0,
    diagramArea: diagram ? (diagram.width * diagram.height) / (innerWidth * innerHeight) : 0,
    scroll: document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth,
    translate: getComputedStyle(document.querySelector('.dashboard')).translate,
    shift: [root.style.getPropertyValue('--burn-in-x'), root.style.getPropertyValue('--burn-in-y')],
    intervals: window.__intervals?.(),
  };
};

/** Waits until the kiosk look of `page` passes `pred` (checked here, not in the page). */
function lookUntil(page, log, what, pred, timeoutMs = 25_000) {
  return untilSeen(what, () => page.evaluate(kioskLook), pred, { log, timeoutMs, intervalMs: 200, consoleLines: 20 });
}

describe('kiosk mode', () => {
  for (const [w, h] of [[1920, 1080], [3840, 2160]]) {
    test(`?kiosk at ${w}x${h}: no chrome, no graphs on the overview, a status word in viewport units, the diagram fills the screen`, async () => {
      const { page, log, close } = await open('?kiosk', { viewport: { width: w, height: h }, init: countIntervals });
      try {
        const look = await lookUntil(page, log, 'kiosk drawn', (l) => l.kiosk && l.diagramArea > 0 && l.wordPx > 0);
        assert.equal(look.tabs, false, 'no view tabs');
        assert.equal(look.themeToggle, false, 'no theme button');
        assert.equal(look.dataAge, true, '"updated … ago" stays');
        assert.equal(look.graphs, 0, 'the overview shows no graphs');
        assert.ok(look.wordPx >= 0.1 * Math.min(w, h), `status word ${look.wordPx}px at ${w}x${h}`);
        assert.ok(look.diagramArea > 0.45, `diagram covers ${look.diagramArea} of the screen`);
        assert.equal(look.scroll, false, 'no scroll bars');
        // The dashboard's two timers (refresh and the one-second clock), none of kiosk's own.
        assert.equal(look.intervals, 2);
      } finally {
        await close();
      }
    });
  }

  test('the cursor hides after a few idle seconds and comes back on a move; a wake lock is asked for', async () => {
    const { page, log, close } = await open('?kiosk');
    try {
      await page.mouse.move(100, 100);
      await until(page, log, 'cursor hidden when idle', () => document.documentElement.hasAttribute('data-idle'), undefined, 10_000);
      const cursor = await page.evaluate(() => getComputedStyle(document.querySelector('.cluster-banner')).cursor);
      assert.equal(cursor, 'none');
      await page.mouse.move(300, 300);
      assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-idle')), false);
      const lock = await until(page, log, 'a wake lock asked for', () => document.documentElement.dataset.wakeLock);
      assert.ok(['held', 'refused', 'unavailable'].includes(lock), lock);
    } finally {
      await close();
    }
  });

  test('the layout shift against burn-in follows the clock, and none with prefers-reduced-motion', async () => {
    const moving = await open('?kiosk');
    try {
      const look = await lookUntil(moving.page, moving.log, 'shift set', (l) => l.shift[0]);
      const [x, y] = look.shift;
      assert.match(x, /^-?[0-3]px$/);
      const expected = x === '0px' && y === '0px' ? ['0px', 'none'] : [`${x} ${y}`, y === '0px' ? x : null];
      assert.ok(expected.includes(look.translate), `translate ${look.translate} for ${x} ${y}`);
    } finally {
      await moving.close();
    }
    const ctx = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const still = await open('?kiosk', { context: ctx });
    try {
      const look = await lookUntil(still.page, still.log, 'kiosk', (l) => l.shift[0]);
      assert.equal(look.translate, 'none');
    } finally {
      await ctx.close();
    }
  });

  test('without ?kiosk nothing of it: tabs, graphs, the cursor', async () => {
    const { page, log, close } = await open('');
    try {
      const look = await lookUntil(page, log, 'dashboard', (l) => l.graphs > 0);
      assert.equal(look.kiosk, false);
      assert.equal(look.tabs, true);
      assert.equal(look.wakeLock, null);
      await new Promise((r) => setTimeout(r, 4_000));
      assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-idle')), false);
    } finally {
      await close();
    }
  });
});

/** Writes `name` in the test's site with a new modification time (nginx's ETag is size and mtime). */
function writeSite(name, text) {
  const p = path.join(stack.site.dir, name);
  fs.writeFileSync(p, text, { mode: 0o644 });
  const t = new Date(Date.now() + Math.floor(Math.random() * 1e6) * 1000);
  fs.utimesSync(p, t, t);
}

/** Marks the page's JavaScript world: gone once the page reloaded. */
const mark = (page) => page.evaluate(() => { window.__wallMark = true; });
const marked = (page) => page.evaluate(() => window.__wallMark === true).catch(() => false);

describe('new builds and configurations reach the wall', () => {
  test('a changed configuration reloads the page at a quiet moment, keeping the view; a broken one is refused and the old screen stays', async () => {
    const original = referenceConfig();
    writeSite('panopticon.yaml', original);
    const { page, log, close } = await open('?recheck=5s&view=network');
    const requests = [];
    page.on('request', (r) => { if (r.url().endsWith('.yaml') || new URL(r.url()).pathname === '/') requests.push(`${r.method()} ${new URL(r.url()).pathname} ${r.headers()['if-none-match'] ?? ''}`); });
    try {
      await until(page, log, 'the network view', () => document.querySelector('[data-testid="view-tab"][aria-selected="true"]')?.textContent === 'Network');
      await mark(page);
      // Unchanged files: conditional requests (the configuration's first one a
      // full interval after the load, the next one with its ETag), no reload.
      await waitFor('a conditional request for the configuration', async () => requests.some((r) => /^GET \/panopticon\.yaml (W\/)?"/.test(r)), { timeoutMs: 30_000, intervalMs: 500 })
        .catch((e) => { throw new Error(`${e.message}: ${requests.join(', ')}`); });
      assert.ok(requests.some((r) => /^GET \/ (W\/)?"/.test(r)), `index.html asked conditionally: ${requests.join(', ')}`);
      assert.equal(await marked(page), true, 'no reload while nothing changed');

      // A valid new configuration: the page reloads itself, the URL and view kept.
      const changed = original.replace(/^(services:)/m, '# a new build of the configuration\n$1');
      assert.notEqual(changed, original);
      writeSite('panopticon.yaml', changed);
      await waitFor('the page to reload', async () => !(await marked(page)), { timeoutMs: 40_000, intervalMs: 500 });
      assert.match(page.url(), /view=network/);
      await until(page, log, 'the network view after the reload', () => document.querySelector('[data-testid="view-tab"][aria-selected="true"]')?.textContent === 'Network');
      await until(page, log, 'a status', () => ['healthy', 'warning', 'critical'].includes(document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
      await mark(page);

      // A broken one: refused with its error, the screen keeps running the old one.
      writeSite('panopticon.yaml', 'services: [\n');
      const notice = await until(page, log, 'the rejection notice', () => document.querySelector('[data-testid="config-rejected"]')?.textContent, undefined, 30_000);
      assert.equal(notice, 'new configuration rejected: panopticon.yaml:1:11: unclosed bracket \'[\'');
      assert.equal(await marked(page), true, 'no reload for a broken configuration');
      assert.equal(await page.locator('[data-testid="config-error"]').count(), 0, 'no error page');
      const before = await page.evaluate(() => document.querySelector('[data-testid="data-age"]')?.dataset.freshness);
      assert.equal(before, 'fresh', 'the old configuration still refreshes');
      // Put back as it runs: the notice goes, no reload.
      writeSite('panopticon.yaml', changed);
      await until(page, log, 'the notice gone', () => document.querySelector('[data-testid="config-rejected"]') === null, undefined, 30_000);
      assert.equal(await marked(page), true);
    } finally {
      await close();
      writeSite('panopticon.yaml', referenceConfig());
    }
  });

  test('a new index.html (a new build) reloads the page; a missing configuration is refused, not shown as an error page', async () => {
    const indexPath = path.join(stack.site.dir, 'index.html');
    const index = fs.readFileSync(indexPath, 'utf8');
    const { page, log, close } = await open('?recheck=5s');
    try {
      await until(page, log, 'a status', () => ['healthy', 'warning', 'critical'].includes(document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
      // The first check (2 s after the start) takes index.html's baseline.
      await new Promise((r) => setTimeout(r, 4_000));
      await mark(page);
      writeSite('panopticon.yaml', '');
      fs.rmSync(path.join(stack.site.dir, 'panopticon.yaml'));
      const notice = await until(page, log, 'the rejection notice', () => document.querySelector('[data-testid="config-rejected"]')?.textContent, undefined, 30_000);
      assert.match(notice, /^new configuration rejected: panopticon\.yaml: HTTP 404$/);
      writeSite('panopticon.yaml', referenceConfig());
      await until(page, log, 'the notice gone', () => document.querySelector('[data-testid="config-rejected"]') === null, undefined, 30_000);
      assert.equal(await marked(page), true);
      writeSite('index.html', index.replace('</body>', '<!-- a new build --></body>'));
      await waitFor('the page to reload', async () => !(await marked(page)), { timeoutMs: 40_000, intervalMs: 500 });
      await until(page, log, 'a status after the reload', () => ['healthy', 'warning', 'critical'].includes(document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
    } finally {
      await close();
      writeSite('index.html', index);
      writeSite('panopticon.yaml', referenceConfig());
    }
  });
});

const currentView = () => document.querySelector('[data-testid="view-tab"][aria-selected="true"]')?.textContent ?? null;

/** Records the view on screen every 200 ms for `ms`. */
async function viewsDuring(page, ms) {
  const seen = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await page.evaluate(currentView);
    if (seen.at(-1) !== v) seen.push(v);
    await new Promise((r) => setTimeout(r, 200));
  }
  return seen;
}

/** Notes the banner's animation the first time the flash class appears. */
const watchFlash = {
  fn: () => {
    new MutationObserver(() => {
      const banner = document.querySelector('.dashboard.flash-critical .cluster-banner');
      if (banner && window.__flash === undefined) window.__flash = getComputedStyle(banner).animationName;
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });
  },
};

describe('rotation', () => {
  test('?rotate=3s cycles the views and pauses while someone uses the screen', async () => {
    await stack.sim.reset();
    const { page, log, close } = await open('?rotate=3s');
    try {
      await until(page, log, 'a status', () => ['healthy', 'warning', 'critical'].includes(document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
      const tabs = await page.evaluate(() => [...document.querySelectorAll('[data-testid="view-tab"]')].map((t) => t.textContent));
      assert.ok(tabs.length >= 2, JSON.stringify(tabs));
      const seen = await viewsDuring(page, 3_000 * tabs.length + 2_000);
      // In the tabs' order, round and round.
      const start = tabs.indexOf(seen[0]);
      const expected = seen.map((_, i) => tabs[(start + i) % tabs.length]);
      assert.deepEqual(seen, expected);
      assert.ok(seen.length >= tabs.length, `views seen: ${JSON.stringify(seen)}`);
      assert.equal(await page.evaluate(() => document.querySelector('.dashboard').dataset.rotation), 'running');
      // Someone moves the mouse every half second: nothing switches.
      await page.mouse.move(10, 10);
      const at = await page.evaluate(currentView);
      for (let i = 0; i < 16; i += 1) {
        await page.mouse.move(20 + i * 10, 20 + i * 5);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(await page.evaluate(currentView), at, `switched while in use (${i})`);
      }
      assert.equal(await page.evaluate(() => document.querySelector('.dashboard').dataset.rotation), 'paused');
    } finally {
      await close();
    }
  });

  test('the cluster turning critical shows the overview, flashes the banner once and holds there; no flash with reduced motion', async () => {
    await stack.sim.reset();
    for (const reducedMotion of ['no-preference', 'reduce']) {
      const ctx = await stack.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion });
      const { page, log } = await open('?rotate=2s&view=network', { context: ctx, init: watchFlash });
      try {
        await until(page, log, 'healthy', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'healthy');
        await stack.sim.scenario('consul-no-quorum');
        await until(page, log, 'critical', () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'critical');
        const flash = await until(page, log, 'the flash', () => window.__flash, undefined, 5_000);
        assert.equal(flash, reducedMotion === 'reduce' ? 'none' : 'banner-flash');
        const seen = await viewsDuring(page, 6_000);
        assert.deepEqual(seen, ['Overview'], `held on the overview while critical: ${JSON.stringify(seen)}`);
      } finally {
        await ctx.close();
        await stack.sim.reset();
      }
    }
  });
});

describe("Grafana's spelling: ?refresh=, ?theme=", () => {
  /** Instant-query requests (one per refresh: the checks' combined query) during `ms`. */
  async function roundsDuring(query, ms) {
    const { page, log, close } = await open(query);
    try {
      await until(page, log, 'a status', () => ['healthy', 'warning', 'critical'].includes(document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
      let n = 0;
      page.on('request', (r) => { if (new URL(r.url()).pathname === '/prometheus/api/v1/query') n += 1; });
      await new Promise((r) => setTimeout(r, ms));
      return { n, url: page.url() };
    } finally {
      await close();
    }
  }

  test('?refresh=3s refreshes every 3 s instead of the configured second, and stays in the URL', async () => {
    await stack.sim.reset();
    const configured = await roundsDuring('', 9_000);
    const slower = await roundsDuring('?refresh=3s', 9_000);
    assert.ok(configured.n >= 7, `configured 1 s: ${configured.n} rounds in 9 s`);
    assert.ok(slower.n >= 2 && slower.n <= 4, `?refresh=3s: ${slower.n} rounds in 9 s`);
    assert.match(slower.url, /[?&]refresh=3s(&|$)/);
    // Longer than half the staleness limit (8 s here) is cut to it; off keeps the configured interval.
    const capped = await roundsDuring('?refresh=1h', 9_000);
    assert.ok(capped.n >= 2 && capped.n <= 3, `?refresh=1h: ${capped.n} rounds in 9 s (every 4 s)`);
    const off = await roundsDuring('?refresh=off', 5_000);
    assert.ok(off.n >= 4, `?refresh=off: ${off.n} rounds in 5 s`);
  });

  test('?theme=dark and ?theme=light set the theme and stay in the URL', async () => {
    for (const theme of ['dark', 'light']) {
      const { page, log, close } = await open(`?kiosk&theme=${theme}`);
      try {
        await until(page, log, `theme ${theme}`, (t) => document.documentElement.dataset.theme === t && document.querySelector('[data-testid="cluster-status"]'), theme);
        assert.match(page.url(), new RegExp(`theme=${theme}`));
      } finally {
        await close();
      }
    }
  });
});
