// The browser side of the benchmarks: what is installed in the page before the app
// loads, and how a measurement reads it back.
//
// The app reports its own timings as User Timing measures (`panopticon:refresh`,
// `panopticon:evaluate`, and later `panopticon:diagram`, `panopticon:graph-draw`) and
// clears each one at once, so they are only visible to a PerformanceObserver that is
// already listening: hence an init script, which runs before any of the page's scripts.
import { launchBrowser, recordConsole } from '../../tests/e2e/harness.mjs';
import { MANUAL_REFRESH_SECS } from './configs.mjs';

/**
 * Installed in the page before navigation (`page.addInitScript`). Everything lives
 * under `window.__bench`; with `keep = false` nothing accumulates (for the soak, whose
 * memory figure must measure the app, not the harness).
 *
 * `manualRefreshMs`: the app's refresh timer has this period; the script keeps the
 * callback instead of scheduling it, so the harness decides when a refresh happens.
 * Every other timer (the app's one-second clock) runs normally.
 */
function instrument({ manualRefreshMs }) {
  const b = {
    keep: true,
    measures: [],
    resources: [],
    longTasks: [],
    counts: {},
    firstStatus: null,
    firstEvaluateEnd: null,
    appStartedAt: null,
    wasmMemory: null,
    refreshFn: null,
    inFlight: 0,
    fetches: 0,
    wakers: [],
  };
  window.__bench = b;
  const wake = () => { for (const w of b.wakers.splice(0)) w(); };

  /** Resolves once `pred()` holds; rejects after `timeoutMs` with `what` and the state. */
  b.until = (what, pred, timeoutMs) => new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const step = () => {
      let ok = false;
      try { ok = pred(); } catch (e) { reject(e); return; }
      if (ok) { resolve(); return; }
      if (performance.now() > deadline) {
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (in flight ${b.inFlight}, counts ${JSON.stringify(b.counts)})`));
        return;
      }
      let done = false;
      const go = () => { if (!done) { done = true; step(); } };
      b.wakers.push(go);
      setTimeout(go, 4);
    };
    step();
  });

  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.entryType === 'measure' && e.name.startsWith('panopticon:')) {
        b.counts[e.name] = (b.counts[e.name] ?? 0) + 1;
        if (e.name === 'panopticon:evaluate' && b.firstEvaluateEnd === null) {
          b.firstEvaluateEnd = e.startTime + e.duration;
        }
        if (b.keep) b.measures.push({ name: e.name, start: e.startTime, duration: e.duration });
      } else if (e.entryType === 'longtask' && b.keep) {
        b.longTasks.push({ start: e.startTime, duration: e.duration });
      } else if (e.entryType === 'resource' && b.keep && e.name.includes('/api/v1/')) {
        b.resources.push({ url: e.name, start: e.startTime, end: e.responseEnd, duration: e.duration, protocol: e.nextHopProtocol });
      }
    }
    wake();
  });
  observer.observe({ type: 'measure', buffered: true });
  observer.observe({ type: 'resource', buffered: true });
  try {
    observer.observe({ type: 'longtask', buffered: true });
  } catch {
    // Long task timing is a Chromium feature; the figures that use it say so.
  }

  // The first cluster status computed from data: the banner's data-status leaves "unknown".
  const statusObserver = new MutationObserver(() => {
    const el = document.querySelector('[data-testid="cluster-status"]');
    const s = el?.getAttribute('data-status');
    if (s && s !== 'unknown' && b.firstStatus === null) {
      b.firstStatus = { at: performance.now(), status: s };
      statusObserver.disconnect();
    }
  });
  statusObserver.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });

  // Trunk's loader announces the wasm instance's exports; its memory is the wasm heap.
  addEventListener('TrunkApplicationStarted', (ev) => {
    b.appStartedAt = performance.now();
    b.wasmMemory = ev.detail?.wasm?.memory ?? null;
  });

  const realFetch = window.fetch;
  window.fetch = function benchFetch(...args) {
    b.inFlight += 1;
    b.fetches += 1;
    const settle = () => { b.inFlight -= 1; wake(); };
    let p;
    try {
      p = realFetch.apply(window, args);
    } catch (e) {
      settle();
      throw e;
    }
    p.then(settle, settle);
    return p;
  };

  if (manualRefreshMs) {
    const realSetInterval = window.setInterval;
    window.setInterval = function benchSetInterval(fn, ms, ...rest) {
      if (ms === manualRefreshMs && typeof fn === 'function' && b.refreshFn === null) {
        b.refreshFn = fn;
        return 2147483647; // never a real timer id; clearing it is harmless
      }
      return realSetInterval.call(window, fn, ms, ...rest);
    };
  }
}

/** Launches Debian's Chromium headless (the harness's flags and temporary directory) with `extraArgs`. */
export async function launch(extraArgs = []) {
  return launchBrowser(extraArgs);
}

/**
 * A fresh page (own context: no shared cache or storage) with the instrumentation,
 * CDP enabled for metrics. `manualRefreshSecs`: see `instrument`.
 */
export async function newPage(browser, { manualRefreshSecs, viewport = { width: 1920, height: 1080 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const log = recordConsole(page);
  await page.addInitScript(instrument, { manualRefreshMs: manualRefreshSecs ? manualRefreshSecs * 1000 : 0 });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' }).catch(() => cdp.send('Performance.enable'));
  return {
    context, page, cdp, log,
    async close() { await context.close(); },
  };
}

/** Waits until the banner shows a status from real data; returns it (and fails loudly if it never does). */
export async function waitForFirstStatus(p, timeoutMs = 30_000) {
  try {
    await p.page.waitForFunction(() => window.__bench?.firstStatus !== null, null, { timeout: timeoutMs, polling: 50 });
  } catch (e) {
    const state = await p.page.evaluate(() => ({
      banner: document.querySelector('[data-testid="cluster-status"]')?.outerHTML?.slice(0, 300),
      configError: document.querySelector('[data-testid="config-error"]')?.textContent,
      counts: window.__bench?.counts,
    })).catch(() => ({}));
    throw new Error(`no cluster status within ${timeoutMs} ms: ${JSON.stringify(state)}\nconsole:\n${p.log.slice(-10).join('\n')}`);
  }
  return p.page.evaluate(() => ({ ...window.__bench.firstStatus, firstEvaluateEnd: window.__bench.firstEvaluateEnd }));
}

/**
 * Fires one refresh through the captured timer and waits until it is over: its
 * `panopticon:refresh` measure is recorded, no request is in flight, and a frame has
 * been rendered; then, for at most 2 s, until `expectMeasures` (`{ name: count }`) have
 * been recorded too. Returns the measures, resource timings and long tasks of that refresh.
 */
/** A page with manual refreshes at `url`, its first status shown and half a second settled. */
export async function openSettled(browser, url, manualRefreshSecs = MANUAL_REFRESH_SECS) {
  const p = await newPage(browser, { manualRefreshSecs });
  await p.page.goto(url, { timeout: 30_000 });
  await waitForFirstStatus(p);
  await p.page.waitForTimeout(500);
  return p;
}

export async function refreshOnce(p, { timeoutMs = 20_000, settleResources = true, expectMeasures = {} } = {}) {
  return p.page.evaluate(async ({ timeoutMs, settleResources, expectMeasures }) => {
    const b = window.__bench;
    if (!b.refreshFn) throw new Error('the refresh timer was not captured (is refresh_secs the manual period?)');
    b.measures.length = 0;
    b.resources.length = 0;
    b.longTasks.length = 0;
    const before = b.counts['panopticon:refresh'] ?? 0;
    const fetchesBefore = b.fetches;
    const t0 = performance.now();
    b.refreshFn();
    await b.until('the refresh to finish', () => (b.counts['panopticon:refresh'] ?? 0) > before && b.inFlight === 0, timeoutMs);
    const fetched = b.fetches - fetchesBefore;
    if (settleResources) {
      // Resource timings reach observers a little after the response: give them a moment.
      await b.until('resource timings', () => b.resources.length >= fetched, 1_000).catch(() => {});
    }
    // Measures of work that follows the refresh (drawing), when the app records them.
    const enough = () => Object.entries(expectMeasures)
      .every(([name, n]) => b.measures.filter((m) => m.name === name).length >= n);
    await b.until('follow-up measures', enough, 2_000).catch(() => {});
    await new Promise((r) => { requestAnimationFrame(() => setTimeout(r, 0)); });
    return { t0, fetched, measures: b.measures.slice(), resources: b.resources.slice(), longTasks: b.longTasks.slice() };
  }, { timeoutMs, settleResources, expectMeasures });
}

/** Durations (ms) of the measures named `panopticon:<name>` in `measures`. */
export function durations(measures, name) {
  return measures.filter((m) => m.name === `panopticon:${name}`).map((m) => m.duration);
}

/**
 * Memory and DOM after a forced garbage collection: JS heap (CDP), wasm linear memory
 * (the instance's exported memory), DOM nodes (CDP's count, which includes detached
 * nodes not yet collected, and the live elements in the document), event listeners.
 */
export async function memory(p) {
  await p.cdp.send('HeapProfiler.collectGarbage');
  await p.cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await p.cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const inPage = await p.page.evaluate(() => ({
    wasm: window.__bench.wasmMemory ? window.__bench.wasmMemory.buffer.byteLength : null,
    elements: document.getElementsByTagName('*').length,
  }));
  return {
    jsHeap: m.JSHeapUsedSize,
    wasm: inPage.wasm,
    nodes: m.Nodes,
    elements: inPage.elements,
    listeners: m.JSEventListeners,
  };
}

/** CDP's main-thread task time so far, in seconds (for CPU use between two readings). */
export async function taskSeconds(p) {
  const { metrics } = await p.cdp.send('Performance.getMetrics');
  return metrics.find((x) => x.name === 'TaskDuration')?.value ?? null;
}
