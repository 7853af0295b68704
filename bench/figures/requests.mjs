// Requests per refresh: one refresh must ask Prometheus every distinct expression on
// screen exactly once — the instant checks of the configuration and the range queries
// of the view's graphs — and each alert source's request once (Prometheus's rules,
// Alertmanager's alerts and silences), and nothing else. The checks go as one combined query (each
// part tagged with `__panopticon_part`, see core/src/prom/combine.rs): one request for
// all of them, each expression still asked once inside it.
import { expressionOf } from '../lib/slow-proxy.mjs';

/** How core/src/prom/combine.rs tags part `i`: `label_replace(label_replace((\n<expr>\n),…),"__panopticon_part","<i>","","")`. */
const PART = /label_replace\(label_replace\(\(\n([\s\S]*?)\n\),"__panopticon_clash","1","__panopticon_part","\.\+"\),"__panopticon_part","(\d+)","",""\)/g;

/** The expressions a request asks: the parts of a combined query, else the expression itself. */
export function partsOf(expr) {
  if (!expr || !expr.includes('__panopticon_part')) return [expr];
  return [...expr.matchAll(PART)].map((m) => m[1]);
}
import { newPage, refreshOnce, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

/** Records the browser's Prometheus and Alertmanager API requests (kind and expression or URL) while `on`. */
function recorder(page) {
  const seen = [];
  let on = true;
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (!on) return;
    const am = u.pathname.match(/\/api\/v2\/([a-z_/]+)$/);
    if (am) {
      seen.push({ kind: `alertmanager ${am[1]}`, expr: `${u.pathname}${u.search}`, method: req.method() });
      return;
    }
    const m = u.pathname.match(/\/api\/v1\/([a-z_/]+)$/);
    if (!m) return;
    const kind = m[1];
    const expr = kind === 'rules' || kind === 'alerts' ? `${u.pathname}${u.search}` : expressionOf(`${u.pathname}${u.search}`, req.postData() ?? '');
    seen.push({ kind, expr, method: req.method() });
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
  // Two or more checks go as one combined query (the reference configuration has no
  // scalar-looking check, which would be asked alone).
  const instantRequests = Math.min(expectInstant.length, 1);
  // The alert sources' requests of a refresh (the engine's own list: Prometheus's rules,
  // Alertmanager's alerts and silences), each once.
  const expectAlerts = expressions.alerts ?? [];
  const expected = instantRequests + expectRange.length + expectAlerts.length;
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
      const instant = reqs.filter((r) => r.kind === 'query').flatMap((r) => partsOf(r.expr)).map((e) => e.trim());
      const range = reqs.filter((r) => r.kind === 'query_range').map((r) => r.expr.trim());
      const alerts = reqs.filter((r) => expectAlerts.includes(r.expr)).map((r) => r.expr);
      const other = reqs.filter((r) => r.kind !== 'query' && r.kind !== 'query_range' && !expectAlerts.includes(r.expr));
      const missing = [
        ...expectInstant.filter((e) => !instant.includes(e)), ...expectRange.filter((e) => !range.includes(e)),
        ...expectAlerts.filter((e) => !alerts.includes(e)),
      ];
      const extra = [...instant.filter((e) => !expectInstant.includes(e)), ...range.filter((e) => !expectRange.includes(e))];
      const dup = [...duplicates(instant), ...duplicates(range), ...duplicates(alerts)];
      if (missing.length || extra.length || dup.length || other.length) {
        problems.push(`refresh ${i + 1}: ${[
          missing.length && `missing ${missing.join('; ')}`,
          extra.length && `unexpected ${extra.join('; ')}`,
          dup.length && `asked more than once: ${dup.join('; ')}`,
          other.length && `other API calls: ${other.map((o) => `${o.kind} ${o.expr ?? ''}`.trim()).join(', ')}`,
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
        figure, label: 'requests per refresh', goal: `= ${expected} (${expectInstant.length} instant expressions in ${instantRequests} combined query + ${expectRange.length} range + ${expectAlerts.length} alert source requests), each once`,
        values: counts, meets: (s) => s.min === expected && s.max === expected && problems.length === 0,
        note: problems.length ? problems.join(' / ') : undefined,
      }),
      row({ figure, label: 'requests during the page load', values: [load.length], verdict: INFO }),
    ],
    section: {
      title: 'Requests per refresh',
      how: `The reference configuration (overview: ${expectRange.length} graphs). The harness fires`
        + ` ${refreshes} refreshes one at a time and records every \`/prometheus/api/v1/\` and \`/alertmanager/api/v2/\` request the browser`
        + ' makes (Playwright `request` events), decoding each expression (a combined query into its parts).'
        + ' Expected: the distinct instant expressions of the checks (query, ratio denominators, reachability'
        + ' `up` queries), all in one combined query, plus the view\'s range queries, plus each alert source\'s'
        + ` request (${expectAlerts.map((u) => `\`${u}\``).join(', ') || 'none'}), each exactly once,`
        + ' derived from the configuration file itself. Before issue 17 each check was a request of its own'
        + ` (${expectInstant.length + expectRange.length} per refresh).`,
      notes: [
        `page load (configuration fetch not counted): ${load.length} API requests — ${Object.entries(loadKinds).map(([k, n]) => `${n} × ${k}`).join(', ')}`
          + ` (one refresh is ${expected}; the page also asks \`prometheus_build_info\` once for the version shown).`,
        ...(problems.length ? problems : ['every refresh asked exactly the expected expressions, each once']),
      ],
      tables: [{ head: ['instant expressions (expected)'], rows: expectInstant.map((e) => [`\`${e}\``]) }],
    },
  };
}
