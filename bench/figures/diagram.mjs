// The dependency diagram at scale: 200 services and 400 dependencies. Time to lay out
// and render (from the app's measures), and whether the result stays usable: every
// service drawn, no two boxes on top of each other, labels of a readable size, and
// zoom and pan that work.
import { durations, newPage, refreshOnce, taskSeconds, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, NOT_INSTRUMENTED, MEETS, MISSES, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';

const GOAL_MS = 100;
/** Below this on-screen text height (CSS px, at 1920×1080) a label is hard to read. */
const MIN_LABEL_PX = 9;

/** The measure that covers layout and render, then the layout-only one the app records today. */
const FULL = 'diagram';
const LAYOUT = 'diagram-layout';

/** Geometry of the drawn diagram, read from the DOM. */
function readDiagram() {
  const svg = document.querySelector('svg.diagram-svg') ?? document.querySelector('[data-service]')?.closest('svg');
  const boxes = [...document.querySelectorAll('[data-service]')];
  const rects = boxes.map((b) => b.getBoundingClientRect());
  let overlaps = 0;
  for (let i = 0; i < rects.length; i += 1) {
    for (let j = i + 1; j < rects.length; j += 1) {
      const a = rects[i];
      const c = rects[j];
      const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
      const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
      if (w > 1 && h > 1) overlaps += 1;
    }
  }
  // The boxes' own text, and the names under tiles once zoomed in (src/diagram/tile_labels.rs).
  const texts = [...boxes.flatMap((b) => [...b.querySelectorAll('text')]), ...document.querySelectorAll('.diagram-tile-labels text')];
  const labels = texts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0);
  const box = svg?.getBoundingClientRect();
  return {
    services: boxes.length,
    overlaps,
    minLabelPx: labels.length ? Math.min(...labels) : null,
    medianLabelPx: labels.length ? labels.sort((a, b) => a - b)[Math.floor(labels.length / 2)] : null,
    viewBox: svg?.getAttribute('viewBox') ?? null,
    svg: box ? { x: box.x, y: box.y, width: box.width, height: box.height } : null,
    edges: document.querySelectorAll('.diagram-edges > *').length,
  };
}

export async function diagramAtScale({ browser, url, services, edges, loads = 5, refreshes = 5 }) {
  const figure = 'diagram';
  const full = [];
  const layout = [];
  const refreshMain = [];
  let geometry;
  let interaction = { zoom: false, pan: false, labelPx: null, detail: 'not tried' };
  for (let i = 0; i < loads; i += 1) {
    const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
    try {
      await p.page.goto(url, { timeout: 30_000 });
      await waitForFirstStatus(p, 60_000);
      await p.page.waitForTimeout(300);
      const measures = await p.page.evaluate(() => window.__bench.measures.slice());
      full.push(...durations(measures, FULL).slice(0, 1));
      layout.push(...durations(measures, LAYOUT).slice(0, 1));
      if (i === loads - 1) {
        geometry = await p.page.evaluate(readDiagram);
        for (let r = 0; r < refreshes; r += 1) {
          const before = await taskSeconds(p);
          await refreshOnce(p);
          refreshMain.push(((await taskSeconds(p)) - before) * 1000);
        }
        interaction = await tryZoomAndPan(p, geometry);
      }
    } finally {
      await p.close();
    }
  }
  const usable = geometry && geometry.services === services && geometry.overlaps === 0
    && interaction.zoom && interaction.pan && interaction.labelPx !== null && interaction.labelPx >= MIN_LABEL_PX;
  const rows = [];
  if (full.length) {
    rows.push(row({ figure, label: `diagram layout + render, ${services} services / ${edges} edges`, goal: `≤ ${GOAL_MS} ms`, unit: 'ms', values: full, meets: (s) => s.median <= GOAL_MS }));
  } else {
    rows.push(row({
      figure, label: `diagram layout + render, ${services} services / ${edges} edges`, goal: `≤ ${GOAL_MS} ms`, verdict: NOT_INSTRUMENTED,
      note: `no \`panopticon:${FULL}\` measure (layout + render) was recorded by the app${layout.length ? `; the layout alone (\`panopticon:${LAYOUT}\`) is in the next row` : ''}`,
    }));
  }
  if (layout.length) {
    rows.push(row({ figure, label: 'diagram layout only (panopticon:diagram-layout)', goal: `≤ ${GOAL_MS} ms (part of)`, unit: 'ms', values: layout, meets: (s) => s.median <= GOAL_MS }));
  }
  rows.push(row({ figure, label: `main-thread time of a refresh, ${services} services`, unit: 'ms', values: refreshMain, verdict: INFO }));
  rows.push(row({ figure, label: 'diagram: smallest label at full view', unit: 'px', values: geometry?.minLabelPx ? [geometry.minLabelPx] : [], verdict: INFO }));
  rows.push(row({
    figure, label: 'diagram readable with zoom/pan (all drawn, no overlap, label after zoom)', goal: `zoom to labels ≥ ${MIN_LABEL_PX} px, pan`,
    unit: 'px', values: interaction.labelPx ? [interaction.labelPx] : [],
    verdict: usable ? MEETS : MISSES,
    note: usable ? undefined
      : `drawn ${geometry?.services}/${services}, overlapping boxes ${geometry?.overlaps}, zoom ${interaction.zoom ? 'works' : 'no'}, pan ${interaction.pan ? 'works' : 'no'}, label after zoom ${interaction.labelPx?.toFixed(1)} px (${interaction.detail})`,
  }));
  return {
    rows,
    section: {
      title: 'Diagram at scale',
      how: `A generated stack of ${services} services in 8 layers with ${edges} dependencies (about a quarter soft;`
        + ' every edge points to a lower layer, so no cycles), one real check each, no graphs. '
        + `${loads} fresh page loads for the layout/render measures; on the last one, ${refreshes} refreshes`
        + ' (main-thread time from CDP `TaskDuration`, thread ticks) and the readability checks on a 1920×1080 viewport:'
        + ' every service drawn, no two boxes overlapping (bounding boxes), the smallest label\'s on-screen height'
        + ` at full view, then zooming over the diagram's centre (Ctrl + wheel; else a plain wheel; else the zoom-in button)`
        + ` until labels are at least ${MIN_LABEL_PX} px (at most 15 steps) and a drag, each checked by the SVG \`viewBox\` changing.`,
      notes: geometry ? [
        `drawn: ${geometry.services} services, ${geometry.edges} edge elements; overlapping boxes: ${geometry.overlaps};`
          + ` label height on screen: smallest ${geometry.minLabelPx?.toFixed(1)} px, median ${geometry.medianLabelPx?.toFixed(1)} px`
          + ` (diagram ${geometry.svg ? `${geometry.svg.width.toFixed(0)}×${geometry.svg.height.toFixed(0)}` : '?'} px)`,
        `zoom: ${interaction.zoom ? 'yes' : 'no'}, pan: ${interaction.pan ? 'yes' : 'no'}; smallest label after zooming ${interaction.labelPx?.toFixed(1)} px — ${interaction.detail}`,
      ] : ['the diagram could not be read'],
    },
  };
}

/**
 * Zooms over the diagram's centre until the labels reach a readable size (at most 15
 * steps), then drags; each must change the SVG viewBox.
 */
async function tryZoomAndPan(p, geometry) {
  if (!geometry?.svg) return { zoom: false, pan: false, labelPx: null, detail: 'no diagram SVG found' };
  const { page } = p;
  const vb = () => page.evaluate(() => document.querySelector('svg.diagram-svg')?.getAttribute('viewBox') ?? null);
  const cx = geometry.svg.x + geometry.svg.width / 2;
  const cy = geometry.svg.y + Math.min(geometry.svg.height, 1080 - geometry.svg.y) / 2;
  await page.mouse.move(cx, cy);
  const v0 = await vb();
  let labelPx = geometry.minLabelPx;
  let notches = 0;
  // Ctrl + wheel zooms (a plain wheel scrolls the page, or the Grafana around it); a
  // plain wheel and the zoom-in button are tried too, and the results say which worked.
  const methods = [
    ['Ctrl + wheel', async () => {
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -240);
      await page.keyboard.up('Control');
    }],
    ['wheel', () => page.mouse.wheel(0, -240)],
    ['zoom-in button', () => page.click('.diagram-zoom-in', { timeout: 2_000 })],
  ];
  let method = null;
  for (const [name, zoomOnce] of methods) {
    const before = await vb();
    await page.mouse.move(cx, cy);
    await zoomOnce().catch(() => {});
    await page.waitForTimeout(60);
    if ((await vb()) !== before) {
      method = [name, zoomOnce];
      notches = 1;
      break;
    }
  }
  labelPx = (await page.evaluate(readDiagram)).minLabelPx;
  while (method && notches < 15 && (labelPx === null || labelPx < MIN_LABEL_PX)) {
    await page.mouse.move(cx, cy);
    await method[1]();
    await page.waitForTimeout(60);
    notches += 1;
    labelPx = (await page.evaluate(readDiagram)).minLabelPx;
  }
  const v1 = await vb();
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 1; i <= 10; i += 1) await page.mouse.move(cx + 12 * i, cy + 6 * i);
  await page.mouse.up();
  await page.waitForTimeout(200);
  const v2 = await vb();
  const width = (v) => Number(v?.split(/[\s,]+/)[2]);
  const factor = width(v0) / width(v1);
  return {
    zoom: v0 !== null && v1 !== v0,
    pan: v1 !== null && v2 !== v1,
    labelPx,
    detail: `${method ? `${notches} × ${method[0]}` : 'no zoom method changed the view'} (zoom ×${Number.isFinite(factor) ? factor.toFixed(1) : '?'}); viewBox ${v0} → ${v1} → drag → ${v2}`,
  };
}
