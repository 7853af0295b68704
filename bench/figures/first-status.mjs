// Time to first status: navigation start → the cluster banner shows a status computed
// from real data. Each load is a fresh browser context with the HTTP cache disabled,
// so every load fetches and compiles the bundle again, as a wall screen does after a
// restart.
import { newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';
import { summarize } from '../lib/stats.mjs';

const GOAL_MS = 200;

/** In the page: when each step of a cold load ended (ms since navigation start). */
function readPhases() {
  const res = performance.getEntriesByType('resource');
  const end = (re) => {
    const hits = res.filter((r) => re.test(new URL(r.name).pathname));
    return hits.length ? Math.max(...hits.map((r) => r.responseEnd)) : null;
  };
  const nav = performance.getEntriesByType('navigation')[0];
  const b = window.__bench;
  const refreshes = b.measures.filter((m) => m.name === 'panopticon:refresh');
  return {
    html: nav ? nav.responseEnd : null,
    wasm: end(/\.wasm$/),
    started: b.appStartedAt,
    config: end(/\.ya?ml$/),
    refreshStart: refreshes.length ? refreshes[0].start : null,
    evaluated: b.firstEvaluateEnd,
    banner: b.firstStatus?.at ?? null,
  };
}

const PHASES = [
  ['html', 'index.html received'],
  ['wasm', 'wasm received'],
  ['started', 'wasm compiled and started (TrunkApplicationStarted)'],
  ['config', 'configuration received'],
  ['refreshStart', 'first completed refresh started'],
  ['evaluated', 'first evaluation done'],
  ['banner', 'banner shows the status'],
];

/**
 * `over` names how the page is reached when it is not plain HTTP/1.1 on loopback (e.g.
 * "HTTP/2 over TLS"); it is added to the rows' labels and the section title, and `goalMs`
 * is that variant's goal.
 */
export async function firstStatus({ browser, url, loads = 12, goalMs = GOAL_MS, over = '' }) {
  const suffix = over ? `, ${over}` : '';
  const phases = [];
  const banner = [];
  const evaluateEnd = [];
  const statuses = [];
  // One load first, not counted: nginx, Prometheus and the OS page cache warm up.
  for (let i = 0; i <= loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
    try {
      await p.cdp.send('Network.enable');
      await p.cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await p.page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
      const first = await waitForFirstStatus(p, 30_000);
      if (i > 0) {
        banner.push(first.at);
        evaluateEnd.push(first.firstEvaluateEnd);
        statuses.push(first.status);
        phases.push(await p.page.evaluate(readPhases));
      }
    } finally {
      await p.close();
    }
  }
  const figure = 'first-status';
  const unhealthy = statuses.filter((s) => s !== 'healthy');
  const medians = Object.fromEntries(PHASES.map(([k]) => [k, summarize(phases.map((x) => x[k]).filter((v) => v !== null))?.median ?? null]));
  const steps = PHASES.slice(1)
    .map(([k, label], i) => ({ label, ms: medians[k] !== null && medians[PHASES[i][0]] !== null ? medians[k] - medians[PHASES[i][0]] : null }))
    .filter((x) => x.ms !== null)
    .sort((a, b) => b.ms - a.ms);
  const reason = steps.length
    ? `likely reason: the longest steps of a cold load (medians) are ${steps.slice(0, 3).map((x) => `${x.ms.toFixed(0)} ms until "${x.label}"`).join(', ')}; see the table in the section`
    : undefined;
  return {
    rows: [
      row({
        figure, label: `time to first status (banner)${suffix}`, goal: `≤ ${goalMs} ms`, unit: 'ms', values: banner,
        meets: (s) => s.median <= goalMs,
        note: [
          unhealthy.length ? `the banner showed ${unhealthy.join(', ')} on some loads of a healthy cluster` : '',
          summarize(banner)?.median > goalMs ? reason : '',
        ].filter(Boolean).join('; ') || undefined,
      }),
      row({ figure, label: `time to first panopticon:evaluate end${suffix}`, unit: 'ms', values: evaluateEnd, verdict: INFO }),
    ],
    section: {
      title: `Time to first status${suffix}`,
      how: `${loads} page loads (after one uncounted warm-up load), each in a new browser context with`
        + ' the cache disabled (CDP `Network.setCacheDisabled`), against the simulated healthy 4-node'
        + ' cluster. The time is `performance.now()` (milliseconds since navigation start) when a'
        + ' MutationObserver sees the banner\'s `data-status` leave `unknown`, and when the first'
        + ' `panopticon:evaluate` measure ends.',
      notes: [`banner status on the counted loads: ${[...new Set(statuses)].join(', ') || 'none'}`],
      tables: [{
        head: ['a cold load has…', 'median ms since navigation start', 'min', 'max'],
        rows: PHASES.map(([k, label]) => {
          const s = summarize(phases.map((x) => x[k]).filter((v) => v !== null));
          return [label, s ? s.median.toFixed(0) : '–', s ? s.min.toFixed(0) : '–', s ? s.max.toFixed(0) : '–'];
        }),
      }],
    },
  };
}
