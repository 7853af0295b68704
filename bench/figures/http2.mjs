// Refreshes over HTTP/2 beside HTTP/1.1: the same refreshes through the same nginx, over
// its plain listener and over its TLS listener (HTTP/2), on loopback and with every query
// held back by the slow proxy between nginx and Prometheus. Over HTTP/1.1 Chromium opens
// at most six connections per origin, so more than six requests at once leave in waves;
// over HTTP/2 they share one connection and leave together. The reference configuration
// as shipped asks its checks as one combined query and then its graphs (six range
// queries, `max_in_flight: 6`), so it is measured beside a fan-out of 20 range queries
// (five graphs of four) with `max_in_flight: 20`, where the connection limit shows.
import { newPage, openSettled, refreshOnce, waitForFirstStatus } from '../lib/page.mjs';
import { INFO, row } from '../lib/report.mjs';
import { MANUAL_REFRESH_SECS } from '../lib/configs.mjs';
import { summarize } from '../lib/stats.mjs';

const DELAY_MS = 100;
const PROTOCOLS = [['HTTP/1.1', 'http/1.1'], ['HTTP/2', 'h2']];

/**
 * A view whose graphs ask `n` distinct range queries in all, four per graph (a view holds
 * at most six graphs), each one series over the simulated cluster's real `up` series.
 * Range queries are never combined: one request each.
 */
export function fanOutViewYaml(n) {
  const lines = ['views:', '  - id: overview', '    name: Overview', '    graphs:'];
  for (let k = 1; k <= n; k += 1) {
    if (k % 4 === 1) lines.push(`      - title: Fan-out ${Math.ceil(k / 4)}`, '        queries:');
    lines.push(`          - 'sum(up{job="node"}) * ${k}'`);
  }
  return `${lines.join('\n')}\n`;
}

/** The configuration `yamlText` with `max_in_flight` set to `n`. */
export function withMaxInFlight(yamlText, n) {
  const re = /^(\s*max_in_flight:\s*)\d+/m;
  if (!re.test(yamlText)) throw new Error('the configuration has no max_in_flight');
  return yamlText.replace(re, `$1${n}`);
}

/**
 * `configs`: [{ key, path, label, measures }] (paths on the site, e.g. `/?config=fan-out.yaml`;
 * `measures`: rows of `refresh`, the app's measure until the status, and/or `allAnswered`,
 * until the last answer of the refresh, graphs included).
 * Every page is opened over both protocols at once, and their refreshes interleave, so a
 * change in the machine's load falls on both alike.
 */
export async function http2Refresh({ browser, stack, configs, refreshes = 10 }) {
  const proxy = stack.proxy;
  const base = { 'HTTP/1.1': stack.slowNginx.url, 'HTTP/2': stack.slowNginx.tlsUrl };
  if (!base['HTTP/2']) throw new Error('the slow nginx has no TLS listener (startStack tls)');
  const figure = 'http2';
  const pages = [];
  const results = new Map();
  const key = (c, delay, proto) => `${c}|${delay}|${proto}`;
  try {
    for (const c of configs) {
      for (const [proto] of PROTOCOLS) pages.push({ c, proto, p: await openSettled(browser, `${base[proto]}${c.path}`) });
    }
    for (const delay of [0, DELAY_MS]) {
      proxy.setDelay(() => delay);
      for (const x of pages) await refreshOnce(x.p);
      for (let i = 0; i < refreshes; i += 1) {
        for (const { c, proto, p } of pages) {
          const r = await refreshOnce(p);
          const expected = PROTOCOLS.find(([name]) => name === proto)[1];
          const other = r.resources.filter((x) => x.protocol !== expected);
          if (other.length) {
            throw new Error(`${proto} page: ${other.length} of ${r.resources.length} queries went over`
              + ` ${[...new Set(other.map((x) => x.protocol || 'an unknown protocol'))].join(', ')}, not ${expected}`);
          }
          const refresh = r.measures.find((m) => m.name === 'panopticon:refresh');
          const k = key(c.key, delay, proto);
          if (!results.has(k)) results.set(k, []);
          results.get(k).push({
            refresh: refresh?.duration ?? NaN,
            allAnswered: r.resources.length ? Math.max(...r.resources.map((x) => x.end)) - r.t0 : NaN,
            requests: r.resources.length,
          });
        }
      }
    }
  } finally {
    proxy.setDelay(() => 0);
    for (const x of pages) await x.p.close();
  }
  const rows = [];
  const table = [];
  const med = (xs) => summarize(xs.filter(Number.isFinite))?.median;
  const WHAT = { refresh: 'refresh', allAnswered: 'every answer of a refresh' };
  for (const c of configs) {
    for (const measure of c.measures) {
      for (const delay of [0, DELAY_MS]) {
        const cond = delay ? `every query +${delay} ms` : 'loopback';
        for (const [proto] of PROTOCOLS) {
          const xs = results.get(key(c.key, delay, proto)) ?? [];
          rows.push(row({
            figure, label: `${WHAT[measure]}, ${c.label}, ${cond}, ${proto}`, unit: 'ms', values: xs.map((x) => x[measure]), verdict: INFO,
          }));
        }
      }
    }
    for (const delay of [0, DELAY_MS]) {
      const cond = delay ? `every query +${delay} ms` : 'loopback';
      for (const [proto] of PROTOCOLS) {
        const xs = results.get(key(c.key, delay, proto)) ?? [];
        const r = med(xs.map((x) => x.requests));
        const a = med(xs.map((x) => x.allAnswered));
        const f = med(xs.map((x) => x.refresh));
        table.push([c.label, cond, proto, r === undefined ? '–' : r.toFixed(0), f === undefined ? '–' : f.toFixed(0), a === undefined ? '–' : a.toFixed(0)]);
      }
    }
  }
  return {
    rows,
    section: {
      title: 'Refreshes over HTTP/2 beside HTTP/1.1',
      how: 'One nginx (upstream: the slow proxy in front of Prometheus) with both listeners: plain HTTP/1.1'
        + ' and TLS with HTTP/2 (a throwaway self-signed certificate made by the bench with openssl, which'
        + ' Chromium trusts by its key). Each configuration is open in one page per protocol; the harness'
        + ` fires ${refreshes} refreshes per page (after one uncounted), the pages taking turns, first on`
        + ` loopback, then with every query held back ${DELAY_MS} ms by the slow proxy. "refresh" is the`
        + ' app\'s `panopticon:refresh` measure (start → all instant answers evaluated); "all answered" is'
        + ' the last Prometheus response of that refresh (the graphs\' range queries included) after the'
        + ' refresh was fired. Every query\'s Resource Timing `nextHopProtocol` is checked (`http/1.1` or `h2`).',
      notes: [
        'over HTTP/1.1 Chromium keeps at most six connections per origin, so requests beyond six wait for a'
          + ' free one; over HTTP/2 every request of the refresh shares one connection. With `max_in_flight: 6`'
          + ' the app itself never has more than six queries out, so only the fan-out with `max_in_flight: 20`'
          + ' can show the difference; TLS costs some CPU per request, which shows on loopback.',
      ],
      tables: [{
        head: ['configuration', 'condition', 'protocol', 'requests per refresh (median)', 'refresh (median ms)', 'all answered (median ms)'],
        rows: table,
      }],
    },
  };
}

/**
 * Fails unless every request of a cold load of `url` (the page, the bundle, the
 * configuration, the queries until the first status) went over `protocol` (Resource
 * Timing `nextHopProtocol`): a figure labelled HTTP/2 must not silently measure HTTP/1.1.
 */
export async function requireProtocol(browser, url, protocol) {
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  try {
    await p.page.goto(url, { timeout: 30_000 });
    await waitForFirstStatus(p);
    const seen = await p.page.evaluate(() => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .map((e) => ({ url: e.name, protocol: e.nextHopProtocol })));
    const other = seen.filter((e) => e.protocol !== protocol);
    if (other.length || !seen.length) {
      throw new Error(`expected every request of ${url} over ${protocol}; ${other.length} of ${seen.length} were not: `
        + `${other.slice(0, 3).map((e) => `${e.url} (${e.protocol || 'unknown'})`).join(', ')}`);
    }
    return seen.length;
  } finally {
    await p.close();
  }
}
