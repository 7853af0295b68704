// Requests per refresh: one refresh must ask Prometheus every distinct expression on
// screen exactly once — the instant checks of the configuration and the range queries
// of the view's graphs — and nothing else.
import { expressionOf } from '../lib/slow-proxy.mjs';
import { newPage, refreshOnce, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

/** Records the browser's Prometheus API requests (kind and expression) while `on`. */
function recorder(page) {
  const seen = [];
  let on = true;
  page.on('request', (req) => {
    const u = new URL(req.url());
    const m = u.pathname.match(/\/api\/v1\/([a-z_/]+)$/);
    if (!on || !m) return;
    seen.push({ kind: m[1], expr: expressionOf(`${u.pathname}${u.search}`, req.postData() ?? ''), method: req.method() });
  });
  return {
    take() { return seen.splice(0); },
    stop() { on = false; },
  };
}

/** Counts of each key in `items` that appear more than once. */
function duplicates(items) {
  const counts = new Map();
  for (const i of items) counts.set(i, (counts.get(i) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

export async function requestsPerRefresh({ browser, url, expressions, refreshes = 5 }) {
  const view = expressions.views[0];
  const expectInstant = expressions.instant;
  const expectRange = view ? view.graphs.flatMap((g) => g.queries) : [];
  const expected = expectInstant.length + expectRange.length;
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  const rec = recorder(p.page);
  const counts = [];
  const problems = [];
  let load;
  try {
    await p.page.goto(url, { timeout: 30_000 });
    await waitForFirstStatus(p);
    // Let the load's refreshes (and the Prometheus version lookup) finish.
    await p.page.waitForTimeout(1_500);
    load = rec.take();
    for (let i = 0; i < refreshes; i += 1) {
      await refreshOnce(p);
      const reqs = rec.take();
      counts.push(reqs.length);
      const instant = reqs.filter((r) => r.kind === 'query').map((r) => r.expr.trim());
      const range = reqs.filter((r) => r.kind === 'query_range').map((r) => r.expr.trim());
      const other = reqs.filter((r) => r.kind !== 'query' && r.kind !== 'query_range');
      const missing = [...expectInstant.filter((e) => !instant.includes(e)), ...expectRange.filter((e) => !range.includes(e))];
      const extra = [...instant.filter((e) => !expectInstant.includes(e)), ...range.filter((e) => !expectRange.includes(e))];
      const dup = [...duplicates(instant), ...duplicates(range)];
      if (missing.length || extra.length || dup.length || other.length) {
        problems.push(`refresh ${i + 1}: ${[
          missing.length && `missing ${missing.join('; ')}`,
          extra.length && `unexpected ${extra.join('; ')}`,
          dup.length && `asked more than once: ${dup.join('; ')}`,
          other.length && `other API calls: ${other.map((o) => o.kind).join(', ')}`,
        ].filter(Boolean).join(' — ')}`);
      }
    }
  } finally {
    rec.stop();
    await p.close();
  }
  const figure = 'requests';
  const loadKinds = load.reduce((m, r) => ({ ...m, [r.kind]: (m[r.kind] ?? 0) + 1 }), {});
  return {
    rows: [
      row({
        figure, label: 'requests per refresh', goal: `= ${expected} (${expectInstant.length} instant + ${expectRange.length} range), each once`,
        values: counts, meets: (s) => s.min === expected && s.max === expected && problems.length === 0,
        note: problems.length ? problems.join(' / ') : undefined,
      }),
      row({ figure, label: 'requests during the page load', values: [load.length], verdict: INFO }),
    ],
    section: {
      title: 'Requests per refresh',
      how: `The reference configuration (overview: ${expectRange.length} graphs). The harness fires`
        + ` ${refreshes} refreshes one at a time and records every \`/prometheus/api/v1/\` request the browser`
        + ' makes (Playwright `request` events), decoding each expression. Expected: the distinct instant'
        + ' expressions of the checks (query, ratio denominators, reachability `up` queries) plus the view\'s'
        + ' range queries, each exactly once, derived from the configuration file itself.',
      notes: [
        `page load (configuration fetch not counted): ${load.length} API requests — ${Object.entries(loadKinds).map(([k, n]) => `${n} × ${k}`).join(', ')}`
          + ` (one refresh is ${expected}; the page also asks \`prometheus_build_info\` once for the version shown).`,
        ...(problems.length ? problems : ['every refresh asked exactly the expected expressions, each once']),
      ],
      tables: [{ head: ['instant expressions (expected)'], rows: expectInstant.map((e) => [`\`${e}\``]) }],
    },
  };
}
