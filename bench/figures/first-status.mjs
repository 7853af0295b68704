// Time to first status: navigation start → the cluster banner shows a status computed
// from real data. Each load is a fresh browser context with the HTTP cache disabled,
// so every load fetches and compiles the bundle again, as a wall screen does after a
// restart. A returning screen keeps its localStorage, where the app remembers the
// checks' combined query for the boot script to send while the wasm loads
// (client/src/prefetch.rs); a first visit has none.
import { newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';
import { summarize } from '../lib/stats.mjs';

const GOAL_MS = 200;

/** In the page: when each step of a cold load ended (ms since navigation start). */
export function readPhases() {
  const res = performance.getEntriesByType('resource');
  const end = (re) => {
    const hits = res.filter((r) => re.test(new URL(r.name).pathname));
    return hits.length ? Math.max(...hits.map((r) => r.responseEnd)) : null;
  };
  // The checks' (combined) instant query of the first refresh: the first one sent.
  const status = res.filter((r) => /\/api\/v1\/query$/.test(new URL(r.name).pathname))
    .sort((a, b) => a.startTime - b.startTime)[0];
  const nav = performance.getEntriesByType('navigation')[0];
  const b = window.__bench;
  const refreshes = b.measures.filter((m) => m.name === 'panopticon:refresh');
  return {
    html: nav ? nav.responseEnd : null,
    statusSent: status ? status.startTime : null,
    config: end(/\.ya?ml$/),
    wasm: end(/\.wasm$/),
    statusAnswered: status ? status.responseEnd : null,
    started: b.appStartedAt,
    refreshStart: refreshes.length ? refreshes[0].start : null,
    evaluated: b.firstEvaluateEnd,
    banner: b.firstStatus?.at ?? null,
  };
}

/**
 * In the page: what the app remembered for the boot script of the next load (the checks'
 * combined query and the alert sources' requests, as a real returning browser keeps both).
 */
export function readRemembered() {
  return Object.keys(localStorage)
    .filter((k) => k.startsWith('panopticon.firstQuery:') || k.startsWith('panopticon.alertRequests:'))
    .map((k) => [k, localStorage.getItem(k)]);
}

/** Init script: the previous load's localStorage, before any of the page's scripts runs. */
export function restoreRemembered(entries) {
  for (const [k, v] of entries) localStorage.setItem(k, v);
}

export const PHASES = [
  ['html', 'index.html received'],
  ['statusSent', 'checks\' combined query sent'],
  ['config', 'configuration received'],
  ['wasm', 'wasm received'],
  ['statusAnswered', 'checks\' combined query answered'],
  ['started', 'wasm compiled and started (TrunkApplicationStarted)'],
  ['refreshStart', 'first completed refresh started'],
  ['evaluated', 'first evaluation done'],
  ['banner', 'banner shows the status'],
];

/**
 * `loads` counted cold loads after one uncounted warm-up (nginx, Prometheus and the OS
 * page cache warm up). `returning`: each context starts with the localStorage the
 * previous load left, so the boot script sends the remembered combined query;
 * otherwise every load is a first visit.
 */
async function coldLoads(browser, url, loads, returning) {
  const out = { phases: [], banner: [], evaluateEnd: [], statuses: [], remembered: false };
  let remembered = [];
  for (let i = 0; i <= loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
    try {
      if (returning && remembered.length) await p.page.addInitScript(restoreRemembered, remembered);
      await p.cdp.send('Network.enable');
      await p.cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await p.page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
      const first = await waitForFirstStatus(p, 30_000);
      if (i > 0) {
        out.banner.push(first.at);
        out.evaluateEnd.push(first.firstEvaluateEnd);
        out.statuses.push(first.status);
        out.phases.push(await p.page.evaluate(readPhases));
      }
      if (returning) remembered = await p.page.evaluate(readRemembered);
    } finally {
      await p.close();
    }
  }
  out.remembered = remembered.length > 0;
  return out;
}

const medianOf = (phases, k) => summarize(phases.map((x) => x[k]).filter((v) => v !== null))?.median ?? null;

/**
 * `over` names how the page is reached when it is not plain HTTP/1.1 on loopback (e.g.
 * "HTTP/2 over TLS"); it is added to the rows' labels and the section title, and `goalMs`
 * is that variant's goal.
 */
export async function firstStatus({ browser, url, loads = 12, goalMs = GOAL_MS, over = '' }) {
  const suffix = over ? `, ${over}` : '';
  const back = await coldLoads(browser, url, loads, true);
  const fresh = await coldLoads(browser, url, loads, false);
  const figure = 'first-status';
  const unhealthy = [...back.statuses, ...fresh.statuses].filter((s) => s !== 'healthy');
  const reasonOf = (phases) => {
    const medians = Object.fromEntries(PHASES.map(([k]) => [k, medianOf(phases, k)]));
    const known = PHASES.filter(([k]) => medians[k] !== null).sort((a, b) => medians[a[0]] - medians[b[0]]);
    const steps = known.slice(1)
      .map(([k, label], i) => ({ label, ms: medians[k] - medians[known[i][0]] }))
      .sort((a, b) => b.ms - a.ms);
    return steps.length
      ? `likely reason: the longest steps of a cold load (medians) are ${steps.slice(0, 3).map((x) => `${x.ms.toFixed(0)} ms until "${x.label}"`).join(', ')}; see the table in the section`
      : undefined;
  };
  const bannerRow = (label, run) => row({
    figure, label, goal: `≤ ${goalMs} ms`, unit: 'ms', values: run.banner,
    meets: (s) => s.median <= goalMs,
    note: [
      unhealthy.length ? `the banner showed ${unhealthy.join(', ')} on some loads of a healthy cluster` : '',
      summarize(run.banner)?.median > goalMs ? reasonOf(run.phases) : '',
    ].filter(Boolean).join('; ') || undefined,
  });
  return {
    rows: [
      bannerRow(`time to first status (banner)${suffix}`, back),
      row({ figure, label: `time to first panopticon:evaluate end${suffix}`, unit: 'ms', values: back.evaluateEnd, verdict: INFO }),
      bannerRow(`time to first status (banner), first visit${suffix}`, fresh),
    ],
    section: {
      title: `Time to first status${suffix}`,
      how: `${loads} page loads (after one uncounted warm-up load), each in a new browser context with`
        + ' the cache disabled (CDP `Network.setCacheDisabled`), against the simulated healthy 4-node'
        + ' cluster. The headline rows are a returning screen: each context starts with the localStorage'
        + ' the previous load left, so the boot script sends the remembered combined query of the checks'
        + ' while the wasm loads; the "first visit" row is the same run right after with empty storage.'
        + ' The time is `performance.now()` (milliseconds since navigation start) when a'
        + ' MutationObserver sees the banner\'s `data-status` leave `unknown`, and when the first'
        + ' `panopticon:evaluate` measure ends.',
      notes: [
        `banner status on the counted loads: ${[...new Set([...back.statuses, ...fresh.statuses])].join(', ') || 'none'}`,
        back.remembered
          ? 'the app remembered its combined query for the next load'
          : 'the app remembered NO combined query: the returning loads were first visits too',
      ],
      tables: [{
        head: ['a cold load has…', 'returning: median ms since navigation start', 'min', 'max', 'first visit: median'],
        rows: PHASES.map(([k, label]) => {
          const s = summarize(back.phases.map((x) => x[k]).filter((v) => v !== null));
          const f = medianOf(fresh.phases, k);
          return [label, s ? s.median.toFixed(0) : '–', s ? s.min.toFixed(0) : '–', s ? s.max.toFixed(0) : '–', f !== null ? f.toFixed(0) : '–'];
        }),
      }],
    },
  };
}
