// The Prometheus proxy is a read-only allow-list, whatever is tried against it. Real
// nginx with the shipped configuration, real Prometheus with every dangerous API switched
// on (admin, lifecycle, remote-write receiver), so a request that leaked through would
// act. Between the two sits a recording relay: every request Prometheus receives is
// parsed (HTTP/1.1 framing, so a request hidden in a body is not mistaken for one) and
// must be a read-only call to an allow-listed endpoint. Each probe below also checks
// what the client got back. The list: SECURITY.md "What is tested".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';
import {
  createSilence, launchBrowser, rawRequest, requireDist, selfSignedCert, startAlertmanager, startNginx, startPrometheus,
  waitFor,
} from './harness.mjs';
import { startQuirksUpstream } from './quirks-upstream.mjs';

const QUERY_PATH = /^\/api\/v1\/(query|query_range|series|labels|label\/[a-zA-Z_][a-zA-Z0-9_]*\/values|status\/buildinfo)(\?|$)/;
const RULES_PATH = /^\/api\/v1\/(rules|alerts)(\?|$)/;
const ALERTMANAGER_PATH = /^\/api\/v2\/(alerts|silences|status)(\?|$)/;

/** What Prometheus may receive: the query API read with GET, POST or HEAD, rules and alerts with GET or HEAD. */
const prometheusMayReceive = (r) => (QUERY_PATH.test(r.target) && ['GET', 'POST', 'HEAD'].includes(r.method))
  || (RULES_PATH.test(r.target) && ['GET', 'HEAD'].includes(r.method));
/** What Alertmanager may receive: its alerts, silences and status read with GET or HEAD. */
const alertmanagerMayReceive = (r) => ALERTMANAGER_PATH.test(r.target) && ['GET', 'HEAD'].includes(r.method);

let prom;
let relay;
let am;
let amRelay;
let nginx;
let otherOrigin; // a plain page server on loopback, reached as two different origins

/**
 * A TCP relay in front of Prometheus that parses what nginx sends it: request line,
 * headers and body (Content-Length or chunked), request after request on each
 * keep-alive connection. `requests` is everything Prometheus was asked.
 */
function startRelay(targetPort) {
  const requests = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    let buffer = Buffer.alloc(0);
    const parse = () => {
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const [method, target] = head[0].split(' ');
        const headers = {};
        for (const line of head.slice(1)) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        let rest = buffer.subarray(end + 4);
        let body;
        if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
          // Walk the chunks; wait for more bytes if the last one is not complete.
          const parts = [];
          let at = 0;
          for (;;) {
            const lineEnd = rest.indexOf('\r\n', at);
            if (lineEnd < 0) return;
            const size = parseInt(rest.subarray(at, lineEnd).toString('latin1'), 16);
            if (rest.length < lineEnd + 2 + size + 2) return;
            parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
            if (size === 0) break;
          }
          body = Buffer.concat(parts);
          rest = rest.subarray(at);
        } else {
          const length = Number(headers['content-length'] ?? 0);
          if (rest.length < length) return;
          body = rest.subarray(0, length);
          rest = rest.subarray(length);
        }
        requests.push({ method, target, headers, body: body.toString('latin1') });
        buffer = rest;
      }
    };
    client.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      parse();
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port,
    requests,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  })));
}

/**
 * Sends raw bytes on one connection (no client-side normalisation or framing) and
 * returns every response status nginx wrote back, once it closed the connection or
 * was quiet for `quietMs`.
 */
function rawExchange(port, bytes, { quietMs = 400, timeoutMs = 5_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks = [];
    let quiet;
    const finish = () => {
      clearTimeout(quiet);
      clearTimeout(hard);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])) });
    };
    const hard = setTimeout(finish, timeoutMs);
    socket.on('connect', () => {
      socket.write(bytes);
      quiet = setTimeout(finish, quietMs);
    });
    socket.on('data', (c) => {
      chunks.push(c);
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    });
    socket.on('end', finish);
    socket.on('error', (e) => (chunks.length ? finish() : reject(e)));
  });
}

/**
 * What reached Prometheus and Alertmanager while `fn` ran (`seen`: Prometheus's,
 * `seenByAlertmanager`), and fails if any of it was not allowed.
 */
async function upstreamDuring(fn) {
  const from = relay.requests.length;
  const amFrom = amRelay.requests.length;
  const result = await fn();
  // Give a request that nginx might still be forwarding the time to arrive.
  await new Promise((r) => setTimeout(r, 50));
  const seen = relay.requests.slice(from);
  const seenByAlertmanager = amRelay.requests.slice(amFrom);
  for (const [who, requests, allowed] of [['Prometheus', seen, prometheusMayReceive], ['Alertmanager', seenByAlertmanager, alertmanagerMayReceive]]) {
    for (const r of requests) {
      assert.ok(allowed(r), `${who} received ${r.method} ${r.target}`);
      assert.equal(r.headers.cookie, undefined, `cookie passed on with ${r.target}`);
      assert.equal(r.headers.upgrade, undefined, `upgrade passed on with ${r.target}`);
    }
  }
  return { result, seen, seenByAlertmanager };
}

/** A probe that must be refused by nginx (a 4xx or 5xx of its own) and reach neither Prometheus nor Alertmanager. */
async function expectRefused(method, p, { headers = {}, body, port = nginx.port } = {}) {
  const { result: res, seen, seenByAlertmanager } = await upstreamDuring(() => rawRequest(port, { method, path: p, headers, body }));
  assert.ok(res.status >= 400, `${method} ${p} answered ${res.status}: ${res.body.slice(0, 200)}`);
  assert.deepEqual(seen.map((r) => `${r.method} ${r.target}`), [], `${method} ${p} reached Prometheus`);
  assert.deepEqual(seenByAlertmanager.map((r) => `${r.method} ${r.target}`), [], `${method} ${p} reached Alertmanager`);
  return res;
}

function startPageServer() {
  return new Promise((resolve) => {
    const srv = http.createServer((_, res) => res.end('<p>another origin</p>'));
    srv.listen(0, '127.0.0.1', () => resolve({ port: srv.address().port, close: () => srv.close() }));
  });
}

before(async () => {
  requireDist();
  prom = await startPrometheus({ extraArgs: ['--web.enable-remote-write-receiver'] });
  relay = await startRelay(prom.port);
  am = await startAlertmanager();
  amRelay = await startRelay(am.port);
  otherOrigin = await startPageServer();
  nginx = await startNginx({
    prometheus: `127.0.0.1:${relay.port}`,
    alertmanager: `127.0.0.1:${amRelay.port}`,
    cors: { origins: `^http://(allowed\\.example|localhost:${otherOrigin.port})$` },
  });
});

after(async () => {
  try {
    // Whatever ran (the whole file, or one probe picked with --test-name-pattern).
    if (prom && relay) await auditAfterTheProbes();
  } finally {
    await nginx?.stop();
    relay?.close();
    amRelay?.close();
    await am?.stop();
    await prom?.stop();
    otherOrigin?.close();
  }
});

/**
 * After every probe that ran: Prometheus is still running, made no snapshot and deleted
 * no series, and nothing but allowed, read-only requests reached it (also a request that
 * arrived after its probe's window closed). A hook, not a test: a test only sees the
 * probes run before it, and sees none when run alone.
 */
async function auditAfterTheProbes() {
  assert.equal(prom.proc.exited, false, 'Prometheus quit');
  assert.equal((await rawRequest(prom.port, { path: '/-/ready' })).status, 200);
  assert.equal(fs.existsSync(path.join(prom.dir, 'data', 'snapshots')), false, 'a snapshot was made');
  const up = await waitFor('the up series', async () => {
    const res = await rawRequest(prom.port, { path: '/api/v1/query?query=up' });
    return JSON.parse(res.body).data.result.length;
  });
  assert.ok(up > 0, 'series were deleted');
  for (const r of relay.requests) {
    assert.ok(prometheusMayReceive(r), `Prometheus received ${r.method} ${r.target}`);
  }
  assert.equal(am.proc.exited, false, 'Alertmanager quit');
  for (const r of amRelay.requests) {
    assert.ok(alertmanagerMayReceive(r), `Alertmanager received ${r.method} ${r.target}`);
  }
  // Only the silences the probes made directly exist, none is expired (none was deleted
  // through the proxy) and nobody posted an alert.
  const silences = JSON.parse((await rawRequest(am.port, { path: '/api/v2/silences' })).body);
  assert.deepEqual(silences.filter((x) => x.createdBy !== 'proxy-test (directly)').map((x) => x.createdBy), []);
  assert.deepEqual(silences.filter((x) => x.status.state !== 'active' && x.comment !== 'expired directly').map((x) => x.id), []);
  assert.deepEqual(JSON.parse((await rawRequest(am.port, { path: '/api/v2/alerts' })).body), []);
}

describe('the probes are meaningful', () => {
  test('Prometheus itself has the admin, lifecycle and remote-write APIs switched on', async () => {
    const res = await rawRequest(prom.port, { path: '/api/v1/status/flags' });
    const flags = JSON.parse(res.body).data;
    assert.equal(flags['web.enable-admin-api'], 'true');
    assert.equal(flags['web.enable-lifecycle'], 'true');
    assert.equal(flags['web.enable-remote-write-receiver'], 'true');
  });

  test('the relay sees what nginx passes on', async () => {
    const { result: res, seen } = await upstreamDuring(() => rawRequest(nginx.port, { path: '/prometheus/api/v1/query?query=up' }));
    assert.equal(res.status, 200);
    assert.deepEqual(seen.map((r) => `${r.method} ${r.target}`), ['GET /api/v1/query?query=up']);
  });
});

describe('the read-only query API passes', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const allowed = [
    ['GET', '/prometheus/api/v1/query?query=up'],
    ['POST', '/prometheus/api/v1/query', 'query=up'],
    ['GET', '/prometheus/api/v1/query_range?query=up&start=0&end=60&step=15'],
    ['POST', '/prometheus/api/v1/query_range', 'query=up&start=0&end=60&step=15'],
    ['GET', '/prometheus/api/v1/series?match[]=up'],
    ['GET', '/prometheus/api/v1/labels'],
    ['GET', '/prometheus/api/v1/label/job/values'],
    ['GET', '/prometheus/api/v1/label/__name__/values'],
    ['GET', '/prometheus/api/v1/status/buildinfo'],
    // The alert source: rules with their alerts and health, and the alerts alone (GET only).
    ['GET', '/prometheus/api/v1/rules?type=alert'],
    ['GET', '/prometheus/api/v1/rules'],
    ['GET', '/prometheus/api/v1/alerts'],
    // A long query fits (the dashboard POSTs long expressions as a form).
    ['POST', '/prometheus/api/v1/query', `query=up&pad=${'a'.repeat(40_000)}`],
  ];
  for (const [method, p, body] of allowed) {
    test(`${method} ${p.slice(0, 80)}${body ? ` (${body.length} byte body)` : ''}`, async () => {
      const { result: res, seen } = await upstreamDuring(() => rawRequest(nginx.port, { method, path: p, headers: body ? form : {}, body }));
      assert.equal(res.status, 200, res.body.slice(0, 200));
      assert.equal(JSON.parse(res.body).status, 'success');
      assert.equal(res.headers['access-control-allow-origin'], undefined, "Prometheus's own CORS header is hidden");
      assert.equal(seen.length, 1);
    });
  }

  test('the browser\'s cookies are not passed on', async () => {
    const { result: res, seen } = await upstreamDuring(() => rawRequest(nginx.port, {
      path: '/prometheus/api/v1/query?query=up', headers: { cookie: 'grafana_session=secret' },
    }));
    assert.equal(res.status, 200);
    assert.equal(seen.length, 1);
  });
});

/**
 * What every read-only proxy location must refuse, written for /prometheus/ (each /sources/<name>/
 * location gets the same probes on its own path).
 */
const REFUSED_PROBES = {
  'admin APIs': [
    ['POST', '/prometheus/api/v1/admin/tsdb/snapshot'],
    ['PUT', '/prometheus/api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/admin/tsdb/delete_series?match[]=up'],
    ['PUT', '/prometheus/api/v1/admin/tsdb/delete_series?match[]=up'],
    ['DELETE', '/prometheus/api/v1/admin/tsdb/delete_series?match[]=up'],
    ['POST', '/prometheus/api/v1/admin/tsdb/clean_tombstones'],
    ['GET', '/prometheus/api/v1/status/config'],
    ['GET', '/prometheus/api/v1/status/flags'],
    ['GET', '/prometheus/api/v1/status/runtimeinfo'],
    ['GET', '/prometheus/api/v1/status/tsdb'],
    ['GET', '/prometheus/api/v1/targets'],
    ['GET', '/prometheus/api/v1/targets/metadata'],
    ['GET', '/prometheus/api/v1/metadata'],
    ['GET', '/prometheus/api/v1/alertmanagers'],
    ['GET', '/prometheus/api/v1/query_exemplars?query=up'],
    ['GET', '/prometheus/api/v1/format_query?query=up'],
    ['GET', '/prometheus/debug/pprof/'],
    ['GET', '/prometheus/debug/pprof/cmdline'],
  ],
  'lifecycle': [
    ['POST', '/prometheus/-/quit'],
    ['PUT', '/prometheus/-/quit'],
    ['GET', '/prometheus/-/quit'],
    ['POST', '/prometheus/-/reload'],
    ['PUT', '/prometheus/-/reload'],
    ['GET', '/prometheus/-/healthy'],
    ['GET', '/prometheus/-/ready'],
  ],
  'remote write and read': [
    ['POST', '/prometheus/api/v1/write', { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' }, 'x'],
    ['POST', '/prometheus/api/v1/read', { 'content-type': 'application/x-protobuf' }, 'x'],
    ['POST', '/prometheus/api/v1/otlp/v1/metrics'],
  ],
  'federation': [
    ['GET', '/prometheus/federate?match[]=up'],
    ['GET', '/prometheus/federate/?match[]=up'],
    ['GET', '/prometheus/api/v1/federate?match[]=up'],
  ],
  'the Prometheus UI': [
    ['GET', '/prometheus/'],
    ['GET', '/prometheus'],
    ['GET', '/prometheus/graph'],
    ['GET', '/prometheus/classic/graph'],
    ['GET', '/prometheus/alerts'],
    ['GET', '/prometheus/targets'],
    ['GET', '/prometheus/status'],
    ['GET', '/prometheus/flags'],
    ['GET', '/prometheus/config'],
    ['GET', '/prometheus/consoles/index.html'],
    ['GET', '/prometheus/static/index.html'],
    ['GET', '/prometheus/metrics'],
    ['GET', '/prometheus/version'],
  ],
  'path and encoding tricks': [
    ['POST', '/prometheus/api/v1/query/../admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query/%2e%2e/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query/%2E%2E/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query/%2e%2e%2fadmin%2ftsdb%2fsnapshot'],
    ['POST', '/prometheus/api/v1/admin%2ftsdb%2fsnapshot'],
    ['POST', '/prometheus/api/v1%2fadmin%2ftsdb%2fsnapshot'],
    ['POST', '/prometheus%2fapi%2fv1%2fadmin%2ftsdb%2fsnapshot'],
    ['POST', '/prometheus/api/v1/query/%252e%252e/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/admin%252ftsdb%252fsnapshot'],
    ['POST', '/prometheus/api/v1/query%252f..%252fadmin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query;/../admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/admin/tsdb/snapshot;.js'],
    ['GET', '/prometheus/api/v1/query;jsessionid=x?query=up'],
    ['GET', '/prometheus/api/v1/query;/status/config'],
    ['POST', '/prometheus/api/v1/admin/tsdb/snapshot.'],
    ['GET', '/prometheus/api/v1/query.?query=up'],
    ['GET', '/prometheus/api/v1/query/.?query=up'],
    ['GET', '/prometheus/api/v1/query/?query=up'],
    ['GET', '/prometheus/api/v1/status/config.'],
    ['POST', '/PROMETHEUS/api/v1/admin/tsdb/snapshot'],
    ['POST', '/Prometheus/api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus/API/V1/ADMIN/TSDB/SNAPSHOT'],
    ['GET', '/prometheus/api/v1/Query?query=up'],
    ['GET', '/prometheus/api/v1/STATUS/CONFIG'],
    ['POST', '/prometheus/./api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus//api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1//admin/tsdb/snapshot'],
    ['POST', '/prometheus/api/v1/query\\..\\admin\\tsdb\\snapshot'],
    ['POST', '/prometheus/api/v1/admin/tsdb/snapshot%00'],
    ['GET', '/prometheus/api/v1/query%00?query=up'],
    ['GET', '/prometheus/api/v1/query%0d%0aX-Injected:%20yes?query=up'],
    ['GET', '/prometheus/api/v1/query%20HTTP/1.1%0d%0a%0d%0aPOST%20/api/v1/admin/tsdb/snapshot?query=up'],
    ['GET', '/prometheus/api/v1/label/..%2f..%2fstatus%2fconfig/values'],
    ['GET', '/prometheus/api/v1/label/job/values/../../../status/config'],
    ['GET', '/prometheus/api/v1/label/job/values/%2e%2e/%2e%2e/%2e%2e/status/config'],
    ['POST', '/prometheus/../api/v1/admin/tsdb/snapshot'],
    ['POST', '/prometheus/%2e%2e/prometheus/api/v1/admin/tsdb/snapshot'],
    ['POST', '/api/v1/admin/tsdb/snapshot'],
    ['POST', '/-/quit'],
    ['GET', '/federate?match[]=up'],
  ],
  'rules and alerts with anything but GET': [
    ['POST', '/prometheus/api/v1/rules', { 'content-type': 'application/x-www-form-urlencoded' }, 'type=alert'],
    ['POST', '/prometheus/api/v1/alerts'],
    ['PUT', '/prometheus/api/v1/rules'],
    ['DELETE', '/prometheus/api/v1/rules'],
    ['PATCH', '/prometheus/api/v1/alerts'],
    ['OPTIONS', '/prometheus/api/v1/rules'],
    ['GET', '/prometheus/api/v1/rules', { 'content-length': '4000' }, 'x'.repeat(4_000), 413],
    ['GET', '/prometheus/api/v1/rules/'],
    ['GET', '/prometheus/api/v1/rules/../status/config'],
    ['GET', '/prometheus/api/v1/rules/%2e%2e/status/config'],
    ['GET', '/prometheus/api/v1/alerts;/../status/flags'],
    ['GET', '/prometheus/api/v1/RULES'],
  ],
  'other methods': [
    ['PUT', '/prometheus/api/v1/query?query=up'],
    ['DELETE', '/prometheus/api/v1/query?query=up'],
    ['PATCH', '/prometheus/api/v1/query?query=up'],
    ['OPTIONS', '/prometheus/api/v1/query?query=up'],
    ['TRACE', '/prometheus/api/v1/query?query=up'],
    ['PROPFIND', '/prometheus/api/v1/query?query=up'],
    ['MKCOL', '/prometheus/api/v1/query'],
    ['PUT', '/prometheus/api/v1/labels'],
    ['DELETE', '/prometheus/api/v1/series?match[]=up'],
    ['PATCH', '/prometheus/api/v1/status/buildinfo'],
  ],
  'oversized requests': [
    ['GET', `/prometheus/api/v1/query?query=up&pad=${'a'.repeat(100_000)}`, {}, undefined, 414],
    ['POST', '/prometheus/api/v1/query', { 'content-type': 'application/x-www-form-urlencoded' }, `query=up&pad=${'a'.repeat(200_000)}`, 413],
    ['POST', '/prometheus/api/v1/query_range', { 'content-type': 'application/x-www-form-urlencoded' }, `query=${'x'.repeat(1_000_000)}`, 413],
    ['GET', '/prometheus/api/v1/query?query=up', { cookie: `c=${'a'.repeat(20_000)}` }, undefined, 400],
    ['GET', '/prometheus/api/v1/query?query=up', Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`x-filler-${i}`, 'a'.repeat(100)])), undefined, 400],
  ],
};

describe('everything else is refused before it reaches Prometheus', () => {
  const groups = REFUSED_PROBES;
  for (const [group, probes] of Object.entries(groups)) {
    describe(group, () => {
      for (const [method, p, headers, body, status] of probes) {
        test(`${method} ${p.length > 100 ? `${p.slice(0, 60)}… (${p.length} chars)` : p}${body ? ` with a ${body.length} byte body` : ''}`, async () => {
          const res = await expectRefused(method, p, { headers, body });
          if (status) assert.equal(res.status, status, res.body.slice(0, 200));
        });
      }
    });
  }

  test('a declared body too large for the proxy is refused before it is sent (413, nothing passed on)', async () => {
    const { result, seen } = await upstreamDuring(() => rawExchange(nginx.port, [
      'POST /prometheus/api/v1/query HTTP/1.1', 'Host: x', 'Content-Type: application/x-www-form-urlencoded',
      'Content-Length: 10000000000', '', 'query=up',
    ].join('\r\n')));
    assert.deepEqual(result.statuses, [413], result.text.slice(0, 300));
    assert.deepEqual(seen, []);
  });

  test('CONNECT is refused', async () => {
    const { result, seen } = await upstreamDuring(() => rawExchange(nginx.port, `CONNECT 127.0.0.1:${prom.port} HTTP/1.1\r\nHost: 127.0.0.1:${prom.port}\r\n\r\n`));
    assert.ok(result.statuses.length === 0 || result.statuses.every((s) => s >= 400), result.text.slice(0, 300));
    assert.deepEqual(seen, []);
  });

  test('an absolute-form request target naming Prometheus is not a way in', async () => {
    const { result, seen } = await upstreamDuring(() => rawExchange(nginx.port,
      `POST http://127.0.0.1:${prom.port}/api/v1/admin/tsdb/snapshot HTTP/1.1\r\nHost: 127.0.0.1:${prom.port}\r\nContent-Length: 0\r\n\r\n`));
    assert.ok(result.statuses.length > 0 && result.statuses.every((s) => s >= 400), result.text.slice(0, 300));
    assert.deepEqual(seen, []);
  });

  test('headers that some servers read as the real path or method change nothing', async () => {
    const { result: res, seen } = await upstreamDuring(() => rawRequest(nginx.port, {
      path: '/prometheus/api/v1/query?query=up',
      headers: {
        'x-original-url': '/api/v1/admin/tsdb/snapshot',
        'x-rewrite-url': '/api/v1/admin/tsdb/snapshot',
        'x-http-method-override': 'DELETE',
        'x-forwarded-prefix': '/api/v1/admin',
      },
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(seen.map((r) => r.target), ['/api/v1/query?query=up']);
  });
});

describe('request smuggling', () => {
  const admin = 'POST /prometheus/api/v1/admin/tsdb/snapshot HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
  const adminUpstream = 'POST /api/v1/admin/tsdb/snapshot HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n';
  const head = (extra) => ['POST /prometheus/api/v1/query HTTP/1.1', 'Host: x', 'Content-Type: application/x-www-form-urlencoded', ...extra, '', ''].join('\r\n');
  const attempts = {
    'Content-Length and Transfer-Encoding (CL.TE)': `${head(['Content-Length: 6', 'Transfer-Encoding: chunked'])}0\r\n\r\n${admin}`,
    'Transfer-Encoding and a short Content-Length (TE.CL)': `${head(['Transfer-Encoding: chunked', 'Content-Length: 3'])}8\r\nquery=up\r\n0\r\n\r\n${admin}`,
    'two different Content-Length headers': `${head(['Content-Length: 8', `Content-Length: ${8 + admin.length}`])}query=up${admin}`,
    'a list Content-Length': `${head([`Content-Length: 8, ${8 + admin.length}`])}query=up${admin}`,
    'Transfer-Encoding: xchunked': `${head(['Transfer-Encoding: xchunked', 'Content-Length: 8'])}query=up${admin}`,
    'Transfer-Encoding with a space before the colon': `${head(['Transfer-Encoding : chunked', 'Content-Length: 8'])}query=up${admin}`,
    'Transfer-Encoding: chunked, identity': `${head(['Transfer-Encoding: chunked, identity', 'Content-Length: 8'])}query=up${admin}`,
    'two Transfer-Encoding headers': `${head(['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'])}8\r\nquery=up\r\n0\r\n\r\n${admin}`,
    'Transfer-Encoding folded onto a second line': `${head(['X-Filler: a', ' Transfer-Encoding: chunked', 'Content-Length: 8'])}query=up${admin}`,
    'Transfer-Encoding in HTTP/1.0': `${head(['Transfer-Encoding: chunked']).replace('HTTP/1.1', 'HTTP/1.0')}8\r\nquery=up\r\n0\r\n\r\n${admin}`,
    'a bare LF line ending': `POST /prometheus/api/v1/query HTTP/1.1\nHost: x\nContent-Length: 8\nTransfer-Encoding: chunked\n\n0\n\n${admin}`,
    'a chunk size with an extension and an oversized chunk': `${head(['Transfer-Encoding: chunked'])}8;ext=${admin.length}\r\nquery=up\r\nfffffffffffffffff\r\n${admin}\r\n0\r\n\r\n`,
    'an admin request inside an allowed body': `${head([`Content-Length: ${adminUpstream.length}`])}${adminUpstream}`,
    'pipelined: an allowed request, then an admin one': `GET /prometheus/api/v1/query?query=up HTTP/1.1\r\nHost: x\r\n\r\n${admin}`,
    'an h2c upgrade': `GET /prometheus/api/v1/query?query=up HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
  };
  for (const [name, bytes] of Object.entries(attempts)) {
    test(name, async () => {
      const { result, seen } = await upstreamDuring(() => rawExchange(nginx.port, bytes));
      assert.ok(result.statuses.length > 0, `no answer at all:\n${result.text}`);
      // Whatever nginx made of it, the admin request was not one of the requests
      // Prometheus received (upstreamDuring checked that each was allowed), and if nginx
      // answered it as a request of its own, that answer was a refusal.
      assert.ok(seen.every((r) => !r.target.includes('admin')), JSON.stringify(seen));
      const second = result.statuses.slice(1);
      assert.ok(second.every((s) => s >= 400), `statuses ${result.statuses}: ${result.text.slice(0, 400)}`);
    });
  }
});

describe('the CORS variant of the proxy', () => {
  test('answers a preflight from an allowed origin without Prometheus', async () => {
    const { result: res, seen } = await upstreamDuring(() => rawRequest(nginx.corsPort, {
      method: 'OPTIONS',
      path: '/prometheus/api/v1/query',
      headers: { origin: 'http://allowed.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    }));
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'http://allowed.example');
    assert.match(res.headers['access-control-allow-methods'], /POST/);
    assert.match(res.headers['access-control-allow-headers'], /Authorization/);
    assert.deepEqual(seen, []);
  });

  test('sends CORS headers to an allowed origin, never credentials', async () => {
    const ok = await rawRequest(nginx.corsPort, { path: '/prometheus/api/v1/query?query=up', headers: { origin: 'http://allowed.example' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], 'http://allowed.example');
    assert.equal(ok.headers['access-control-allow-credentials'], undefined);
    assert.match(ok.headers.vary ?? '', /Origin/);
  });

  const lookAlikes = [
    'null',
    '*',
    'http://evil.example',
    'http://allowed.example.evil.example', // the allowed origin as a prefix
    'http://evil.com.allowed.example', // …as a suffix
    'http://evilallowed.example',
    'http://allowedXexample', // an unescaped dot would match this
    'https://allowed.example', // another scheme
    'http://allowed.example:8080', // another port
    'http://allowed.example:80',
    'http://allowed.example/',
    'http://allowed.example/path',
    'http://ALLOWED.EXAMPLE',
    'http://allowed.example@evil.example',
    'http://allowed.example%2eevil.example',
    'http://localhost',
    `http://localhost:${'1'.repeat(6)}`,
    'file://',
    '',
  ];
  for (const origin of lookAlikes) {
    test(`no CORS header for the origin ${JSON.stringify(origin)} (request and preflight)`, async () => {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await rawRequest(nginx.corsPort, {
          method,
          path: '/prometheus/api/v1/query?query=up',
          headers: { origin, 'access-control-request-method': 'GET' },
        });
        assert.equal(res.headers['access-control-allow-origin'], undefined, `${method}: ${res.headers['access-control-allow-origin']}`);
      }
    });
  }

  test('two Origin headers: never an origin that is not allowed', async () => {
    for (const order of [['http://evil.example', 'http://allowed.example'], ['http://allowed.example', 'http://evil.example']]) {
      const { result } = await upstreamDuring(() => rawExchange(nginx.corsPort,
        `GET /prometheus/api/v1/query?query=up HTTP/1.1\r\nHost: x\r\nOrigin: ${order[0]}\r\nOrigin: ${order[1]}\r\nConnection: close\r\n\r\n`));
      const acao = result.text.match(/^Access-Control-Allow-Origin: (.*)$/mi)?.[1]?.trim();
      assert.ok(acao === undefined || acao === 'http://allowed.example', `${order}: ${acao}`);
    }
  });

  test('an origin pattern written without anchors still has to match the whole Origin', async () => {
    // Operators write `https://grafana\.example\.com`; the template anchors it.
    const own = await startNginx({ prometheus: `127.0.0.1:${relay.port}`, cors: { origins: 'http://allowed\\.example' } });
    try {
      const ask = (origin) => rawRequest(own.corsPort, { path: '/prometheus/api/v1/query?query=up', headers: { origin } })
        .then((r) => r.headers['access-control-allow-origin']);
      assert.equal(await ask('http://allowed.example'), 'http://allowed.example');
      assert.equal(await ask('http://allowed.example.evil.example'), undefined);
      assert.equal(await ask('http://evil.example/?http://allowed.example'), undefined);
      assert.equal(await ask('https://xhttp://allowed.example'), undefined);
    } finally {
      await own.stop();
    }
  });

  test('applies the same allow-list and serves no files', async () => {
    await expectRefused('POST', '/prometheus/api/v1/admin/tsdb/snapshot', { headers: { origin: 'http://allowed.example' }, port: nginx.corsPort });
    await expectRefused('POST', '/prometheus/-/quit', { headers: { origin: 'http://allowed.example' }, port: nginx.corsPort });
    await expectRefused('GET', '/prometheus/federate?match[]=up', { headers: { origin: 'http://allowed.example' }, port: nginx.corsPort });
    await expectRefused('POST', '/prometheus/api/v1/query/%2e%2e/admin/tsdb/snapshot', { headers: { origin: 'http://allowed.example' }, port: nginx.corsPort });
    const ui = await rawRequest(nginx.corsPort, { path: '/' });
    assert.equal(ui.status, 404, 'the CORS proxy serves no files');
  });

  test('lets a page on an allowed origin query Prometheus from the browser, and no other', async () => {
    // Pages on loopback but on other origins than the proxy's: the browser enforces CORS
    // for real. `localhost:P` is allowed, `127.0.0.1:P` (same server, other origin) is not.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const query = (u) => fetch(u, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer x' },
        body: 'query=up',
      }).then((r) => r.json()).then((j) => j.status, (e) => `blocked: ${e.message}`);
      await page.goto(`http://localhost:${otherOrigin.port}/`);
      assert.equal(await page.evaluate(query, `${nginx.corsUrl}/prometheus/api/v1/query`), 'success');
      await page.goto(`http://127.0.0.1:${otherOrigin.port}/`);
      assert.match(await page.evaluate(query, `${nginx.corsUrl}/prometheus/api/v1/query`), /^blocked/);
    } finally {
      await browser.close();
    }
  });
});

describe('the Alertmanager proxy', () => {
  const direct = 'proxy-test (directly)';
  const silenceBody = (createdBy) => JSON.stringify({
    matchers: [{ name: 'service', value: 'consul', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy,
    comment: 'made through the proxy',
  });
  const json = { 'content-type': 'application/json' };

  describe('passes the alerts, silences and status, read with GET', () => {
    const allowed = [
      ['GET', '/alertmanager/api/v2/alerts'],
      ['GET', '/alertmanager/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true'],
      ['GET', `/alertmanager/api/v2/alerts?filter=${encodeURIComponent('service=~"consul|vault"')}`],
      ['GET', '/alertmanager/api/v2/silences'],
      ['GET', '/alertmanager/api/v2/status'],
      // HEAD passes too (nginx's `limit_except GET`), but Alertmanager's router answers it 405.
    ];
    for (const [method, p] of allowed) {
      test(`${method} ${p}`, async () => {
        const { result: res, seenByAlertmanager, seen } = await upstreamDuring(() => rawRequest(nginx.port, {
          method, path: p, headers: { cookie: 'grafana_session=secret' },
        }));
        assert.equal(res.status, 200, res.body.slice(0, 200));
        if (method === 'GET') JSON.parse(res.body);
        assert.equal(res.headers['access-control-allow-origin'], undefined, "Alertmanager's own CORS header is hidden");
        assert.deepEqual(seenByAlertmanager.map((r) => `${r.method} ${r.target}`), [`${method} ${p.replace('/alertmanager', '')}`]);
        assert.deepEqual(seen, []);
      });
    }
  });

  test('refuses making a silence and expiring one, while the same requests made directly work', async () => {
    // Directly: Alertmanager makes the silence and expires it, so the refusals below are the proxy's.
    const id = await createSilence(am, { service: 'consul' }, { createdBy: direct, comment: 'expired directly' });
    const del = await rawRequest(am.port, { method: 'DELETE', path: `/api/v2/silence/${id}` });
    assert.equal(del.status, 200, del.body);
    const kept = await createSilence(am, { service: 'vault' }, { createdBy: direct, comment: 'kept' });
    const directPost = await rawRequest(am.port, { method: 'POST', path: '/api/v2/silences', headers: json, body: silenceBody(direct) });
    assert.equal(directPost.status, 200, directPost.body);

    // Through the proxy: refused, nothing reaches Alertmanager.
    const post = await expectRefused('POST', '/alertmanager/api/v2/silences', { headers: json, body: silenceBody('through the proxy') });
    assert.equal(post.status, 403, post.body);
    const put = await expectRefused('PUT', '/alertmanager/api/v2/silences', { headers: json, body: silenceBody('through the proxy') });
    assert.equal(put.status, 403, put.body);
    const expire = await expectRefused('DELETE', `/alertmanager/api/v2/silence/${kept}`);
    assert.equal(expire.status, 403, expire.body);
    const silences = JSON.parse((await rawRequest(am.port, { path: '/api/v2/silences' })).body);
    assert.equal(silences.find((x) => x.id === kept)?.status.state, 'active', 'the silence survived the DELETE through the proxy');
    assert.deepEqual(silences.filter((x) => x.createdBy !== direct), [], 'no silence was made through the proxy');
  });

  describe('refuses everything else before it reaches Alertmanager', () => {
    const alert = JSON.stringify([{ labels: { alertname: 'Injected', service: 'consul' } }]);
    const probes = [
      ['POST', '/alertmanager/api/v2/alerts', json, alert],
      ['PUT', '/alertmanager/api/v2/alerts', json, alert],
      ['DELETE', '/alertmanager/api/v2/silences'],
      ['PATCH', '/alertmanager/api/v2/silences'],
      ['OPTIONS', '/alertmanager/api/v2/silences'],
      ['DELETE', '/alertmanager/api/v2/silence/00000000-0000-0000-0000-000000000000'],
      ['GET', '/alertmanager/api/v2/silence/00000000-0000-0000-0000-000000000000'],
      ['GET', '/alertmanager/api/v2/alerts/groups'],
      ['GET', '/alertmanager/api/v2/receivers'],
      ['GET', '/alertmanager/api/v1/alerts'],
      ['POST', '/alertmanager/api/v1/alerts', json, alert],
      ['GET', '/alertmanager/api/v1/silences'],
      ['POST', '/alertmanager/api/v1/silences', json, silenceBody('through the proxy')],
      ['DELETE', '/alertmanager/api/v1/silence/00000000-0000-0000-0000-000000000000'],
      ['POST', '/alertmanager/-/reload'],
      ['GET', '/alertmanager/-/reload'],
      ['GET', '/alertmanager/-/healthy'],
      ['GET', '/alertmanager/-/ready'],
      ['GET', '/alertmanager/'],
      ['GET', '/alertmanager'],
      ['GET', '/alertmanager/#/silences'],
      ['GET', '/alertmanager/metrics'],
      ['GET', '/alertmanager/debug/pprof/'],
      ['GET', '/alertmanager/script.js'],
      ['GET', '/alertmanager/api/v2/alerts', { 'content-length': '4000' }, 'x'.repeat(4_000)],
      ['GET', '/alertmanager/api/v2/silences/'],
      ['GET', '/alertmanager/api/v2/alerts/'],
      ['GET', '/alertmanager/api/v2/Silences'],
      ['GET', '/ALERTMANAGER/api/v2/silences'],
      ['POST', '/alertmanager/api/v2/alerts/../silences', json, silenceBody('through the proxy')],
      ['POST', '/alertmanager/api/v2/alerts/%2e%2e/silences', json, silenceBody('through the proxy')],
      ['DELETE', '/alertmanager/api/v2/silences/../silence/00000000-0000-0000-0000-000000000000'],
      ['DELETE', '/alertmanager/api/v2/silences%2f..%2fsilence%2f00000000-0000-0000-0000-000000000000'],
      ['DELETE', '/alertmanager/api/v2/status;/../silence/00000000-0000-0000-0000-000000000000'],
      ['GET', '/alertmanager/api/v2/status;/../../v1/status'],
      ['GET', '/alertmanager/api/v2/status/../../v1/status'],
      ['GET', '/alertmanager/../alertmanager/api/v1/alerts'],
      ['POST', '/api/v2/silences', json, silenceBody('through the proxy')],
      ['DELETE', '/api/v2/silence/00000000-0000-0000-0000-000000000000'],
      ['POST', '/-/reload'],
      ['POST', '/prometheus/api/v2/silences', json, silenceBody('through the proxy')],
    ];
    for (const [method, p, headers, body] of probes) {
      test(`${method} ${p}${body ? ` with a ${body.length} byte body` : ''}`, async () => {
        await expectRefused(method, p, { headers, body });
      });
    }
  });

  test('the CORS variant applies the same allow-list', async () => {
    const origin = 'http://allowed.example';
    const { result: ok, seenByAlertmanager } = await upstreamDuring(() => rawRequest(nginx.corsPort, {
      path: '/alertmanager/api/v2/alerts', headers: { origin },
    }));
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.headers['access-control-allow-origin'], origin);
    assert.equal(seenByAlertmanager.length, 1);
    const evil = await rawRequest(nginx.corsPort, { path: '/alertmanager/api/v2/alerts', headers: { origin: 'http://evil.example' } });
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    await expectRefused('POST', '/alertmanager/api/v2/silences', { headers: { ...json, origin }, body: silenceBody('through the proxy'), port: nginx.corsPort });
    await expectRefused('DELETE', '/alertmanager/api/v2/silence/00000000-0000-0000-0000-000000000000', { headers: { origin }, port: nginx.corsPort });
  });

  test('counts its own rate limit, apart from the Prometheus proxy', async () => {
    const own = await startNginx({
      prometheus: `127.0.0.1:${relay.port}`,
      alertmanager: `127.0.0.1:${amRelay.port}`,
      env: { PANOPTICON_RATE_LIMIT: '1r/m', PANOPTICON_RATE_BURST: '0' },
    });
    try {
      assert.equal((await rawRequest(own.port, { path: '/alertmanager/api/v2/alerts' })).status, 200);
      const limited = await rawRequest(own.port, { path: '/alertmanager/api/v2/silences' });
      assert.equal(limited.status, 429, limited.body);
      assert.match(limited.body, /Alertmanager proxy/);
      assert.match(limited.headers['content-type'], /^text\/plain/);
      assert.equal((await rawRequest(own.port, { path: '/prometheus/api/v1/query?query=up' })).status, 200,
        'the Prometheus proxy has its own budget');
    } finally {
      await own.stop();
    }
  });

  test('without PANOPTICON_ALERTMANAGER: a sentence that says none is configured (502), the rest refused', async () => {
    const own = await startNginx({ prometheus: `127.0.0.1:${relay.port}` });
    try {
      for (const p of ['/alertmanager/api/v2/alerts', '/alertmanager/api/v2/silences', '/alertmanager/api/v2/status?x=1']) {
        const res = await rawRequest(own.port, { path: p });
        assert.equal(res.status, 502, `${p}: ${res.body}`);
        assert.match(res.headers['content-type'], /^text\/plain/);
        assert.match(res.body, /no Alertmanager behind this proxy.*PANOPTICON_ALERTMANAGER/);
        assert.match(res.headers['content-security-policy'] ?? '', /default-src 'none'/);
      }
      for (const [method, p] of [['POST', '/alertmanager/api/v2/silences'], ['DELETE', '/alertmanager/api/v2/silence/x'], ['GET', '/alertmanager/api/v1/alerts']]) {
        const res = await rawRequest(own.port, { method, path: p, headers: json, body: method === 'POST' ? silenceBody('x') : undefined });
        assert.equal(res.status, 403, `${method} ${p}: ${res.body}`);
      }
      const page = await rawRequest(own.port, { path: '/' });
      assert.equal(page.status, 200, 'the dashboard itself is served');
    } finally {
      await own.stop();
    }
  });
});

describe('the per-source locations (/sources/<name>/, PANOPTICON_SOURCES)', () => {
  // Two sources with recording upstreams: `vm` (a VictoriaMetrics-like API at the root) and
  // `mimir` (the API under /prometheus, a tenant, an Authorization header from a file), and
  // `down`, whose upstream does not listen (its errors must not show the credential either).
  const secret = `Bearer panopticon-secret-${crypto.randomBytes(12).toString('hex')}`;
  const tenant = 'team-a';
  let vm;
  let mimir;
  let own;
  let authDir;
  before(async () => {
    vm = await startQuirksUpstream({ kind: 'victoriametrics' });
    mimir = await startQuirksUpstream({ kind: 'mimir' });
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-auth-'));
    const authFile = path.join(authDir, 'mimir.auth');
    fs.writeFileSync(authFile, `${secret}\n`, { mode: 0o600 });
    const closedPort = await new Promise((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    });
    own = await startNginx({
      prometheus: `127.0.0.1:${relay.port}`,
      alertmanager: `127.0.0.1:${amRelay.port}`,
      sources: [
        { name: 'vm', upstream: vm.address },
        { name: 'mimir', upstream: mimir.address, prefix: '/prometheus', tenant, authFile },
        { name: 'down', upstream: `127.0.0.1:${closedPort}`, tenant, authFile },
      ],
    });
  });
  after(async () => {
    await own?.stop();
    await vm?.stop();
    await mimir?.stop();
    if (authDir) fs.rmSync(authDir, { recursive: true, force: true });
  });

  /** Every request any upstream (the two sources, Prometheus, Alertmanager) got while `fn` ran. */
  async function everyUpstreamDuring(fn) {
    const from = { vm: vm.requests.length, mimir: mimir.requests.length };
    const { result, seen, seenByAlertmanager } = await upstreamDuring(fn);
    return {
      result,
      vm: vm.requests.slice(from.vm),
      mimir: mimir.requests.slice(from.mimir),
      others: [...seen, ...seenByAlertmanager],
    };
  }

  const sources = { vm: '', mimir: '/prometheus' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const allowed = [
    ['GET', '/api/v1/query?query=up'],
    ['POST', '/api/v1/query', 'query=up'],
    ['GET', '/api/v1/query_range?query=up&start=0&end=60&step=15'],
    ['POST', '/api/v1/query_range', 'query=up&start=0&end=60&step=15'],
    ['GET', '/api/v1/series?match[]=up'],
    ['GET', '/api/v1/labels'],
    ['GET', '/api/v1/label/job/values?match[]=up'],
    ['GET', '/api/v1/status/buildinfo'],
    ['GET', '/api/v1/rules?type=alert'],
    ['GET', '/api/v1/alerts'],
  ];
  for (const [name, prefix] of Object.entries(sources)) {
    test(`${name}: the read-only API passes, to its own upstream only${prefix ? `, under ${prefix}` : ''}`, async () => {
      for (const [method, p, body] of allowed) {
        const { result: res, ...got } = await everyUpstreamDuring(() => rawRequest(own.port, {
          method, path: `/sources/${name}${p}`, headers: body ? form : {}, body,
        }));
        assert.equal(res.status, 200, `${method} ${p}: ${res.body.slice(0, 200)}`);
        assert.deepEqual(got[name].map((r) => `${r.method} ${r.url}`), [`${method} ${prefix}${p}`]);
        assert.deepEqual(got[name === 'vm' ? 'mimir' : 'vm'], [], `${method} ${p} reached the other source`);
        assert.deepEqual(got.others.map((r) => r.target), [], `${method} ${p} reached Prometheus or Alertmanager`);
      }
    });

    test(`${name}: every probe refused at /prometheus/ is refused at /sources/${name}/, before any upstream`, async () => {
      let probes = 0;
      for (const [group, list] of Object.entries(REFUSED_PROBES)) {
        for (const [method, p, headers, body, status] of list) {
          if (!p.startsWith('/prometheus')) continue;
          const sourcePath = `/sources/${name}${p.slice('/prometheus'.length)}`;
          const res = await rawRequest(own.port, { method, path: sourcePath, headers, body });
          assert.ok(res.status >= 400, `${group}: ${method} ${sourcePath.slice(0, 120)} answered ${res.status}`);
          if (status) assert.equal(res.status, status, `${group}: ${method} ${sourcePath.slice(0, 120)}`);
          probes += 1;
        }
      }
      assert.ok(probes > 100, `${probes} probes`);
      await new Promise((r) => setTimeout(r, 100));
      for (const upstream of [vm, mimir]) {
        const wrong = upstream.requests.filter((r) => !/^\/(prometheus\/)?api\/v1\/(query|query_range|series|labels|label\/[a-zA-Z_][a-zA-Z0-9_]*\/values|status\/buildinfo|rules|alerts)(\?|$)/.test(r.url));
        assert.deepEqual(wrong.map((r) => `${r.method} ${r.url}`), [], `${upstream.kind} received`);
      }
    });
  }

  test('writes, admin paths and the engines\' own APIs are 403 on every source', async () => {
    const paths = [
      ['POST', '/sources/mimir/api/v1/push'], // Mimir's remote write
      ['POST', '/sources/mimir/prometheus/api/v1/query'], // the prefix is the proxy's to add
      ['GET', '/sources/mimir/api/v1/user_stats'],
      ['POST', '/sources/mimir/ruler/rule_groups'],
      ['GET', '/sources/mimir/api/v1/cardinality/label_names'],
      ['POST', '/sources/vm/api/v1/import'],
      ['POST', '/sources/vm/api/v1/import/prometheus'],
      ['POST', '/sources/vm/api/v1/write'],
      ['POST', '/sources/vm/api/v1/admin/tsdb/delete_series?match[]=up'],
      ['GET', '/sources/vm/api/v1/export?match[]=up'],
      ['GET', '/sources/vm/internal/resetRollupResultCache'],
      ['POST', '/sources/vm/-/reload'],
      ['GET', '/sources/vm/snapshot/create'],
      ['GET', '/sources/vm/metrics'],
      ['GET', '/sources/vm/vmui/'],
      ['GET', '/sources/vm/'],
      ['DELETE', '/sources/vm/api/v1/series?match[]=up'],
      ['PUT', '/sources/mimir/api/v1/query?query=up'],
      ['POST', '/sources/mimir/api/v1/rules'],
    ];
    for (const [method, p] of paths) {
      const { result: res, ...got } = await everyUpstreamDuring(() => rawRequest(own.port, { method, path: p }));
      assert.equal(res.status, 403, `${method} ${p}: ${res.status} ${res.body.slice(0, 200)}`);
      assert.deepEqual([...got.vm, ...got.mimir, ...got.others], [], `${method} ${p} reached an upstream`);
    }
    for (const p of ['/sources/nope/api/v1/query?query=up', '/sources/', '/sources/VM/api/v1/query?query=up', '/sources/vm2/api/v1/query?query=up']) {
      const res = await rawRequest(own.port, { path: p });
      assert.equal(res.status, 404, `${p}: ${res.status}`);
      assert.match(res.body, /no such data source/);
    }
  });

  test('the tenant and the Authorization reach the upstream from nginx, never from (or back to) the browser', async () => {
    const browserHeaders = { 'x-scope-orgid': 'someone-else', authorization: 'Bearer from-the-browser', cookie: 'grafana_session=x' };
    const { result: res, mimir: toMimir } = await everyUpstreamDuring(() => rawRequest(own.port, {
      path: '/sources/mimir/api/v1/query?query=up', headers: browserHeaders,
    }));
    assert.equal(res.status, 200, res.body.slice(0, 200));
    assert.equal(toMimir.length, 1);
    assert.equal(toMimir[0].headers['x-scope-orgid'], tenant);
    assert.equal(toMimir[0].headers.authorization, secret);
    assert.equal(toMimir[0].headers.cookie, undefined);
    assert.equal(toMimir[0].headers.host, mimir.address, 'the upstream is asked under its own name');
    const back = JSON.stringify(res.headers) + res.body;
    assert.ok(!back.includes(secret.split(' ')[1]) && !back.includes(tenant), 'nothing of the tenant or credential comes back');

    // A source without a tenant or a credential sends none, whatever the browser sent.
    const { vm: toVm } = await everyUpstreamDuring(() => rawRequest(own.port, {
      path: '/sources/vm/api/v1/query?query=up', headers: browserHeaders,
    }));
    assert.equal(toVm.length, 1);
    assert.equal(toVm[0].headers['x-scope-orgid'], undefined);
    assert.equal(toVm[0].headers.authorization, undefined);
    assert.equal(toVm[0].headers.cookie, undefined);

    // The upstream down: nginx's own error page, without the credential.
    const down = await rawRequest(own.port, { path: '/sources/down/api/v1/query?query=up' });
    assert.equal(down.status, 502);
    assert.ok(!(JSON.stringify(down.headers) + down.body).includes(secret.split(' ')[1]));
  });

  test('the credential is in no log, in no file of the site, and its rendered file is not readable by others', async () => {
    const token = secret.split(' ')[1];
    // Through nginx: the answered, the refused and the failed requests above, and one more of each.
    await rawRequest(own.port, { path: '/sources/mimir/api/v1/query?query=up' });
    await rawRequest(own.port, { path: '/sources/down/api/v1/query?query=up' });
    await rawRequest(own.port, { method: 'POST', path: '/sources/mimir/api/v1/push' });
    for (const log of ['access.log', 'error.log']) {
      const text = fs.readFileSync(path.join(own.dir, log), 'utf8');
      assert.ok(!text.includes(token), `${log} holds the credential`);
    }
    assert.match(fs.readFileSync(path.join(own.dir, 'error.log'), 'utf8'), /connect\(\) failed/, 'the failed request was logged');
    const rendered = path.join(own.dir, 'sources', 'mimir.proxy.conf');
    assert.equal(fs.statSync(rendered).mode & 0o077, 0, 'the rendered file with the credential is for its owner only');
    assert.ok(fs.readFileSync(rendered, 'utf8').includes(token), 'the credential is in the rendered file');
    const holders = [];
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (fs.readFileSync(p).includes(token)) holders.push(path.relative(own.dir, p));
      }
    };
    walk(own.dir);
    assert.deepEqual(holders.sort(), ['sources/down.proxy.conf', 'sources/mimir.proxy.conf']);
  });

  test('render.sh refuses an auth_file that others may read, without showing its content', async () => {
    const open = path.join(authDir, 'open.auth');
    fs.writeFileSync(open, `${secret}\n`, { mode: 0o644 });
    fs.chmodSync(open, 0o644);
    await assert.rejects(
      startNginx({ prometheus: `127.0.0.1:${relay.port}`, sources: [{ name: 'mimir', upstream: mimir.address, authFile: open }] }),
      (e) => {
        const said = `${e.message}\n${e.stderr ?? ''}`;
        assert.match(said, /open to everyone/);
        assert.ok(!said.includes(secret.split(' ')[1]), 'the credential is not shown');
        return true;
      },
    );
  });

  test('each source counts its own rate limit, apart from the Prometheus proxy and the other sources', async () => {
    const limited = await startNginx({
      prometheus: `127.0.0.1:${relay.port}`,
      sources: [{ name: 'vm', upstream: vm.address }, { name: 'other', upstream: vm.address }],
      env: { PANOPTICON_RATE_LIMIT: '1r/m', PANOPTICON_RATE_BURST: '0' },
    });
    try {
      assert.equal((await rawRequest(limited.port, { path: '/sources/vm/api/v1/query?query=up' })).status, 200);
      const refused = await rawRequest(limited.port, { path: '/sources/vm/api/v1/labels' });
      assert.equal(refused.status, 429, refused.body);
      assert.match(refused.body, /data source vm/);
      assert.match(refused.headers['content-type'], /^text\/plain/);
      assert.equal((await rawRequest(limited.port, { path: '/sources/other/api/v1/query?query=up' })).status, 200,
        'another source has its own budget');
      assert.equal((await rawRequest(limited.port, { path: '/prometheus/api/v1/query?query=up' })).status, 200,
        'the Prometheus proxy has its own budget');
    } finally {
      await limited.stop();
    }
  });

  test('an https:// upstream is verified: its own CA (ca_file) passes, an unknown one is never asked', async () => {
    const cert = selfSignedCert(authDir);
    const secure = await startQuirksUpstream({ kind: 'thanos', tls: cert });
    const tlsNginx = await startNginx({
      prometheus: `127.0.0.1:${relay.port}`,
      sources: [
        { name: 'trusted', upstream: `https://localhost:${secure.port}`, caFile: cert.cert, tenant },
        // The system's CAs do not know the throwaway certificate.
        { name: 'untrusted', upstream: `https://localhost:${secure.port}` },
      ],
    });
    try {
      const ok = await rawRequest(tlsNginx.port, { path: '/sources/trusted/api/v1/query?query=up' });
      assert.equal(ok.status, 200, ok.body.slice(0, 200));
      assert.equal(JSON.parse(ok.body).status, 'success');
      assert.deepEqual(secure.requests.map((r) => [r.url, r.headers['x-scope-orgid']]), [['/api/v1/query?query=up', tenant]]);
      const refused = await rawRequest(tlsNginx.port, { path: '/sources/untrusted/api/v1/query?query=up' });
      assert.equal(refused.status, 502, refused.body.slice(0, 200));
      assert.equal(secure.requests.length, 1, 'nothing was sent over the unverified connection');
      assert.match(fs.readFileSync(path.join(tlsNginx.dir, 'error.log'), 'utf8'), /certificate/);
    } finally {
      await tlsNginx.stop();
      await secure.stop();
    }
  });

  test('the CORS variant proxies the sources with the same allow-list', async () => {
    const cors = await startNginx({
      prometheus: `127.0.0.1:${relay.port}`,
      sources: [{ name: 'vm', upstream: vm.address }],
      cors: { origins: '^http://allowed\\.example$' },
    });
    try {
      const ok = await rawRequest(cors.corsPort, { path: '/sources/vm/api/v1/query?query=up', headers: { origin: 'http://allowed.example' } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['access-control-allow-origin'], 'http://allowed.example');
      assert.equal((await rawRequest(cors.corsPort, { method: 'POST', path: '/sources/vm/api/v1/import' })).status, 403);
    } finally {
      await cors.stop();
    }
  });
});
