// The diagram at real size (issue 19): a view without graphs on a 1920×1080 screen,
// nobody zooming. How large the service names are at full view, whether every
// non-healthy service stays named and readable, how much of its panel the drawing
// fills, and what laying it out and drawing it costs at 60 and 200 services.
import { durations, newPage, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

export const GOALS = {
  /** Every name at full view, 60 services, a view without graphs (CSS px). */
  labelPx: 12,
  /** Every non-healthy service's name at full view, 200 services (CSS px). */
  problemPx: 14,
  /** Share of the diagram panel's area the drawing's bounding box covers, 60 services. */
  coverage: 0.6,
  /** Layout + render, 200 services / 400 edges: no worse than before (docs/benchmarks.md, 2026-11-22). */
  renderMs: 125,
};

/**
 * What the page shows, read in the browser: each service's name as drawn (its font
 * size in user units times the SVG's scale on screen, so the callout's enlargement
 * counts, and whether it is displayed), the drawing's bounding box against its panel,
 * the density and the "what is broken" list.
 */
export function readSize() {
  const names = [];
  for (const box of document.querySelectorAll('[data-service]')) {
    let px = null;
    for (const t of box.querySelectorAll('.node-name')) {
      const r = t.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(t).display === 'none') continue;
      const ctm = t.getScreenCTM();
      const size = Number(t.getAttribute('font-size'));
      if (!ctm || !size) continue;
      const shown = size * Math.hypot(ctm.a, ctm.b);
      px = px === null ? shown : Math.max(px, shown);
    }
    names.push({ id: box.getAttribute('data-service'), status: box.getAttribute('data-status'), px });
  }
  const union = (els) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 || r.height > 0)
    .reduce((u, r) => (u ? {
      left: Math.min(u.left, r.left), top: Math.min(u.top, r.top), right: Math.max(u.right, r.right), bottom: Math.max(u.bottom, r.bottom),
    } : { left: r.left, top: r.top, right: r.right, bottom: r.bottom }), null);
  const drawing = union([...document.querySelectorAll('[data-service], .diagram-edges > path')]);
  const panel = document.querySelector('.diagram-panel')?.getBoundingClientRect();
  const list = document.querySelector('[data-testid="diagram-broken"]');
  const listEntries = list ? [...list.querySelectorAll('[data-service-ref]')].map((e) => e.getAttribute('data-service-ref')) : [];
  const listFontPx = list ? parseFloat(getComputedStyle(list.querySelector('.untrusted') ?? list).fontSize) : null;
  return {
    names,
    drawing,
    panel: panel ? { left: panel.left, top: panel.top, width: panel.width, height: panel.height } : null,
    density: document.querySelector('[data-density]')?.getAttribute('data-density') ?? null,
    listEntries,
    listFontPx,
  };
}

/** The figures of one reading: smallest names (all, and of non-healthy services), coverage. */
export function summarizeSize(reading) {
  const shown = reading.names.filter((n) => n.px !== null);
  const problems = reading.names.filter((n) => n.status !== 'healthy');
  const namedProblems = problems.filter((n) => n.px !== null);
  const min = (list) => (list.length ? Math.min(...list.map((n) => n.px)) : null);
  const d = reading.drawing;
  const p = reading.panel;
  const coverage = d && p && p.width > 0 && p.height > 0
    ? ((d.right - d.left) * (d.bottom - d.top)) / (p.width * p.height) : null;
  const unnamed = problems.filter((n) => n.px === null).map((n) => n.id);
  return {
    services: reading.names.length,
    named: shown.length,
    smallestName: min(shown),
    problems: problems.length,
    smallestProblem: min(namedProblems),
    // A problem without a name on the diagram must be in the list.
    problemsNamedNowhere: unnamed.filter((id) => !reading.listEntries.includes(id)),
    listed: reading.listEntries.length,
    coverage,
    density: reading.density,
  };
}

async function measure({ browser, url, loads, viewport }) {
  const times = [];
  let summary = null;
  for (let i = 0; i < loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS, viewport });
    try {
      await p.page.goto(url, { timeout: 30_000 });
      await waitForFirstStatus(p, 60_000);
      await p.page.waitForSelector('[data-density]', { timeout: 30_000 });
      await p.page.waitForTimeout(400);
      const measures = await p.page.evaluate(() => window.__bench.measures.slice());
      times.push(...durations(measures, 'diagram').slice(0, 1));
      if (i === loads - 1) summary = summarizeSize(await p.page.evaluate(readSize));
    } finally {
      await p.close();
    }
  }
  return { times, summary };
}

/**
 * `urls`: the generated stacks, healthy and with three failures:
 * `{ s60, s60failing, s200, s200failing }`.
 */
export async function diagramSize({ browser, urls, loads = 5 }) {
  const figure = 'diagram-size';
  const viewport = { width: 1920, height: 1080 };
  const r60 = await measure({ browser, url: urls.s60, loads, viewport });
  const r60f = await measure({ browser, url: urls.s60failing, loads: 1, viewport });
  const r200 = await measure({ browser, url: urls.s200, loads, viewport });
  const r200f = await measure({ browser, url: urls.s200failing, loads: 1, viewport });
  const px = (s) => (s?.smallestName ? [s.smallestName] : []);
  const rows = [
    row({
      figure, label: 'smallest name at full view, 60 services / 110 edges, 1920×1080, no graphs', goal: `≥ ${GOALS.labelPx} px`,
      unit: 'px', values: px(r60.summary), meets: (s) => s.min >= GOALS.labelPx,
      note: r60.summary && r60.summary.named < r60.summary.services ? `only ${r60.summary.named} of ${r60.summary.services} services named (density ${r60.summary.density})` : undefined,
    }),
    row({
      figure, label: 'smallest name of a non-healthy service at full view, 60 services, three failures', goal: `≥ ${GOALS.labelPx} px`,
      unit: 'px', values: r60f.summary?.smallestProblem ? [r60f.summary.smallestProblem] : [], meets: (s) => s.min >= GOALS.labelPx,
    }),
    row({
      figure, label: 'smallest name of a non-healthy service at full view, 200 services / 400 edges, three failures', goal: `≥ ${GOALS.problemPx} px`,
      unit: 'px', values: r200f.summary?.smallestProblem ? [r200f.summary.smallestProblem] : [],
      meets: (s) => s.min >= GOALS.problemPx && (r200f.summary?.problemsNamedNowhere.length ?? 1) === 0,
      note: r200f.summary?.problemsNamedNowhere.length ? `not named on the diagram nor in the list: ${r200f.summary.problemsNamedNowhere.join(', ')}` : undefined,
    }),
    row({
      figure, label: 'share of the diagram panel the drawing covers, 60 services', goal: `≥ ${GOALS.coverage * 100} %`,
      unit: '%', values: r60.summary?.coverage ? [r60.summary.coverage * 100] : [], meets: (s) => s.min >= GOALS.coverage * 100,
    }),
    row({ figure, label: 'share of the diagram panel the drawing covers, 200 services', unit: '%', values: r200.summary?.coverage ? [r200.summary.coverage * 100] : [], verdict: INFO }),
    row({ figure, label: 'diagram layout + render, 60 services / 110 edges, sized to its panel', unit: 'ms', values: r60.times, verdict: INFO }),
    row({
      figure, label: 'diagram layout + render, 200 services / 400 edges, sized to its panel', goal: `≤ ${GOALS.renderMs} ms (before issue 19)`,
      unit: 'ms', values: r200.times, meets: (s) => s.median <= GOALS.renderMs,
    }),
  ];
  const describe = (name, s) => (s
    ? `${name}: density ${s.density}; ${s.named} of ${s.services} services named, smallest name ${s.smallestName?.toFixed(1)} px;`
      + ` ${s.problems} not healthy, smallest of their names ${s.smallestProblem?.toFixed(1) ?? '–'} px, ${s.listed} in the "what is broken" list;`
      + ` drawing covers ${((s.coverage ?? 0) * 100).toFixed(0)} % of the panel`
    : `${name}: could not be read`);
  return {
    rows,
    section: {
      title: 'Diagram at real size',
      how: 'Generated stacks (`bench/lib/configs.mjs`) of 60 services / 110 dependencies in 6 layers and 200 / 400 in 8, no graphs,'
        + ' healthy and with three services failing their own check (so they and what they drag down are not healthy), on a'
        + ' 1920×1080 viewport at full view, nobody zooming. A name\'s size is its font size times the SVG\'s scale on screen'
        + ' (`getScreenCTM`, so an enlarged box counts); names not displayed (tiles) do not count. The drawing\'s bounding box is'
        + ' the union of every box and edge on screen, against the diagram panel. Layout + render is the app\'s'
        + ` \`panopticon:diagram\` measure over ${loads} fresh loads.`,
      notes: [
        describe('60 services, healthy', r60.summary),
        describe('60 services, three failures', r60f.summary),
        describe('200 services, healthy', r200.summary),
        describe('200 services, three failures', r200f.summary),
      ],
    },
  };
}
