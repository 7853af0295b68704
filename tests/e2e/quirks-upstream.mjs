// A small recorded-answer upstream that answers like the Prometheus-compatible engines no
// Debian package ships: Thanos (a partial answer is HTTP 200 with `warnings`), Grafana Mimir
// (the API under /prometheus, a tenant header required: without X-Scope-OrgID, 401
// "no org id") and a VictoriaMetrics cluster (`isPartial: true`, `stats` with counts as
// strings). The answers are real Prometheus answers with the quirk added: those recorded from
// Debian's Prometheus 2.42 in tests/fixtures/prometheus/ (`vector` for every instant query,
// `matrix_range` for every range query), or, with `backend`, the live answers of a real
// Prometheus (so a dashboard behind it shows the simulator's cluster). Every request it gets
// is recorded (method, path with query, headers, body), so tests can see what nginx passed on.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { repoRoot } from './harness.mjs';

const FIXTURES = path.join(repoRoot, 'tests/fixtures/prometheus');

/** Where each kind serves the API: Mimir under /prometheus, the others at the root. */
const PREFIX = { prometheus: '', thanos: '', mimir: '/prometheus', victoriametrics: '' };

/** What each kind says when it answers only part of the data. */
export const PARTIAL_WARNING = {
  thanos: 'No StoreAPIs matched for this query',
  mimir: 'the query hit the max number of chunks limit: results may be incomplete',
  prometheus: 'PromQL warning: encountered a mix of histograms and floats',
};

function recorded(name) {
  const meta = JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.meta.json`), 'utf8'));
  return { status: meta.http_status, contentType: meta.content_type, body: fs.readFileSync(path.join(FIXTURES, `${name}.body`), 'utf8') };
}

/** Version answers of each kind (the fixtures have none): as their /api/v1/status/buildinfo shapes. */
const BUILDINFO = {
  prometheus: { version: '2.42.0', revision: 'recorded', branch: 'HEAD', buildUser: '', buildDate: '', goVersion: 'go1.19' },
  thanos: { version: '0.32.5', revision: 'quirks-upstream', branch: 'HEAD', buildUser: '', buildDate: '', goVersion: 'go1.21' },
  mimir: { version: '2.10.0', revision: 'quirks-upstream', branch: 'HEAD', buildUser: '', buildDate: '', goVersion: 'go1.21' },
  // VictoriaMetrics answers an empty object (tests/fixtures/victoriametrics/buildinfo.body).
  victoriametrics: {},
};

/** The quirk of `kind` added to a successful query answer `doc` (parsed JSON), in place. */
function addQuirk(kind, doc, partial) {
  if (kind === 'victoriametrics') {
    const series = Array.isArray(doc.data?.result) ? doc.data.result.length : 0;
    doc.isPartial = partial;
    doc.stats = { seriesFetched: String(series), executionTimeMsec: 1 };
  } else if (partial) {
    doc.warnings = [...(doc.warnings ?? []), PARTIAL_WARNING[kind]];
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Starts the upstream on a free 127.0.0.1 port. `kind`: prometheus | thanos | mimir |
 * victoriametrics. `backend`: a real Prometheus's URL to take the answers from (else the
 * recorded ones). `partial` (also settable later: `upstream.partial = true`): answer every
 * query as a partial answer in the kind's own way. `tls`: `{ cert, key }` (PEM files) to
 * answer over HTTPS instead. Returns `{ port, address, url, requests, partial, stop() }`.
 */
export async function startQuirksUpstream({ kind = 'prometheus', backend, partial = false, tls } = {}) {
  if (!(kind in PREFIX)) throw new Error(`unknown kind ${kind}`);
  const prefix = PREFIX[kind];
  const requests = [];
  const state = { partial };
  const handler = async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method, url: req.url, headers: { ...req.headers }, body: body.toString('latin1') });
    const send = (status, contentType, text) => {
      res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const url = new URL(req.url, 'http://upstream');
    if (kind === 'mimir' && !req.headers['x-scope-orgid']) {
      // Mimir's answer to a request without a tenant.
      send(401, 'text/plain; charset=utf-8', 'no org id\n');
      return;
    }
    if (!url.pathname.startsWith(`${prefix}/api/v1/`)) {
      send(404, 'text/plain; charset=utf-8', '404 page not found\n');
      return;
    }
    const api = url.pathname.slice(prefix.length);
    if (api === '/api/v1/status/buildinfo' && !backend) {
      send(200, 'application/json', JSON.stringify({ status: 'success', data: BUILDINFO[kind] }));
      return;
    }
    let answer;
    if (backend) {
      try {
        const upstream = await fetch(`${backend}${api}${url.search}`, {
          method: req.method,
          headers: req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {},
          body: ['GET', 'HEAD'].includes(req.method) ? undefined : body,
          signal: AbortSignal.timeout(10_000),
        });
        answer = { status: upstream.status, contentType: upstream.headers.get('content-type') ?? 'application/json', body: await upstream.text() };
      } catch (e) {
        send(502, 'text/plain; charset=utf-8', `backend: ${e.message}\n`);
        return;
      }
    } else if (api === '/api/v1/query') {
      answer = recorded('vector');
    } else if (api === '/api/v1/query_range') {
      answer = recorded('matrix_range');
    } else {
      answer = { status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'success', data: [] }) };
    }
    if (answer.status === 200 && ['/api/v1/query', '/api/v1/query_range'].includes(api)) {
      const doc = JSON.parse(answer.body);
      if (doc.status === 'success') {
        addQuirk(kind, doc, state.partial);
        answer.body = JSON.stringify(doc);
      }
    }
    send(answer.status, answer.contentType, answer.body);
  };
  const server = tls
    ? https.createServer({ cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) }, handler)
    : http.createServer(handler);
  server.keepAliveTimeout = 2_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    kind,
    port,
    address: `127.0.0.1:${port}`,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get partial() { return state.partial; },
    set partial(v) { state.partial = v; },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
