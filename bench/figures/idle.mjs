// Idle: between refreshes a wall screen should cost (almost) nothing. No refresh is
// fired during the windows (the harness holds the app's refresh timer); the app's own
// one-second clock, animations and anything else keep running.
import { newPage, refreshOnce, taskSeconds, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_PERCENT = 1;

/** CPU seconds used so far by each Chromium process (browser-wide CDP). */
async function processCpu(browserSession) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  return Object.fromEntries(processInfo.map((p) => [`${p.type}:${p.id}`, p.cpuTime]));
}

export async function idle({ browser, url, windows = 3, windowMs = 10_000 }) {
  const figure = 'idle';
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  const browserSession = await browser.newBrowserCDPSession();
  const main = [];
  const all = [];
  let perType = {};
  try {
    await p.page.goto(url, { timeout: 30_000 });
    await waitForFirstStatus(p);
    await p.page.waitForTimeout(1_000);
    for (let w = 0; w < windows; w += 1) {
      await refreshOnce(p);
      await p.page.waitForTimeout(1_000);
      const t0 = await taskSeconds(p);
      const c0 = await processCpu(browserSession);
      const wall0 = Date.now();
      await new Promise((r) => { setTimeout(r, windowMs); });
      const wall = (Date.now() - wall0) / 1000;
      const t1 = await taskSeconds(p);
      const c1 = await processCpu(browserSession);
      main.push((100 * (t1 - t0)) / wall);
      let sum = 0;
      perType = {};
      for (const [k, v] of Object.entries(c1)) {
        const d = v - (c0[k] ?? 0);
        sum += d;
        const type = k.split(':')[0];
        perType[type] = (perType[type] ?? 0) + (100 * d) / wall;
      }
      all.push((100 * sum) / wall);
    }
  } finally {
    await browserSession.detach().catch(() => {});
    await p.close();
  }
  return {
    rows: [
      row({ figure, label: 'idle CPU, page main thread', goal: `≤ ${GOAL_PERCENT} % of a core`, unit: '%', values: main, meets: (s) => s.median <= GOAL_PERCENT }),
      row({ figure, label: 'idle CPU, all Chromium processes', unit: '%', values: all, verdict: INFO }),
    ],
    section: {
      title: 'Idle',
      how: `${windows} windows of ${windowMs / 1000} s, each starting 1 s after a refresh, with no refresh during the window.`
        + ' Page main thread: CDP `Performance.getMetrics` `TaskDuration` (thread ticks) delta over wall time.'
        + ' All processes: CDP `SystemInfo.getProcessInfo` CPU time deltas (browser, renderer, GPU and utility'
        + ' processes together; includes Chromium\'s own housekeeping).',
      notes: [`last window by process type: ${Object.entries(perType).map(([k, v]) => `${k} ${v.toFixed(2)} %`).join(', ')}`],
    },
  };
}
