// The dependency diagram at 1,000 services and 2,000 dependencies (issue 17): what laying
// it out and drawing it costs, what a refresh costs the main thread once it is drawn,
// what each frame of a drag and of a Ctrl + wheel zoom costs, whether every name in view
// becomes readable when zoomed in, and whether any main-thread task after the first
// drawing runs over 50 ms.
import { durations, newPage, refreshOnce, taskSeconds, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';
import { readSize, summarizeSize } from './diagram-size.mjs';

export const SHAPE = { services: 1000, edges: 2000, layers: 10 };

export const GOALS = {
  /** Layout + render of the first drawing (the app's `panopticon:diagram` measure), median. */
  renderMs: 500,
  /** Main-thread time of one refresh once the diagram is drawn, median. */
  refreshMs: 16,
  /** Main-thread time per frame while dragging or zooming, median. */
  frameMs: 16,
  /** Every name in view after zooming in (CSS px). */
  labelPx: 12,
  /** No main-thread task after the first drawing may run longer (ms). */
  longTaskMs: 50,
};

/**
 * The names of the services in view (their box's centre inside the SVG's box on
 * screen): each one's on-screen size (font size × the SVG's scale) and whether it is
 * shown, whatever draws it (the box's own name, a named box over the tiles, or a tile's
 * label).
 */
export function readInView() {
  const svg = document.querySelector('svg.diagram-svg');
  if (!svg) return null;
  const frame = svg.getBoundingClientRect();
  const scale = (() => {
    const ctm = svg.getScreenCTM();
    return ctm ? Math.hypot(ctm.a, ctm.b) : 0;
  })();
  const shownPx = (t) => {
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(t).display === 'none') return null;
    const ctm = t.getScreenCTM();
    const size = Number(t.getAttribute('font-size'));
    return ctm && size ? size * Math.hypot(ctm.a, ctm.b) : null;
  };
  const labels = new Map();
  for (const t of document.querySelectorAll('.diagram-tile-labels [data-label-for]')) {
    labels.set(t.getAttribute('data-label-for'), t);
  }
  const inView = [];
  for (const box of document.querySelectorAll('.diagram-nodes > [data-service]')) {
    const r = (box.querySelector('.node-box') ?? box).getBoundingClientRect();
    const cx = r.left + r.width / 2;
    const cy = r.top + r.height / 2;
    if (cx < frame.left || cx > frame.right || cy < frame.top || cy > frame.bottom) continue;
    const id = box.getAttribute('data-service');
    const px = [...box.querySelectorAll('.node-name'), labels.get(id)].filter(Boolean)
      .map(shownPx).filter((v) => v !== null);
    inView.push({ id, px: px.length ? Math.max(...px) : null });
  }
  const named = inView.filter((n) => n.px !== null);
  return {
    inView: inView.length,
    named: named.length,
    smallest: named.length ? Math.min(...named.map((n) => n.px)) : null,
    unnamed: inView.filter((n) => n.px === null).map((n) => n.id).slice(0, 5),
    unitsPerPx: scale ? 1 / scale : null,
    viewBox: svg.getAttribute('viewBox'),
  };
}

/**
 * Main-thread time per frame over `gesture` (CDP `TaskDuration` over the frames the page
 * drew meanwhile, counted by a `requestAnimationFrame` loop), the frames' intervals,
 * and the long tasks that ran.
 */
async function perFrame(p, gesture) {
  await p.page.evaluate(() => {
    const b = window.__bench;
    b.longTasks.length = 0;
    b.frames = [];
    b.framing = true;
    const tick = (t) => {
      b.frames.push(t);
      if (b.framing) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const before = await taskSeconds(p);
  const viewBoxes = await gesture();
  await p.page.evaluate(() => new Promise((r) => { requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))); }));
  const after = await taskSeconds(p);
  const { frames, longTasks } = await p.page.evaluate(() => {
    const b = window.__bench;
    b.framing = false;
    return { frames: b.frames.slice(), longTasks: b.longTasks.slice() };
  });
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  return {
    msPerFrame: frames.length > 1 ? ((after - before) * 1000) / (frames.length - 1) : null,
    frames: frames.length,
    worstInterval: intervals.length ? Math.max(...intervals) : null,
    longTasks,
    views: new Set(viewBoxes).size,
  };
}

/**
 * The renderer main thread's tasks while `fn` runs, from a Chromium trace (`toplevel`
 * category): each task's wall time and thread time (`tdur`: time on a CPU). On a machine
 * shared with other work the wall time includes waiting for a core; the thread time is
 * what the task itself costs.
 */
async function tracedTasks(p, fn) {
  const events = [];
  const collect = (e) => events.push(...e.value);
  p.cdp.on('Tracing.dataCollected', collect);
  const complete = new Promise((resolve) => { p.cdp.once('Tracing.tracingComplete', resolve); });
  await p.cdp.send('Tracing.start', {
    transferMode: 'ReportEvents', traceConfig: { includedCategories: ['toplevel', 'devtools.timeline'] },
  });
  try {
    await fn();
  } finally {
    await p.cdp.send('Tracing.end');
    await complete;
    p.cdp.off('Tracing.dataCollected', collect);
  }
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`));
  const thread = (e) => (e.tdur ?? e.dur) / 1000;
  return onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask').map((e) => {
    const task = { wall: e.dur / 1000, thread: thread(e) };
    if (task.thread > GOALS.longTaskMs) {
      // What a long task did: its largest parts (event handlers, style, layout, paint, script).
      task.parts = onMain.filter((c) => c !== e && c.name !== 'ThreadControllerImpl::RunTask' && c.ts >= e.ts
        && c.ts + c.dur <= e.ts + e.dur && thread(c) > 5)
        .map((c) => `${c.name} ${thread(c).toFixed(0)}`).slice(0, 8).join(', ');
    }
    return task;
  });
}

async function viewBox(page) {
  return page.evaluate(() => document.querySelector('svg.diagram-svg')?.getAttribute('viewBox') ?? null);
}

/** Ctrl + wheel over the drawing's centre, `notches` times, a frame apart. */
async function zoomIn(page, at, notches) {
  const seen = [];
  await page.mouse.move(at.x, at.y);
  await page.keyboard.down('Control');
  for (let i = 0; i < notches; i += 1) {
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(20);
    seen.push(await viewBox(page));
  }
  await page.keyboard.up('Control');
  return seen;
}

/** A drag of `steps` pointer moves from `at`, a frame apart. */
async function drag(page, at, steps) {
  const seen = [];
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i += 1) {
    await page.mouse.move(at.x - 9 * i, at.y - 4 * i);
    await page.waitForTimeout(16);
    seen.push(await viewBox(page));
  }
  await page.mouse.up();
  return seen;
}

/** One load: its layout + render measures, and on `interact` everything after the first drawing. */
async function load(browser, url, { interact, refreshes, outage }) {
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  try {
    await p.page.goto(url, { timeout: 60_000 });
    await waitForFirstStatus(p, 120_000);
    await p.page.waitForSelector('[data-density]', { timeout: 60_000 });
    await p.page.waitForTimeout(500);
    const measures = await p.page.evaluate(() => window.__bench.measures.slice());
    const result = {
      render: durations(measures, 'diagram').slice(0, 1),
      layout: durations(measures, 'diagram-layout').slice(0, 1),
    };
    if (!interact) return result;
    result.overview = summarizeSize(await p.page.evaluate(readSize));
    result.tasks = await tracedTasks(p, () => interactions(p, result, refreshes));
    if (outage) result.outage = await outageRefresh(p, outage);
    return result;
  } finally {
    await p.close();
  }
}

/** Refreshes, a zoom, a drag and a refresh while zoomed in, recorded into `result`. */
async function interactions(p, result, refreshes) {
  result.refresh = [];
  result.longTasks = [];
  // What the refreshes write into the drawing: nothing, when no status changed.
  await p.page.evaluate(() => {
    const b = window.__bench;
    b.written = 0;
    b.writes = new MutationObserver((records) => { b.written += records.length; });
    b.writes.observe(document.querySelector('svg.diagram-svg'), { subtree: true, attributes: true, childList: true, characterData: true });
  });
  for (let r = 0; r < refreshes; r += 1) {
    const before = await taskSeconds(p);
    const done = await refreshOnce(p);
    result.refresh.push(((await taskSeconds(p)) - before) * 1000);
    result.longTasks.push(...done.longTasks.map((t) => ({ ...t, during: 'refresh' })));
  }
  result.written = await p.page.evaluate(() => {
    const b = window.__bench;
    b.writes.takeRecords();
    b.writes.disconnect();
    return b.written;
  });
  const svg = await p.page.evaluate(() => {
    const r = document.querySelector('svg.diagram-svg').getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + Math.min(r.height, innerHeight - r.y) / 2 };
  });
  result.zoom = await perFrame(p, () => zoomIn(p.page, svg, 12));
  result.zoomed = await p.page.evaluate(readInView);
  result.pan = await perFrame(p, () => drag(p.page, svg, 30));
  result.panned = await p.page.evaluate(readInView);
  result.longTasks.push(...result.zoom.longTasks.map((t) => ({ ...t, during: 'zoom' })));
  result.longTasks.push(...result.pan.longTasks.map((t) => ({ ...t, during: 'drag' })));
  // A refresh while zoomed in (the labels in view are kept).
  const before = await taskSeconds(p);
  const done = await refreshOnce(p);
  result.refreshZoomed = ((await taskSeconds(p)) - before) * 1000;
  result.longTasks.push(...done.longTasks.map((t) => ({ ...t, during: 'refresh, zoomed' })));
  result.viewBox = await viewBox(p.page);
}

/**
 * The refresh that shows an outage (most services turn non-healthy at once: every box
 * and edge changes, tiles get their named boxes) and the one that shows it over, each
 * followed for two seconds (a large change is written over several frames; the page's
 * one-second clock counts too): main-thread time and the longest task (thread time).
 */
async function outageRefresh(p, outage) {
  const one = async () => {
    let ms = 0;
    const tasks = await tracedTasks(p, async () => {
      const before = await taskSeconds(p);
      await refreshOnce(p);
      // A large change is written over a few frames (src/diagram/patcher.rs): until it settles.
      await p.page.waitForTimeout(2_000);
      ms = ((await taskSeconds(p)) - before) * 1000;
    });
    const notHealthy = await p.page.evaluate(() => document.querySelectorAll('[data-service]:not([data-status="healthy"])').length);
    const worst = tasks.reduce((w, t) => (w && w.thread >= t.thread ? w : t), null);
    return { ms, longest: worst?.thread ?? 0, parts: worst?.parts, notHealthy };
  };
  await outage.start();
  try {
    await p.page.waitForTimeout(outage.settleMs ?? 3_000);
    const start = await one();
    await outage.stop();
    await p.page.waitForTimeout(outage.settleMs ?? 3_000);
    const end = await one();
    return { start, end };
  } finally {
    await outage.stop();
  }
}

/**
 * `urls`: `{ healthy, failing }`, the generated 1,000-service stack healthy and with
 * three services failing their own check. `outage` (optional): `{ start, stop,
 * settleMs }`, turning most services non-healthy and back (the simulator's
 * `exporter-down` scenario), for the refreshes that change every box.
 */
export async function diagram1000({ browser, urls, loads = 5, refreshes = 5, outage }) {
  const figure = 'diagram-1000';
  const render = [];
  const layout = [];
  let last = null;
  for (let i = 0; i < loads; i += 1) {
    const r = await load(browser, urls.healthy, { interact: i === loads - 1, refreshes, outage: i === loads - 1 ? outage : undefined });
    render.push(...r.render);
    layout.push(...r.layout);
    if (i === loads - 1) last = r;
  }
  const failing = await load(browser, urls.failing, { interact: true, refreshes: Math.min(refreshes, 3) });
  const long = [...(last?.longTasks ?? []), ...(failing.longTasks ?? []).map((t) => ({ ...t, during: `${t.during} (failing)` }))];
  const worstLong = long.length ? Math.max(...long.map((t) => t.duration)) : 0;
  const tasks = [...(last?.tasks ?? []), ...(failing.tasks ?? [])];
  const worstThread = tasks.length ? Math.max(...tasks.map((t) => t.thread)) : null;
  const worstWall = tasks.length ? Math.max(...tasks.map((t) => t.wall)) : null;
  const overThread = tasks.filter((t) => t.thread > GOALS.longTaskMs).length;
  const zoomed = [last?.zoomed, last?.panned, failing.zoomed, failing.panned].filter(Boolean);
  const smallest = zoomed.map((z) => z.smallest).filter((v) => v !== null);
  const unnamed = zoomed.reduce((n, z) => n + (z.inView - z.named), 0);
  const shape = `${SHAPE.services} services / ${SHAPE.edges} edges`;
  const rows = [
    row({
      figure, label: `diagram layout + render, ${shape}, 1920×1080 without graphs`, goal: `≤ ${GOALS.renderMs} ms`,
      unit: 'ms', values: render, meets: (s) => s.median <= GOALS.renderMs,
    }),
    row({ figure, label: `diagram layout only (panopticon:diagram-layout), ${shape}`, unit: 'ms', values: layout, verdict: INFO }),
    row({
      figure, label: `main-thread time of a refresh, ${shape} drawn (healthy and three failures)`, goal: `≤ ${GOALS.refreshMs} ms`,
      unit: 'ms', values: [...(last?.refresh ?? []), ...(failing.refresh ?? [])], meets: (s) => s.median <= GOALS.refreshMs,
    }),
    row({
      figure, label: `DOM writes into the drawing by refreshes that change no status, ${shape}`, goal: '0',
      unit: '', values: [last?.written, failing.written].filter((v) => v != null), meets: (st) => st.max === 0,
    }),
    ...(last?.outage ? [
      row({
        figure, label: `main-thread time of the refresh that shows an outage (${last.outage.start.notHealthy} services turn non-healthy), ${shape}`,
        unit: 'ms', values: [last.outage.start.ms], verdict: INFO,
        note: `longest task ${last.outage.start.longest.toFixed(0)} ms of thread time (${last.outage.start.parts ?? ''});`
          + ` the refresh that shows it over: ${last.outage.end.ms.toFixed(1)} ms, longest task ${last.outage.end.longest.toFixed(0)} ms`
          + ` (${last.outage.end.parts ?? ''}; ${last.outage.end.notHealthy} still not healthy)`,
      }),
    ] : []),
    row({
      figure, label: `main-thread time per frame, Ctrl + wheel zoom, ${shape}`, goal: `≤ ${GOALS.frameMs} ms`,
      unit: 'ms', values: [last?.zoom?.msPerFrame, failing.zoom?.msPerFrame].filter((v) => v != null),
      meets: (s) => s.median <= GOALS.frameMs,
    }),
    row({
      figure, label: `main-thread time per frame, dragging the zoomed view, ${shape}`, goal: `≤ ${GOALS.frameMs} ms`,
      unit: 'ms', values: [last?.pan?.msPerFrame, failing.pan?.msPerFrame].filter((v) => v != null),
      meets: (s) => s.median <= GOALS.frameMs,
    }),
    row({
      figure, label: `smallest name in view after zooming in, ${shape}`, goal: `≥ ${GOALS.labelPx} px, every service in view named`,
      unit: 'px', values: smallest, meets: (s) => s.min >= GOALS.labelPx && unnamed === 0,
      note: unnamed ? `${unnamed} services in view without a name shown` : undefined,
    }),
    row({
      figure, label: `longest main-thread task after the first drawing (refreshes, zoom, drag), thread time, ${shape}`,
      goal: `≤ ${GOALS.longTaskMs} ms`, unit: 'ms', values: [worstThread].filter((v) => v !== null), meets: (s) => s.max <= GOALS.longTaskMs,
      note: `${overThread} of ${tasks.length} tasks over ${GOALS.longTaskMs} ms of thread time`
        + `${overThread ? ` (${tasks.filter((t) => t.parts !== undefined).map((t) => `${t.thread.toFixed(0)} ms: ${t.parts}`).join('; ')})` : ''}`
        + `; wall time of the longest task ${worstWall?.toFixed(0)} ms`,
    }),
    row({
      figure, label: `longest main-thread task after the first drawing, wall time (Long Tasks API), ${shape}`, unit: 'ms',
      values: [worstLong], verdict: INFO,
      note: long.length ? `${long.length} long tasks (wall): ${long.map((t) => `${t.duration.toFixed(0)} ms (${t.during})`).join(', ')}` : undefined,
    }),
  ];
  const describeView = (name, z) => (z
    ? `${name}: ${z.named} of ${z.inView} services in view named, smallest ${z.smallest?.toFixed(1) ?? '–'} px`
      + `${z.unnamed.length ? ` (unnamed: ${z.unnamed.join(', ')}…)` : ''}; viewBox ${z.viewBox}`
    : `${name}: could not be read`);
  const describeFrames = (name, f) => (f
    ? `${name}: ${f.frames} frames, ${f.views} distinct views, worst frame interval ${f.worstInterval?.toFixed(1)} ms`
    : `${name}: not measured`);
  const o = last?.overview;
  return {
    rows,
    section: {
      title: 'Diagram at 1,000 services',
      how: `A generated stack (\`bench/lib/configs.mjs\` \`diagramConfig\`) of ${shape} in ${SHAPE.layers} layers, no graphs,`
        + ' on a 1920×1080 viewport, healthy and with three services failing their own check.'
        + ` Layout + render is the app's \`panopticon:diagram\` measure over ${loads} fresh loads. On the last load (and on one`
        + ' load of the failing stack): refreshes fired by the harness, each one\'s main-thread time from CDP `TaskDuration`'
        + ' (thread ticks); then 12 notches of Ctrl + wheel over the drawing\'s centre and a drag of 30 pointer moves'
        + ' (real input through CDP, a frame apart), each one\'s main-thread time divided by the frames the page drew'
        + ' meanwhile (a `requestAnimationFrame` loop); the names of the services whose box\'s centre is in view after'
        + ' zooming and after the drag (font size × the SVG\'s scale on screen); and every main-thread task during the'
        + ' refreshes, the zoom and the drag, from a Chromium trace (thread time: what the task costs a core) and from the'
        + ' Long Tasks API (wall time: on a machine shared with other work, also the time the task waited for a core).',
      notes: [
        o ? `overview: density ${o.density}, ${o.named} of ${o.services} services named, ${o.problems} not healthy` : 'overview: not read',
        describeFrames('zoom', last?.zoom),
        describeFrames('drag', last?.pan),
        describeView('after zooming in', last?.zoomed),
        describeView('after the drag', last?.panned),
        describeView('three failures, after zooming in', failing.zoomed),
        `refresh while zoomed in: ${last?.refreshZoomed?.toFixed(1)} ms main thread`,
      ],
    },
  };
}
