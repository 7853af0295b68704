// Refresh latency against the slowest query, and the fan-out: a refresh asks all its
// queries at once (at most `max_in_flight` at a time), so it takes about as long as the
// slowest query (per wave of `max_in_flight`), not the sum of all of them.
//
// Delays are injected by the slow proxy between nginx and Prometheus, so the browser
// sees a genuinely slow upstream.
import { durations, openSettled, refreshOnce, taskSeconds } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { partsOf } from './requests.mjs';

export const SLOW_EXPR = 'gluster_up';
const SLOW_MS = 300;
const FANOUT_DELAY_MS = 100;
const GOAL_RATIO = 1.2;
const MAX_IN_FLIGHT = 6;

const medOf = (xs) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor(v.length / 2)] : NaN;
};
const isInstant = (r) => /\/api\/v1\/query(\?|$)/.test(r.url);

/**
 * `n` refreshes (after one uncounted): refresh durations, the slowest instant query of
 * each (and how long after the refresh started it was sent), and main-thread time.
 */
async function measure(p, n) {
  const out = [];
  await refreshOnce(p);
  for (let i = 0; i < n; i += 1) {
    const before = await taskSeconds(p);
    const r = await refreshOnce(p);
    const main = ((await taskSeconds(p)) - before) * 1000;
    const refresh = r.measures.find((m) => m.name === 'panopticon:refresh');
    const instant = r.resources.filter(isInstant);
    const slowest = instant.reduce((a, x) => (a === null || x.duration > a.duration ? x : a), null);
    out.push({
      refresh: refresh?.duration ?? NaN,
      slowest: slowest?.duration ?? NaN,
      slowestSentAfter: slowest && refresh ? slowest.start - refresh.start : NaN,
      main,
      instantCount: instant.length,
    });
  }
  return out;
}

export async function latency({ browser, stack, expressions, refreshes = 10 }) {
  const proxy = stack.proxy;
  const base = stack.slowNginx.url;
  const figure = 'latency';
  const n = expressions.instant.length;
  if (!expressions.instant.includes(SLOW_EXPR)) throw new Error(`the configuration does not ask ${SLOW_EXPR}`);
  const rows = [];
  const notes = [];
  const ref = await openSettled(browser, `${base}/`);
  const one = await openSettled(browser, `${base}/?config=one.yaml`);
  try {
    // One slow query.
    // The slow expression, alone or as a part of the checks' combined query.
    proxy.setDelay((expr) => (partsOf(expr ?? '').some((e) => e?.trim() === SLOW_EXPR) ? SLOW_MS : 0));
    const slow = await measure(ref, refreshes);
    rows.push(row({
      figure, label: `refresh ÷ slowest query (${SLOW_EXPR} +${SLOW_MS} ms)`, goal: `≤ ${GOAL_RATIO}`,
      values: slow.map((x) => x.refresh / x.slowest), meets: (s) => s.median <= GOAL_RATIO,
    }));
    rows.push(row({ figure, label: 'refresh with one slow query', unit: 'ms', values: slow.map((x) => x.refresh), verdict: INFO }));
    rows.push(row({ figure, label: 'slowest query as the browser saw it', unit: 'ms', values: slow.map((x) => x.slowest), verdict: INFO }));
    rows.push(row({ figure, label: 'slow query sent after refresh start', unit: 'ms', values: slow.map((x) => x.slowestSentAfter), verdict: INFO }));

    // Fan-out on loopback, then with every query held back by the same delay.
    const fan = {};
    for (const [key, delay] of [['loopback', 0], ['delayed', FANOUT_DELAY_MS]]) {
      proxy.setDelay(() => delay);
      fan[key] = { many: await measure(ref, refreshes), one: await measure(one, refreshes) };
    }
    proxy.setDelay(() => 0);
    const label = (key) => (key === 'loopback' ? 'loopback' : `every query +${FANOUT_DELAY_MS} ms`);
    for (const key of ['loopback', 'delayed']) {
      const { many, one: single } = fan[key];
      rows.push(row({ figure, label: `fan-out: refresh of ${n} queries, ${label(key)}`, unit: 'ms', values: many.map((x) => x.refresh), verdict: INFO }));
      if (key === 'loopback') {
        rows.push(row({ figure, label: `fan-out: main-thread time of that refresh, ${label(key)}`, unit: 'ms', values: many.map((x) => x.main), verdict: INFO }));
      }
      rows.push(row({ figure, label: `fan-out: refresh of 1 query, ${label(key)}`, unit: 'ms', values: single.map((x) => x.refresh), verdict: INFO }));
    }
    // The checks go as one combined query: the instant requests actually made.
    const requests = medOf(fan.delayed.many.map((x) => x.instantCount));
    const waves = Math.ceil(requests / MAX_IN_FLIGHT);
    const med = (xs) => medOf(xs.map((x) => x.refresh));
    notes.push(
      `fan-out with every query held back ${FANOUT_DELAY_MS} ms: sequential queries would take ${n} × ${FANOUT_DELAY_MS} = ${n * FANOUT_DELAY_MS} ms;`
      + ` asked as ${requests} instant request(s) (the checks' combined query) with \`max_in_flight: ${MAX_IN_FLIGHT}\``
      + ` (also Chromium's limit of 6 connections per host over HTTP/1.1) the floor is`
      + ` ${waves} wave(s) × ${FANOUT_DELAY_MS} = ${waves * FANOUT_DELAY_MS} ms; measured median ${med(fan.delayed.many).toFixed(0)} ms`
      + ` against ${med(fan.delayed.one).toFixed(0)} ms for a single query.`,
      `one slow query: the refresh takes the slow query's time plus the time before the browser sends it`
      + ` (median ${medOf(slow.map((x) => x.slowestSentAfter)).toFixed(0)} ms after the refresh starts: \`${SLOW_EXPR}\` is part`
      + ` ${expressions.instant.indexOf(SLOW_EXPR) + 1} of ${n} of the checks' combined query, which holds back all of them) plus evaluation.`,
      `loopback: each query costs CPU in the browser's network service, nginx and Prometheus, all on the same 2 cores as the`
      + ` page, so on an idle network ${n} queries take ${medOf(fan.loopback.many.map((x) => x.refresh)).toFixed(0)} ms against`
      + ` ${medOf(fan.loopback.one.map((x) => x.refresh)).toFixed(0)} ms for one: parallel requests cannot beat a saturated CPU.`
      + ' With real latency (the +100 ms rows) the waves of parallel requests are what the refresh time follows.',
    );
  } finally {
    proxy.setDelay(() => 0);
    await ref.close();
    await one.close();
  }
  return {
    rows,
    section: {
      title: 'Refresh latency and fan-out',
      how: 'A forwarding proxy between nginx and Prometheus holds chosen queries back. The refresh time'
        + ' is the app\'s `panopticon:refresh` measure (refresh start → all instant answers evaluated);'
        + ' the slowest query is the longest Resource Timing duration among that refresh\'s instant queries'
        + ` (start of the fetch → end of the response). ${refreshes} refreshes per row, after one uncounted.`
        + ` The fan-out compares the reference configuration (${n} distinct instant queries, plus range`
        + ' queries for the graphs, which the refresh measure does not wait for) with a one-check configuration.',
      notes,
    },
  };
}
