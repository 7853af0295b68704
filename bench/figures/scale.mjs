// Evaluation at scale: the reference configuration over a 1,000-node cluster (the
// simulator's aggregated target behind a real Prometheus). One evaluation + propagation
// in wasm is the app's `panopticon:evaluate` measure.
import { durations, newPage, refreshOnce, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_MS = 20;

/**
 * `goal`: judge against the goal (the 1,000-node figure); otherwise information only
 * (a smaller cluster, to see how the time grows with the node count).
 */
export async function evaluationAtScale({ browser, url, nodes, refreshes = 10, goal = true }) {
  const figure = 'scale';
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  const evaluate = [];
  const refresh = [];
  const statuses = [];
  let first;
  let answerBytes = 0;
  try {
    p.page.on('response', async (res) => {
      if (!res.url().includes('/api/v1/query?')) return;
      try {
        answerBytes = Math.max(answerBytes, (await res.body()).length);
      } catch { /* the page moved on; the size is a note only */ }
    });
    await p.page.goto(url, { timeout: 60_000 });
    first = await waitForFirstStatus(p, 60_000);
    await refreshOnce(p, { timeoutMs: 60_000 });
    for (let i = 0; i < refreshes; i += 1) {
      const r = await refreshOnce(p, { timeoutMs: 60_000 });
      evaluate.push(...durations(r.measures, 'evaluate'));
      refresh.push(...durations(r.measures, 'refresh'));
      statuses.push(await p.page.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status));
    }
  } finally {
    await p.close();
  }
  const notHealthy = statuses.filter((s) => s !== 'healthy');
  return {
    rows: [
      row({
        figure, label: `evaluation + propagation, ${nodes} nodes`, goal: goal ? `≤ ${GOAL_MS} ms` : '', unit: 'ms', values: evaluate,
        meets: goal ? (s) => s.median <= GOAL_MS : undefined,
        note: notHealthy.length ? `the banner showed ${[...new Set(notHealthy)].join(', ')} for a healthy simulated cluster` : undefined,
      }),
      row({ figure, label: `refresh (queries + evaluation), ${nodes} nodes`, unit: 'ms', values: refresh, verdict: INFO }),
      row({ figure, label: `time to first status, ${nodes} nodes (one load)`, unit: 'ms', values: [first?.at], verdict: INFO }),
    ],
    evaluate,
    section: {
      title: `Evaluation at scale: ${nodes} nodes`,
      how: `The reference configuration with \`instances: ${nodes}\` against the simulator's aggregated target`
        + ` (\`panopticon-sim serve --aggregate --nodes ${nodes}\`: every node's series from one target, scraped`
        + ' every 5 s with `honor_labels: true`, about 51,000 series) behind the real Prometheus and nginx.'
        + ` ${refreshes} refreshes after one uncounted; the figure is the app's \`panopticon:evaluate\` measure`
        + ' (rules, aggregation, propagation and state for every service, in wasm).',
      notes: [
        `banner status on the measured refreshes: ${[...new Set(statuses)].join(', ') || 'none'}`,
        `largest instant answer: ${(answerBytes / 1024).toFixed(0)} KiB of JSON (before nginx's gzip)`,
      ],
    },
  };
}
