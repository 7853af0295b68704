// Time to first status: navigation start → the cluster banner shows a status computed
// from real data. Each load is a fresh browser context with the HTTP cache disabled,
// so every load fetches and compiles the bundle again, as a wall screen does after a
// restart.
import { newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_MS = 300;

export async function firstStatus({ browser, url, loads = 12 }) {
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
      }
    } finally {
      await p.close();
    }
  }
  const figure = 'first-status';
  const unhealthy = statuses.filter((s) => s !== 'healthy');
  return {
    rows: [
      row({
        figure, label: 'time to first status (banner)', goal: `≤ ${GOAL_MS} ms`, unit: 'ms', values: banner,
        meets: (s) => s.median <= GOAL_MS,
        note: unhealthy.length ? `the banner showed ${unhealthy.join(', ')} on some loads of a healthy cluster` : undefined,
      }),
      row({ figure, label: 'time to first panopticon:evaluate end', unit: 'ms', values: evaluateEnd, verdict: INFO }),
    ],
    section: {
      title: 'Time to first status',
      how: `${loads} page loads (after one uncounted warm-up load), each in a new browser context with`
        + ' the cache disabled (CDP `Network.setCacheDisabled`), against the simulated healthy 4-node'
        + ' cluster. The time is `performance.now()` (milliseconds since navigation start) when a'
        + ' MutationObserver sees the banner\'s `data-status` leave `unknown`, and when the first'
        + ' `panopticon:evaluate` measure ends.',
      notes: [`banner status on the counted loads: ${[...new Set(statuses)].join(', ') || 'none'}`],
    },
  };
}
