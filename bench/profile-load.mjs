// Diagnostic (not a figure): CPU profile of one cold load until the first status, self
// time per function; CONFIG=diagram loads the 200-service stack, AFTER_MS keeps profiling after the
// first status (wasm names need a bundle with a name section, e.g. wasm-bindgen's
// output before wasm-opt). Usage: PANOPTICON_DIST=DIR node bench/profile-load.mjs
import { referenceConfig, requireDist } from '../tests/e2e/harness.mjs';
import { startStack } from './lib/stack.mjs';
import { launch, newPage, waitForFirstStatus } from './lib/page.mjs';
import { MANUAL_REFRESH_SECS, diagramConfig } from './lib/configs.mjs';

requireDist();
// CONFIG=diagram: the benchmark's 200-service, 400-edge stack instead of the reference cluster.
const files = {
  'panopticon.yaml': referenceConfig({ refresh: MANUAL_REFRESH_SECS, staleAfter: 600, timeout: 10 }),
  'diagram.yaml': diagramConfig({ services: 200, edges: 400 }).text,
};
const page = process.env.CONFIG ? `?config=${process.env.CONFIG}.yaml` : '';
const stack = await startStack({ files });
const browser = await launch();
try {
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  await p.cdp.send('Network.enable');
  await p.cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await p.cdp.send('Profiler.enable');
  await p.cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await p.cdp.send('Profiler.start');
  await p.page.goto(`${stack.nginx.url}/${page}`, { waitUntil: 'commit' });
  const first = await waitForFirstStatus(p, 30_000);
  await p.page.waitForTimeout(Number(process.env.AFTER_MS ?? 0));
  const { profile } = await p.cdp.send('Profiler.stop');
  console.log(`banner ${first.status} at ${first.at.toFixed(0)} ms`);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`total sampled ${total.toFixed(0)} ms`);
  for (const [k, v] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${v.toFixed(1).padStart(7)} ms  ${k.slice(0, 150)}`);
  // Who calls the hot leaf functions: the parent chain's nearest 4 frames.
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hot = (process.env.CALLERS ?? 'fmt::write,getBoundingClientRect,deserialize_map').split(',');
  const callers = new Map();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id);
    const h = hot.find((x) => n.callFrame.functionName.includes(x));
    if (!h) return;
    const chain = [];
    let q = parent.get(id);
    while (q !== undefined && chain.length < 6) {
      const f = byId.get(q).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
      if (!/^(core::ops::function|<core::pin|core::fmt|alloc::fmt|<&T as core::fmt)/.test(f)) chain.push(f.slice(0, 90));
      q = parent.get(q);
    }
    const key = `${h} <- ${chain.join(' <- ')}`;
    callers.set(key, (callers.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  for (const [k, v] of [...callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${v.toFixed(1).padStart(7)} ms  ${k}`);
  // Inclusive time of the app's own functions (INCLUSIVE=regex, default the app's crates):
  // a sample counts once for every distinct matching function on its stack.
  const mine = new RegExp(process.env.INCLUSIVE ?? '^<?panopticon');
  const inclusive = new Map();
  profile.samples.forEach((id, i) => {
    const seen = new Set();
    for (let q = id; q !== undefined; q = parent.get(q)) {
      const f = byId.get(q).callFrame.functionName.replace(/::h[0-9a-f]{16}$/, '');
      if (mine.test(f)) seen.add(f.slice(0, 140));
    }
    for (const f of seen) inclusive.set(f, (inclusive.get(f) ?? 0) + (dt[i] ?? 0) / 1000);
  });
  console.log('inclusive:');
  for (const [k, v] of [...inclusive.entries()].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${v.toFixed(1).padStart(7)} ms  ${k}`);
  await p.close();
} finally {
  await browser.close();
  await stack.stop();
}
