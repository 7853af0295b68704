import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { diagramConfig, expressionsOf, graphsViewYaml, withInstances, withViews } from './configs.mjs';
import { expressionOf } from './slow-proxy.mjs';
import { matrix } from '../figures/graphs.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function checkExpressions(yaml, expect) {
  const got = expressionsOf(yaml);
  assert.deepEqual({ instant: got.instant, views: got.views }, expect);
}

test('expressionsOf: checks, denominators, inherited and switched-off up, graphs (the engine\'s list)', () => {
  checkExpressions(`
services:
  - id: a
    up: 'up{job="a"}'
    checks:
      - id: one
        query: "x"   # a comment
        rule: { kind: equals, expected: 1 }
      - id: two
        query: 'y{l=''q''}'
        up: none
        rule:
          kind: ratio
          denominator: z
          direction: above
          warning: 1
          critical: 2
  - { id: b, checks: [{ id: three, query: x, up: 'up{job="b"}', rule: { kind: equals, expected: 1 } }] }
views:
  - id: v
    name: V
    graphs:
      - title: G
        query: ' x / z '
      - title: H
        queries:
          - a
          - 'b'
`, {
    instant: ['x', 'up{job="a"}', "y{l='q'}", 'z', 'up{job="b"}'],
    views: [{ id: 'v', graphs: [{ title: 'G', queries: ['x / z'] }, { title: 'H', queries: ['a', 'b'] }] }],
  });
});

test('expressionsOf: the checks as one refresh asks them, combined where they can be', () => {
  const e = expressionsOf(`
services:
  - id: a
    checks:
      - { id: t, query: 'time() - 5', rule: { kind: equals, expected: 1 } }
      - { id: u, query: up, rule: { kind: equals, expected: 1 } }
      - { id: v, query: 'sum(up)', rule: { kind: equals, expected: 1 } }
`);
  assert.deepEqual(e.instant, ['time() - 5', 'up', 'sum(up)']);
  assert.deepEqual(e.combined.parts, ['up', 'sum(up)']);
  assert.ok(e.combined.expr.includes('sum(up)') && e.combined.expr.includes(' or '), 'one query asking both');
  assert.deepEqual(e.alone, ['time() - 5'], 'a possible scalar is asked alone');
  const one = expressionsOf('services:\n  - { id: a, checks: [{ id: u, query: up, up: none, rule: { kind: equals, expected: 1 } }] }\n');
  assert.deepEqual({ combined: one.combined, alone: one.alone }, { combined: null, alone: ['up'] });
});

test('expressionsOf: a configuration the app refuses throws the app\'s message', () => {
  assert.throws(() => expressionsOf('services:\n  - id: lonely\n'), /stdin:2:\d+: service "lonely" has no checks/);
});

test('expressionsOf: the shipped reference configuration', () => {
  const text = fs.readFileSync(path.join(repo, 'examples/config/reference-cluster.yaml'), 'utf8');
  const e = expressionsOf(text);
  assert.deepEqual(e.services, ['host', 'consul', 'glusterfs', 'weave', 'swarm', 'app']);
  // `up: none` checks rate up themselves; every other check adds its service's up query.
  for (const expr of ['up{job="node"}', 'up{job="consul"}', 'up{job="gluster"}', 'up{job="weave"}', 'node_memory_MemTotal_bytes{job="node"}']) {
    assert.ok(e.instant.includes(expr), expr);
  }
  assert.equal(new Set(e.instant).size, e.instant.length, 'distinct');
  assert.deepEqual([...e.combined.parts, ...e.alone].sort(), [...e.instant].sort(), 'each asked once, combined or alone');
  assert.equal(e.views[0].graphs.length, 6);
});

test('withInstances and withViews edit only their part', () => {
  const text = 'datasource:\n  refresh_secs: 5\ninstances: 4\nservices: []\nviews:\n  - id: old\n';
  assert.equal(withInstances(text, 1000), text.replace('instances: 4', 'instances: 1000'));
  assert.ok(withViews(text, graphsViewYaml({ graphs: 2 })).endsWith("query: 'bench_graph_series_2'\n        max_series: 6\n"));
  assert.ok(!withViews(text, 'views: []\n').includes('old'));
  assert.throws(() => withInstances('services: []\n', 3), /instances/);
});

test('diagramConfig: exact counts, no duplicate edges, every edge points down (acyclic)', () => {
  for (const [services, edges] of [[200, 400], [30, 45]]) {
    const d = diagramConfig({ services, edges });
    const config = JSON.parse(d.text);
    assert.equal(config.services.length, services);
    const index = new Map(config.services.map((s, i) => [s.id, i]));
    const all = config.services.flatMap((s) => (s.depends_on ?? []).map((dep) => [index.get(s.id), index.get(dep.service)]));
    assert.equal(all.length, edges);
    assert.equal(new Set(all.map(([a, b]) => `${a}>${b}`)).size, edges);
    for (const [from, to] of all) assert.ok(to < from, `${from} -> ${to}`);
    assert.equal(diagramConfig({ services, edges }).text, d.text, 'deterministic');
  }
});

test('expressionOf: GET query string and POST form', () => {
  const check = (url, body, expect) => assert.equal(expressionOf(url, body), expect);
  check('/api/v1/query?query=up%7Bjob%3D%22a%22%7D&time=1', '', 'up{job="a"}');
  check('/api/v1/query_range', 'query=rate(x%5B5m%5D)&start=1&end=2&step=1', 'rate(x[5m])');
  check('/api/v1/status/buildinfo', '', null);
});

test('matrix: the shape of a Prometheus range answer', () => {
  const m = matrix('q', 1000, 1999, 0);
  assert.equal(m.status, 'success');
  assert.equal(m.data.resultType, 'matrix');
  assert.equal(m.data.result.length, 6);
  for (const s of m.data.result) {
    assert.equal(s.values.length, 1000);
    assert.equal(s.values[0][0], 1000);
    assert.equal(s.values[999][0], 1999);
    assert.equal(typeof s.values[5][1], 'string');
  }
  assert.equal(new Set(m.data.result.map((s) => s.metric.instance)).size, 6);
});

test('wasmSections: sizes per section of a module', async () => {
  const { wasmSections } = await import('../figures/bundle.mjs');
  // magic, version, type section (3 bytes), custom section "name" with 2 bytes of payload
  const mod = Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 3, 1, 0x60, 0, 0, 7, 4, 0x6e, 0x61, 0x6d, 0x65, 9, 9]);
  assert.deepEqual(wasmSections(mod), { type: 3, 'custom "name"': 7 });
  assert.throws(() => wasmSections(Buffer.from('not wasm')), /not a wasm module/);
});

test('diagramConfig: failing services expect two series, the others one; the same picks every run', () => {
  const d = diagramConfig({ services: 60, edges: 110, layers: 6, failing: 3 });
  const config = JSON.parse(d.text);
  assert.equal(d.failing.length, 3);
  const expected = (s) => s.checks[0].rule.expected;
  assert.deepEqual(config.services.filter((s) => expected(s) === 2).map((s) => s.id), d.failing);
  assert.equal(config.services.filter((s) => expected(s) === 1).length, 57);
  assert.deepEqual(diagramConfig({ services: 60, edges: 110, layers: 6 }).failing, []);
  // The graph itself does not change with the failures.
  const deps = (text) => JSON.parse(text).services.map((s) => s.depends_on);
  assert.deepEqual(deps(d.text), deps(diagramConfig({ services: 60, edges: 110, layers: 6 }).text));
});

test('diagram-size: smallest names, problems named nowhere, coverage', async () => {
  const { summarizeSize } = await import('../figures/diagram-size.mjs');
  const s = summarizeSize({
    names: [
      { id: 'a', status: 'healthy', px: null },
      { id: 'b', status: 'critical', px: 15 },
      { id: 'c', status: 'warning', px: null },
      { id: 'd', status: 'healthy', px: 12.5 },
      { id: 'e', status: 'unknown', px: null },
    ],
    drawing: { left: 0, top: 0, right: 100, bottom: 50 },
    panel: { left: 0, top: 0, width: 100, height: 100 },
    density: 'tiles',
    listEntries: ['b', 'c'],
  });
  assert.equal(s.smallestName, 12.5);
  assert.equal(s.smallestProblem, 15);
  assert.equal(s.problems, 3);
  assert.deepEqual(s.problemsNamedNowhere, ['e']);
  assert.equal(s.coverage, 0.5);
  assert.equal(s.named, 2);
});
