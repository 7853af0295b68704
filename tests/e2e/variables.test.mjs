// Template variables (issues 13 and 15), through real nginx, Prometheus, the simulator and
// Chromium: `var-` from the URL reaches the query Prometheus gets and round-trips; hostile
// values are refused (the default used, a notice naming them) or, when the configuration
// itself offers one, escaped so that Prometheus reads it as a plain label value; the
// picker changes the binding, the URL and the queries and keeps the keyboard focus; a host
// page on an allowed origin sets `vars` by postMessage. Screenshots of the top bar with its
// pickers go to tests/e2e/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  artifactsDir, freePort, recordConsole, startStack, untilSeen, waitFor,
} from './harness.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let stack;
let host;
/** The node exporters' instances as Prometheus knows them (the label-values answer). */
let instances;

const HOSTILE = '"}) or vector(1)';

function config(allowed) {
  return `datasource:
  refresh_secs: 1
  stale_after_secs: 8
  timeout_secs: 3
embedding:
  allowed_origins: [${allowed}]
variables:
  - name: job
    values: [node, consul, '${HOSTILE}', '.*']
  - name: node
    label_values: {label: instance, match: 'up{job="node"}'}
    multi: true
services:
  - id: exporters
    name: Exporters
    checks:
      - id: up
        name: exporter up
        query: 'up{job="$job", instance=~"\${node}"}'
        instances: 1
        rule: { kind: equals, expected: 1 }
views:
  - id: overview
    name: Overview
    graphs: []
  - id: up
    name: Up
    graphs:
      - title: up
        query: 'up{job="$job"}'
`;
}

/** Label values from a source nginx does not serve (404): `node` has a default, `zone` none. */
const UNREADABLE = `datasources:
  - name: main
    refresh_secs: 1
    stale_after_secs: 8
    timeout_secs: 3
  - name: gone
    base_url: /sources/gone
variables:
  - name: node
    label_values: {label: instance, source: gone}
    default: node-1
  - name: zone
    label_values: {label: zone, source: gone}
services:
  - id: exporters
    name: Exporters
    checks:
      - id: up
        query: 'up{job="node", instance="$node", zone=~"$zone|"}'
        instances: 1
        rule: { kind: equals, expected: 1 }
`;

/** A host page (Grafana's HTML graphics panel, in short): one iframe, and `send`. */
async function startHost(port) {
  const server = http.createServer((req, res) => {
    const src = new URL(req.url, 'http://x').searchParams.get('src') ?? '';
    const attr = (s) => String(s).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><body style="margin:0;background:#808080">
<iframe id="panel" src="${attr(src)}" width="800" height="500" style="border:0;color-scheme:dark"></iframe>
<script>window.send = (m) => document.getElementById('panel').contentWindow.postMessage(m, '*');</script>
</body></html>`);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

before(async () => {
  host = await startHost(await freePort());
  stack = await startStack({
    files: { 'panopticon.yaml': config(host.url), 'unreadable.yaml': UNREADABLE },
    alertmanager: false,
    nginxEnv: { PANOPTICON_FRAME_ANCESTORS: `'self' ${host.url}` },
  });
  instances = await waitFor('Prometheus to know the node exporters', async () => {
    const res = await fetch(`${stack.prom.url}/api/v1/label/instance/values?match[]=${encodeURIComponent('up{job="node"}')}`);
    const body = await res.json();
    // The simulator's four nodes, all scraped (the page's answer must be the same list).
    return body.data?.length >= 4 ? body.data : null;
  }, { timeoutMs: 30_000 });
});

after(async () => {
  await stack?.stop();
  await host?.stop();
});

/** Every instant query the page (and its frames) sends, as Prometheus receives it. */
function recordQueries(page) {
  const seen = [];
  page.on('request', (req) => {
    if (!/\/api\/v1\/query(\?|$)/.test(req.url())) return;
    const form = new URLSearchParams(req.postData() ?? new URL(req.url()).search);
    seen.push(form.get('query') ?? '');
  });
  return seen;
}

/** RE2's escaping as the engine writes it, then the PromQL double-quoted string's. */
const regexEscape = (v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
const stringEscape = (v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

async function open(query, { width = 1920, height = 1080 } = {}) {
  const page = await stack.browser.newPage({ viewport: { width, height } });
  const log = recordConsole(page);
  const queries = recordQueries(page);
  await page.goto(`${stack.nginx.url}/${query}`);
  return { page, log, queries };
}

function until(what, probe, log, timeoutMs = 25_000) {
  return untilSeen(what, probe, (last) => last, {
    log, timeoutMs, intervalMs: 200, consoleLines: 20, show: (last) => JSON.stringify(last)?.slice(0, 2000),
  });
}

const checkQueries = (queries) => queries.filter((q) => !q.includes('prometheus_build_info'));
const status = (page) => page.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status);
const urlVars = (page) => page.evaluate(() => [...new URL(location.href).searchParams]
  .filter(([k]) => k.startsWith('var-')));
const selected = (page, name) => page.evaluate((n) => [...document.querySelector(`[data-testid="variable"][data-variable="${n}"]`).selectedOptions]
  .map((o) => o.value), name);

describe('template variables', () => {
  test('var- from the URL is the query Prometheus gets, and the URL round-trips', async () => {
    const [a, b] = instances;
    const { page, log, queries } = await open(`?var-job=node&var-node=${encodeURIComponent(a)}&var-node=${encodeURIComponent(b)}`);
    try {
      const want = `up{job="node", instance=~"${stringEscape(`${regexEscape(a)}|${regexEscape(b)}`)}"}`;
      await until('the bound query asked', () => checkQueries(queries).some((q) => q.includes(want)), log);
      assert.ok(checkQueries(queries).every((q) => !q.includes('$')), 'no unbound variable reaches Prometheus');
      await until('green from the bound query', async () => (await status(page)) === 'healthy', log);
      assert.deepEqual(await urlVars(page), [['var-job', 'node'], ['var-node', a], ['var-node', b]]);
      assert.deepEqual(await selected(page, 'job'), ['node']);
      assert.deepEqual((await selected(page, 'node')).sort(), [a, b].sort());
      assert.equal(await page.locator('[data-testid="variable-error"]').count(), 0);
      // Copying the address reproduces the screen.
      const copy = await open(new URL(page.url()).search);
      try {
        await until('the same query from the copied address', () => checkQueries(copy.queries).some((q) => q.includes(want)), copy.log);
      } finally {
        await copy.page.close();
      }
    } finally {
      await page.close();
    }
  });

  test('without var- the defaults are bound (a label-values variable its first value) and written to the URL', async () => {
    const { page, log, queries } = await open('');
    try {
      await until('the URL says what is bound', async () => (await urlVars(page)).length === 2, log);
      const vars = await urlVars(page);
      assert.deepEqual(vars[0], ['var-job', 'node']);
      assert.equal(vars[1][0], 'var-node');
      assert.ok(instances.includes(vars[1][1]), JSON.stringify(vars));
      await until('the default query asked', () => checkQueries(queries).some((q) => q.includes('up{job="node", instance=~"')), log);
    } finally {
      await page.close();
    }
  });

  for (const [what, param] of [
    ['a value not offered', `var-job=${encodeURIComponent(`${HOSTILE}x`)}`],
    ['a regex not offered', 'var-node=.*'],
    // nginx refuses a request line over 8 KB (414), so a 10 KB value comes by postMessage below.
    ['a 6 KB value', `var-job=${'x'.repeat(6_000)}`],
    ['two values for a one-value variable', 'var-job=node&var-job=consul'],
  ]) {
    test(`${what} is refused with a notice and the default is used`, async () => {
      const { page, log, queries } = await open(`?${param}`);
      try {
        const notice = page.locator('[data-testid="variable-error"]');
        await until('the notice', async () => (await notice.count()) > 0, log);
        assert.match(await notice.textContent(), /refused/);
        assert.ok((await notice.textContent()).length < 2_000, 'a long value is cut in the notice');
        await until('the default query asked', () => checkQueries(queries).some((q) => q.includes('up{job="node", instance=~"')), log);
        await until('green from the default', async () => (await status(page)) === 'healthy', log);
        const asked = checkQueries(queries).join('\n');
        assert.ok(!asked.includes('vector(1)'), asked.slice(0, 500));
        assert.ok(!asked.includes('instance=~".*"'), 'the refused regex never reaches Prometheus');
        // The refused value leaves the address; the default is written instead.
        const vars = await urlVars(page);
        assert.deepEqual(vars.find(([k]) => k === 'var-job'), ['var-job', 'node']);
      } finally {
        await page.close();
      }
    });
  }

  test('a variable the configuration does not declare is ignored (Grafana sends all of its own)', async () => {
    const { page, log, queries } = await open('?var-datasource=prom&var-interval=5m&var-job=consul');
    try {
      await until('the declared one bound', () => checkQueries(queries).some((q) => q.includes('up{job="consul"')), log);
      await until('the address cleaned', async () => !(await urlVars(page)).some(([k]) => k === 'var-datasource'), log);
      assert.equal(await page.locator('[data-testid="variable-error"]').count(), 0);
    } finally {
      await page.close();
    }
  });

  test('a hostile value the configuration offers is escaped: Prometheus reads a label value, and the screen is not green', async () => {
    const { page, log, queries } = await open(`?var-job=${encodeURIComponent(HOSTILE)}`);
    try {
      const want = `up{job="${stringEscape(HOSTILE)}", instance=~"`;
      await until('the escaped query asked', () => checkQueries(queries).some((q) => q.includes(want)), log);
      const asked = checkQueries(queries).find((q) => q.includes(want));
      // The very part the browser sent, asked of Prometheus alone: it parses, and no series has that job.
      const part = asked.match(/up\{job="(?:[^"\\]|\\.)*", instance=~"(?:[^"\\]|\\.)*"\}/)[0];
      const res = await fetch(`${stack.prom.url}/api/v1/query?query=${encodeURIComponent(part)}`);
      const body = await res.json();
      assert.equal(body.status, 'success', JSON.stringify(body));
      assert.deepEqual(body.data.result, [], 'the value matched as a plain label value');
      const escapedOr = await fetch(`${stack.prom.url}/api/v1/query?query=${encodeURIComponent(`count(${part})`)}`).then((r) => r.json());
      assert.deepEqual(escapedOr.data.result, []);
      await until('not green: the exporter is not found', async () => {
        const s = await status(page);
        return s && s !== 'healthy' && s;
      }, log);
      assert.equal(await page.locator('[data-testid="variable-error"]').count(), 0, 'an offered value is no error');
    } finally {
      await page.close();
    }
  });

  test('label values that cannot be read: no value is used unchecked, and without a default nothing is shown but why', async () => {
    const { page, log, queries } = await open('?config=unreadable.yaml&var-node=node-2');
    try {
      const notice = page.locator('[data-testid="variable-error"]');
      await until('the reason', async () => (await notice.count()) > 0 && /zone.*no value to show/.test(await notice.first().textContent()), log);
      assert.match(await notice.first().textContent(), /HTTP 404|404/);
      // Some seconds: still no dashboard, no status, and no query with any value of theirs.
      await new Promise((resolve) => { setTimeout(resolve, 3_000); });
      assert.equal(await page.locator('[data-testid="cluster-status"]').count(), 0);
      assert.deepEqual(checkQueries(queries), []);
      // The asked value stays in the address for when the values can be read.
      assert.deepEqual(await urlVars(page), [['var-node', 'node-2']]);
    } finally {
      await page.close();
    }
  });

  test('the picker changes the binding, the URL and the queries, and keeps the keyboard focus', async () => {
    const { page, log, queries } = await open('');
    try {
      const picker = page.locator('[data-testid="variable"][data-variable="job"]');
      await until('green', async () => (await status(page)) === 'healthy', log);
      assert.equal(await picker.evaluate((s) => s.tagName), 'SELECT');
      assert.equal(await picker.evaluate((s) => s.multiple), false);
      assert.equal(await page.locator('[data-testid="variable"][data-variable="node"]').evaluate((s) => s.multiple), true);
      const options = await picker.evaluate((s) => [...s.options].map((o) => [o.value, o.textContent]));
      assert.deepEqual(options.map(([v]) => v), ['node', 'consul', HOSTILE, '.*']);
      assert.deepEqual(options.map(([, t]) => t), options.map(([v]) => v), 'values shown as text');
      await picker.focus();
      await picker.selectOption('consul');
      await until('the new binding asked', () => checkQueries(queries).some((q) => q.includes('up{job="consul"')), log);
      await until('the URL follows', async () => (await urlVars(page)).some(([k, v]) => k === 'var-job' && v === 'consul'), log);
      await until('the focus back on the picker', () => page.evaluate(() => document.activeElement?.dataset.variable === 'job'), log);
      // Keyboard only: the native control takes arrow keys.
      await page.keyboard.press('ArrowUp');
      await until('the keyboard choice asked', () => checkQueries(queries).some((q) => q.includes('up{job="node"')) && page.evaluate(() => new URL(location.href).searchParams.get('var-job') === 'node'), log);
      await page.locator('.topbar').screenshot({ path: path.join(artifactsDir, 'variables-topbar-1920x1080.png') });
      await page.screenshot({ path: path.join(artifactsDir, 'variables-1920x1080.png') });
    } finally {
      await page.close();
    }
  });

  test('the pickers and the notice have no accessibility violations, in both themes', async () => {
    for (const theme of ['dark', 'light']) {
      const { page, log } = await open(`?theme=${theme}&var-job=nope`);
      try {
        await until('green, the notice shown', async () => (await status(page)) === 'healthy'
          && (await page.locator('[data-testid="variable-error"]').count()) > 0, log);
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
          const rules = [...window.axe.getRules(tags).map((r) => r.ruleId), 'landmark-one-main', 'page-has-heading-one', 'region'];
          const r = await window.axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] });
          return r.violations.map((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary}`)).flat();
        });
        assert.deepEqual(violations, [], `${theme}:\n${violations.join('\n')}`);
      } finally {
        await page.close();
      }
    }
  });

  test('screenshots of the pickers at 3840x2160, in the light theme, and the compact panel at 400x300', async () => {
    const light = await open('?theme=light');
    try {
      await until('green', async () => (await status(light.page)) === 'healthy', light.log);
      await light.page.locator('.topbar').screenshot({ path: path.join(artifactsDir, 'variables-topbar-light-1920x1080.png') });
    } finally {
      await light.page.close();
    }
    for (const [width, height] of [[3840, 2160], [400, 300]]) {
      const { page, log } = await open('', { width, height });
      try {
        await until('green', async () => (await status(page)) === 'healthy', log);
        await page.screenshot({ path: path.join(artifactsDir, `variables-${width}x${height}.png`) });
        // No horizontal scroll bar from the pickers.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `the page is ${overflow}px too wide at ${width}x${height}`);
      } finally {
        await page.close();
      }
    }
  });

  test('a host page on an allowed origin sets vars by postMessage; a hostile one is refused', async () => {
    const ctx = await stack.browser.newContext({ viewport: { width: 840, height: 540 } });
    const page = await ctx.newPage();
    const log = recordConsole(page);
    const queries = recordQueries(page);
    try {
      await page.goto(`${host.url}/?src=${encodeURIComponent(`${stack.nginx.url}/`)}`);
      const frame = await waitFor('the panel frame', async () => page.frames().find((f) => f !== page.mainFrame()) ?? null);
      const frameStatus = () => frame.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status);
      await until('green in the frame', async () => (await frameStatus()) === 'healthy', log);
      await page.evaluate(() => window.send({ type: 'panopticon:set', vars: { job: 'consul' } }));
      await until('the host\'s binding asked', () => checkQueries(queries).some((q) => q.includes('up{job="consul"')), log);
      await until('the frame\'s URL follows', () => frame.evaluate(() => new URL(location.href).searchParams.get('var-job') === 'consul'), log);
      await page.evaluate((v) => window.send({ type: 'panopticon:set', vars: { job: v, node: ['.*'] } }), `${HOSTILE}x`);
      await until('the refusal shown in the frame', () => frame.evaluate(() => document.querySelector('[data-testid="variable-error"]')?.textContent.includes('refused')), log);
      await page.evaluate((v) => window.send({ type: 'panopticon:set', vars: { job: v } }), HOSTILE.repeat(700));
      await until('the 10 KB value refused as too long', () => frame.evaluate(() => document.querySelector('[data-testid="variable-error"]')?.textContent.includes('longer than 256')), log);
      assert.equal(await frame.evaluate(() => new URL(location.href).searchParams.get('var-job')), 'node', 'the default, never the hostile value, in the URL');
      const asked = checkQueries(queries).join('\n');
      assert.ok(!asked.includes('vector(1)') && !asked.includes('instance=~".*"'), asked.slice(-500));
    } finally {
      await ctx.close();
    }
  });
});
