// Diagnostic (not a figure): one cold load, printing when each request started and
// ended and when the app's own measures ran, to see what the first status waits for.
// Usage: [CONFIG=diagram] [MIN_US=3000] [RETURNING=1] node bench/trace-load.mjs [loads]
// RETURNING=1: each load starts with the localStorage the previous one left (a returning screen).
import { referenceConfig, requireDist } from '../tests/e2e/harness.mjs';
import { startStack } from './lib/stack.mjs';
import { launch, newPage, waitForFirstStatus } from './lib/page.mjs';
import { MANUAL_REFRESH_SECS, diagramConfig } from './lib/configs.mjs';
import { readRemembered, restoreRemembered } from './figures/first-status.mjs';

requireDist();
const loads = Number(process.argv[2] ?? 2);
// CONFIG=diagram: the benchmark's 200-service, 400-edge stack instead of the reference cluster.
const files = {
  'panopticon.yaml': referenceConfig({ refresh: MANUAL_REFRESH_SECS, staleAfter: 600, timeout: 10 }),
  'diagram.yaml': diagramConfig({ services: 200, edges: 400 }).text,
};
const query = process.env.CONFIG ? `?config=${process.env.CONFIG}.yaml` : '';
const stack = await startStack({ files });
const browser = await launch((process.env.CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean));
try {
  let remembered = [];
  for (let i = 0; i < loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
    if (process.env.RETURNING && remembered.length) await p.page.addInitScript(restoreRemembered, remembered);
    await p.cdp.send('Network.enable');
    await p.cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const events = [];
    p.cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
    const done = new Promise((r) => p.cdp.once('Tracing.tracingComplete', r));
    await p.cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading', transferMode: 'ReportEvents' });
    await p.page.goto(`${stack.nginx.url}/${query}`, { waitUntil: 'commit' });
    const first = await waitForFirstStatus(p, 30_000);
    await p.page.waitForTimeout(500);
    await p.cdp.send('Tracing.end');
    await done;
    const navStart = events.find((e) => e.name === 'navigationStart' || e.name === 'NavigationStartToFirstPaint')?.ts
      ?? events.filter((e) => e.name === 'TracingStartedInBrowser')[0]?.ts;
    const origin = await p.page.evaluate(() => performance.timeOrigin);
    const main = events.filter((e) => e.ph === 'X' && e.dur > Number(process.env.MIN_US ?? 3000) && ['RunTask', 'FunctionCall', 'TimerFire', 'Layout', 'UpdateLayoutTree', 'Paint', 'EvaluateScript', 'v8.compile', 'v8.wasm.compiledModule', 'FireAnimationFrame', 'EventDispatch', 'ParseHTML', 'PrePaint', 'Layerize', 'v8.wasm.streamFromResponseCallback', 'wasm.OnCompilationFinished', 'ResizeObserver', 'UpdateLayer', 'Commit'].includes(e.name));
    const tOf = (ts) => ts / 1000 - origin;
    const rows = await p.page.evaluate(() => {
      const out = [];
      for (const r of performance.getEntriesByType('resource')) {
        const u = new URL(r.name);
        let name = u.pathname.split('/').pop();
        if (u.searchParams.get('query')) name += ' ' + u.searchParams.get('query').slice(0, 50);
        out.push([r.startTime, r.requestStart, r.responseStart, r.responseEnd, name]);
      }
      for (const t of window.__bench.longTasks) out.push([t.start, null, null, t.start + t.duration, 'LONGTASK']);
      for (const m of window.__bench.measures) out.push([m.start, null, null, m.start + m.duration, 'MEASURE ' + m.name]);
      out.push([window.__bench.appStartedAt, null, null, null, 'TrunkApplicationStarted']);
      return out.sort((a, b) => a[0] - b[0]);
    });
    console.log(`--- load ${i}: banner ${first.status} at ${first.at.toFixed(0)} ms`);
    const f = (x) => (x == null ? '     ' : x.toFixed(0).padStart(5));
    for (const e of main) rows.push([e.ts / 1000 - origin * 0 , null, null, null, `TRACE ${e.name} ${(e.dur / 1000).toFixed(1)} ms ${e.args?.data?.functionName ?? e.args?.data?.url ?? ''}`]);
    // Trace timestamps are monotonic µs; align them with the first RunTask-free anchor: navigation.
    const navTs = events.find((e) => e.name === 'navigationStart')?.ts;
    for (const r of rows) if (typeof r[4] === 'string' && r[4].startsWith('TRACE')) r[0] = navTs ? r[0] - navTs / 1000 : r[0];
    rows.sort((a, b) => a[0] - b[0]);
    for (const [s, rq, rs, e, n] of rows) console.log(`${f(s)} ${f(rq)} ${f(rs)} ${f(e)}  ${n}`);
    if (process.env.RETURNING) remembered = await p.page.evaluate(readRemembered);
    await p.close?.();
  }
} finally {
  await browser.close();
  await stack.stop();
}
