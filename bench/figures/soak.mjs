// Soak: thousands of refreshes back to back, as weeks on a wall screen compressed into
// minutes. Memory (wasm linear memory + JS heap, after forced garbage collection) must
// not grow, and neither may the DOM.
import { memory, newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, MEETS, MISSES, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_BYTES = 2 * 1024 * 1024;

/**
 * Bytes of wasm + JS heap per 1,000 refreshes between the middle sample and the last:
 * a leak shows as a steady slope, while one-off growth (caches filling, the allocator
 * settling) happens early.
 */
function secondHalfSlope(points) {
  if (points.length < 3) return NaN;
  const mid = points[Math.floor(points.length / 2)];
  const last = points[points.length - 1];
  const n = last.refreshes - mid.refreshes;
  return n > 0 ? (1000 * ((last.wasm - mid.wasm) + (last.jsHeap - mid.jsHeap))) / n : NaN;
}
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

/**
 * `refreshes` refreshes in `samples` chunks, memory read after each chunk; stops early
 * (and says so in the results) when `maxSeconds` have passed, so a slow machine still
 * gets a bounded run.
 */
export async function soak({ browser, url, refreshes = 10_000, warmup = 200, samples = 10, maxSeconds = 900, log = () => {} }) {
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
    const deadline = Date.now() + maxSeconds * 1000;
    while (done + failed < refreshes && Date.now() < deadline) {
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
  const total = done + failed;
  const rows = [
    row({
      figure, label: 'soak: refreshes run', goal: `≥ ${refreshes}`, values: [total], meets: (s) => s.min >= refreshes,
      note: total < refreshes ? `stopped after the ${maxSeconds} s time limit (BENCH_SOAK_MAX_SECONDS) at ${(ms / Math.max(1, total)).toFixed(0)} ms per refresh on this machine` : undefined,
    }),
    row({
      figure, label: `soak: wasm + JS heap growth over ${total} refreshes`, goal: '≤ 2 MB', unit: 'MB',
      values: [growth / MB], meets: (s) => s.max * MB <= GOAL_BYTES,
    }),
    row({
      figure, label: 'soak: wasm + JS heap growth per 1,000 refreshes (second half)', unit: 'KB',
      values: [secondHalfSlope(points) / 1024], verdict: INFO,
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
