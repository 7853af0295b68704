// The configurations the benchmarks load, and the expressions a configuration puts on
// screen (what one refresh must ask Prometheus, each exactly once): the engine's own
// list, printed by its `queries` example, never a second reading of the YAML here.
//
// Generated configurations are written as JSON: JSON is YAML, so the app's YAML loader
// reads them unchanged, and no YAML writer is needed here.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The refresh interval of every benchmark configuration. The harness captures the
 * app's timer of exactly this period and fires refreshes itself (`page.mjs`), so no
 * refresh ever starts on its own in the middle of a measurement. */
export const MANUAL_REFRESH_SECS = 30;

/** A deterministic PRNG (mulberry32), so generated configurations are the same every run. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let queriesBin = null;

/**
 * The engine's `queries` example (`engine/examples/queries.rs`), built once per process.
 * Cargo names the executable it built (`--message-format=json`), so no guess at the
 * target directory (`CARGO_TARGET_DIR`, a workspace elsewhere) is needed.
 */
function queriesBinary() {
  if (queriesBin) return queriesBin;
  let out;
  try {
    out = execFileSync('cargo', [
      'build', '--release', '--locked', '--quiet', '--message-format=json',
      '-p', 'panopticon-engine', '--example', 'queries',
    ], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  } catch (e) {
    throw new Error(`cannot build the engine's queries example (cargo on PATH? source scripts/env.sh): ${e.message}`);
  }
  const built = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'queries' && m.executable);
  if (!built) throw new Error('cargo built no queries example');
  queriesBin = built.executable;
  return queriesBin;
}

/**
 * What a configuration asks Prometheus, as the engine reads it (`Config::from_yaml`,
 * `Engine::queries`): `services` (ids in file order), `instant` (the distinct instant
 * expressions of the checks, in config order), how a refresh asks those (the app's
 * `prom::combine::plan`: `combined`, `{ expr, parts }` or null, the one query that asks
 * `parts` together, and `alone`, the ones asked one by one) and `views` (per view,
 * `{ id, graphs: [{ title, queries }] }`, the range expressions of its graphs).
 * Throws with the app's own messages for a configuration the app would refuse.
 */
export function expressionsOf(yamlText) {
  try {
    return JSON.parse(execFileSync(queriesBinary(), ['-'], {
      input: yamlText, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20,
    }));
  } catch (e) {
    if (e.status === undefined || e.status === null) throw e;
    throw new Error(`the engine refused the configuration:\n${(e.stderr ?? '').trim()}`);
  }
}

/** The same configuration expecting `n` instances (the top-level `instances:`). */
export function withInstances(yamlText, n) {
  const re = /^instances:\s*\d+/m;
  if (!re.test(yamlText)) throw new Error('configuration has no top-level instances');
  return yamlText.replace(re, `instances: ${n}`);
}

/** The same configuration with `views` replaced (a YAML text starting with `views:`). */
export function withViews(yamlText, viewsYaml) {
  const at = yamlText.search(/^views:/m);
  if (at < 0) throw new Error('configuration has no views');
  return `${yamlText.slice(0, at)}${viewsYaml}`;
}

/**
 * The same configuration without its alert sources (no `alertmanager:`, no service's
 * `alerts:`): the peer that shows what the alert requests cost the first status.
 */
export function withoutAlerts(yamlText) {
  const out = yamlText
    .replace(/^alertmanager:.*\n(?:[ \t]+\S.*\n)*/m, '')
    .replace(/^[ \t]+alerts:\s*\[.*\].*\n/gm, '');
  if (/^\s*(alertmanager|alerts):/m.test(out)) throw new Error('could not remove the alert sources from the configuration');
  return out;
}

const WORDS = [
  'api', 'auth', 'billing', 'cart', 'catalog', 'search', 'mail', 'queue', 'cache', 'db',
  'ledger', 'media', 'report', 'export', 'import', 'audit', 'session', 'pricing', 'stock', 'ship',
];
const KINDS = ['gateway', 'worker', 'store', 'service', 'index', 'proxy', 'sync', 'scheduler', 'feed', 'bridge'];

/**
 * A large stack for the diagram: `services` services in `layers` layers and exactly
 * `edges` dependencies, each from a service to one in a lower layer (so no cycles),
 * about a quarter soft. Every service has one real check (`up{job="node"}` of the
 * simulated cluster, so it is healthy) and no graphs, so the figure is the diagram's.
 * `failing: k` makes k services fail their own check (it expects 2 `up` series
 * per instance, so they are critical and drag their dependants down): the ones
 * `failingServices` picks.
 */
export function diagramConfig({ services = 200, edges = 400, layers = 8, seed = 7, failing = 0 } = {}) {
  const rand = rng(seed);
  const perLayer = Math.ceil(services / layers);
  const list = Array.from({ length: services }, (_, i) => {
    const word = WORDS[i % WORDS.length];
    const kind = KINDS[Math.floor(i / WORDS.length) % KINDS.length];
    return { id: `${word}-${kind}-${i}`, layer: Math.floor(i / perLayer), depends_on: [] };
  });
  const edgeSet = new Set();
  let guard = 0;
  while (edgeSet.size < edges) {
    guard += 1;
    if (guard > edges * 1000) throw new Error('cannot place the requested edges');
    const from = perLayer + Math.floor(rand() * (services - perLayer));
    const src = list[from];
    // Mostly the layer just below, sometimes further down: like real stacks.
    const down = 1 + Math.floor(rand() * rand() * src.layer);
    const layer = Math.max(0, src.layer - down);
    const start = layer * perLayer;
    const to = start + Math.floor(rand() * Math.min(perLayer, services - start));
    const key = `${from}>${to}`;
    if (to >= from || edgeSet.has(key)) continue;
    edgeSet.add(key);
    src.depends_on.push({ service: list[to].id, strength: rand() < 0.25 ? 'soft' : 'hard' });
  }
  const failed = new Set(failingServices({ services, layers, count: failing }));
  const config = {
    datasource: { base_url: '/prometheus', timeout_secs: 10, refresh_secs: MANUAL_REFRESH_SECS, max_in_flight: 6, stale_after_secs: 600 },
    instances: 4,
    services: list.map((s, i) => ({
      id: s.id,
      name: s.id.replace(/-(\d+)$/, ' $1'),
      checks: [{
        id: 'up', name: 'reachable', query: 'up{job="node"}', aggregate: 'quorum',
        rule: { kind: 'equals', expected: failed.has(i) ? 2 : 1, otherwise: 'critical' },
      }],
      ...(s.depends_on.length ? { depends_on: s.depends_on } : {}),
    })),
    views: [],
  };
  return {
    text: `${JSON.stringify(config, null, 1)}\n`, edges: edgeSet.size, services: list.length,
    failing: [...failed].map((i) => list[i].id),
  };
}

/**
 * Which services `diagramConfig` fails: `count` of them, spread over the upper half
 * of the stack (layer 0 is the bottom, depended on by most): a failure there drags a
 * few dependants down, as a real incident does, not the whole screen.
 */
export function failingServices({ services, layers, count }) {
  const perLayer = Math.ceil(services / layers);
  const picks = [];
  for (let k = 0; k < count; k += 1) {
    const layer = Math.min(layers - 1, Math.floor(layers / 2) + (k % Math.ceil(layers / 2)));
    const i = layer * perLayer + ((3 + 7 * k) % perLayer);
    if (i < services && !picks.includes(i)) picks.push(i);
  }
  return picks;
}

/** Six graphs of six series each, fed by `graphQuery(k)` (answered by the harness). */
export function graphsViewYaml({ graphs = 6 } = {}) {
  const lines = ['views:', '  - id: overview', '    name: Overview', '    graphs:'];
  for (let k = 1; k <= graphs; k += 1) {
    lines.push(`      - title: Bench graph ${k}`, `        query: '${graphQuery(k)}'`, '        max_series: 6');
  }
  return `${lines.join('\n')}\n`;
}

/** The expression of benchmark graph `k`; no such metric exists, so only the harness answers it. */
export function graphQuery(k) {
  return `bench_graph_series_${k}`;
}

/** One service with one check (one instant query) and no graphs: the fan-out baseline. */
export function oneQueryConfig() {
  const config = {
    datasource: { base_url: '/prometheus', timeout_secs: 10, refresh_secs: MANUAL_REFRESH_SECS, max_in_flight: 6, stale_after_secs: 600 },
    instances: 4,
    services: [{
      id: 'host', name: 'Host',
      checks: [{ id: 'up', query: 'up{job="node"}', aggregate: 'quorum', rule: { kind: 'equals', expected: 1, otherwise: 'critical' } }],
    }],
    views: [],
  };
  return `${JSON.stringify(config, null, 1)}\n`;
}
