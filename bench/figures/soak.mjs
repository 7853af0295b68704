// Soak: thousands of refreshes back to back, as weeks on a wall screen compressed into
// minutes. Memory (wasm linear memory + JS heap, after forced garbage collection) must
// not grow, and neither may the DOM.
import { memory, newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, MEETS, MISSES, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_BYTES = 2 * 1024 * 1024;
const MB = 1024 * 1024;

/** In the page: `n` refreshes, each started when the previous one has finished and a frame was drawn. */
async function runRefreshes({ n, timeoutMs }) {
  const b = window.__bench;
  b.keep = false;
  b.measures.length = 0;
  b.resources.length = 0;
  b.longTasks.length = 0;
  let done = 0;
  let failed = 0;
  let lastError = null;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1) {
    const before = b.counts['panopticon:refresh'] ?? 0;
    b.refreshFn();
    try {
      await b.until('a soak refresh', () => (b.counts['panopticon:refresh'] ?? 0) > before && b.inFlight === 0, timeoutMs);
      done += 1;
    } catch (e) {
      failed += 1;
      lastError = e.message;
    }
    await new Promise((r) => { requestAnimationFrame(r); });
  }
  return { done, failed, lastError, ms: performance.now() - t0 };
}

export async function soak({ browser, url, refreshes = 10_000, warmup = 200, samples = 10, log = () => {} }) {
  const figure = 'soak';
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  const points = [];
  let done = 0;
  let failed = 0;
  let ms = 0;
  let lastError = null;
  try {
    await p.page.goto(url, { timeout: 30_000 });
    await waitForFirstStatus(p);
    await p.page.waitForTimeout(1_000);
    await p.page.evaluate(runRefreshes, { n: warmup, timeoutMs: 20_000 });
    points.push({ refreshes: 0, ...(await memory(p)) });
    const chunk = Math.ceil(refreshes / samples);
    while (done + failed < refreshes) {
      const n = Math.min(chunk, refreshes - done - failed);
      const r = await p.page.evaluate(runRefreshes, { n, timeoutMs: 20_000 });
      done += r.done;
      failed += r.failed;
      ms += r.ms;
      lastError = r.lastError ?? lastError;
      points.push({ refreshes: done + failed, ...(await memory(p)) });
      log(`soak: ${done + failed}/${refreshes} refreshes, ${(ms / (done + failed)).toFixed(1)} ms each`);
    }
  } finally {
    await p.close();
  }
  const first = points[0];
  const last = points[points.length - 1];
  const growth = (last.wasm - first.wasm) + (last.jsHeap - first.jsHeap);
  const elementsFlat = last.elements === first.elements;
  const nodesDelta = last.nodes - first.nodes;
  const rows = [
    row({
      figure, label: `soak: wasm + JS heap growth over ${done + failed} refreshes`, goal: '≤ 2 MB', unit: 'MB',
      values: [growth / MB], meets: (s) => s.max * MB <= GOAL_BYTES,
    }),
    row({
      figure, label: 'soak: DOM elements, start → end', goal: 'flat', values: [last.elements - first.elements],
      verdict: elementsFlat && Math.abs(nodesDelta) <= 50 ? MEETS : MISSES,
      note: `elements ${first.elements} → ${last.elements}; CDP node count (includes detached nodes not yet collected) ${first.nodes} → ${last.nodes}`,
    }),
    row({ figure, label: 'soak: JS heap after GC (all samples)', unit: 'MB', values: points.map((x) => x.jsHeap / MB), verdict: INFO }),
    row({ figure, label: 'soak: time per refresh (whole loop)', unit: 'ms', values: [ms / Math.max(1, done + failed)], verdict: INFO }),
  ];
  if (failed) {
    rows.push(row({ figure, label: 'soak: refreshes that did not finish in 20 s', values: [failed], verdict: MISSES, note: lastError }));
  }
  return {
    rows,
    section: {
      title: 'Soak',
      how: `The reference configuration against the simulated cluster. After ${warmup} warm-up refreshes, ${refreshes}`
        + ' refreshes back to back: each one is fired through the app\'s own refresh callback when the previous'
        + ' one has finished (its `panopticon:refresh` measure recorded, no request in flight) and a frame has'
        + ' been drawn — the app\'s 30 s interval compressed to the time a refresh takes. The harness keeps'
        + ' nothing per refresh. Every'
        + ` ${Math.ceil(refreshes / samples)} refreshes: two forced garbage collections (CDP \`HeapProfiler.collectGarbage\`),`
        + ' then the JS heap (CDP `JSHeapUsedSize`), the wasm linear memory (the instance\'s exported memory,'
        + ' which never shrinks), the elements in the document and CDP\'s node count. Chromium runs with'
        + ' `--disable-frame-rate-limit --disable-gpu-vsync` for this figure only.',
      tables: [{
        head: ['refreshes', 'wasm memory (bytes)', 'JS heap (bytes)', 'DOM elements', 'CDP nodes', 'event listeners'],
        rows: points.map((x) => [x.refreshes, x.wasm, Math.round(x.jsHeap), x.elements, x.nodes, x.listeners]),
      }],
    },
  };
}
