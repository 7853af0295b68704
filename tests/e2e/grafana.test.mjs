// Grafana panels (issue 13, the Grafana half), through real nginx, Prometheus, the
// simulator and Chromium: host pages on other origins embed the dashboard in an iframe
// as Grafana's Text panel emits it (with `sandbox`: the no-script text; without: the
// dashboard at panel size), the postMessage bridge both ways, `from`/`to` reaching the
// graphs, no scroll bars at panel sizes, and nginx's frame-ancestors refusing a third
// origin. Screenshots of the panels on a grey host go to tests/e2e/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import {
  artifactsDir, freePort, recordConsole, referenceConfig, startStack, untilSeen, waitFor,
} from './harness.mjs';

let stack;
/** Host pages: `allowed` is in `embedding.allowed_origins`, `other` may frame but is not
 * listed, `refused` may not frame at all (not in PANOPTICON_FRAME_ANCESTORS). */
const hosts = {};

/** A tiny host page server: `/?src=…&w=…&h=…[&sandbox=…]` is a grey page with one iframe
 * (Grafana's Text panel markup) that records every message its frame posts. The iframe's
 * `color-scheme` is the dashboard's theme (dark unless `theme=light`), as the README's recipes set it: with
 * another, the browser paints an opaque backdrop behind a transparent page. */
async function startHost(port) {
  const server = http.createServer((req, res) => {
    const q = new URL(req.url, 'http://x').searchParams;
    const attr = (s) => String(s).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    const sandbox = q.has('sandbox') ? ` sandbox="${attr(q.get('sandbox'))}"` : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><style>body{margin:0;padding:8px;background:#808080}iframe{border:0;display:block;color-scheme:${(q.get('src') ?? '').includes('theme=light') ? 'light' : 'dark'}}</style></head>
<body><iframe id="panel" src="${attr(q.get('src'))}" width="${attr(q.get('w'))}" height="${attr(q.get('h'))}"${sandbox}></iframe>
<script>
  window.received = [];
  addEventListener('message', (e) => {
    if (e.source === document.getElementById('panel').contentWindow) window.received.push({ origin: e.origin, data: e.data });
  });
  window.send = (message) => document.getElementById('panel').contentWindow.postMessage(message, '*');
</script></body></html>`);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

before(async () => {
  const ports = { allowed: await freePort(), other: await freePort(), refused: await freePort() };
  for (const [name, port] of Object.entries(ports)) hosts[name] = await startHost(port);
  const config = `${referenceConfig()}
embedding:
  allowed_origins: [${hosts.allowed.url}]
`;
  stack = await startStack({
    files: { 'panopticon.yaml': config },
    nginxEnv: { PANOPTICON_FRAME_ANCESTORS: `'self' ${hosts.allowed.url} ${hosts.other.url}` },
  });
});

after(async () => {
  await stack?.stop();
  for (const host of Object.values(hosts)) await host.stop();
});

/** A host page of `host` framing the dashboard at `query`, `w`×`h`. */
async function embed(host, query, { w = 400, h = 300, sandbox } = {}) {
  const ctx = await stack.browser.newContext({ viewport: { width: w + 40, height: h + 40 } });
  const page = await ctx.newPage();
  const log = recordConsole(page);
  const src = `${stack.nginx.url}/${query}`;
  const q = new URLSearchParams({ src, w, h, ...(sandbox !== undefined ? { sandbox } : {}) });
  await page.goto(`${host.url}/?${q}`);
  const frame = await waitFor('the panel frame', async () => page.frames().find((f) => f !== page.mainFrame()) ?? null);
  return { page, frame, log, close: () => ctx.close() };
}

function until(what, probe, log, timeoutMs = 25_000) {
  return untilSeen(what, probe, (last) => last, { log, timeoutMs, intervalMs: 200, consoleLines: 20 });
}

const statusIn = (frame) => frame.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status);
const statuses = (page) => page.evaluate(() => window.received.filter((m) => m.data?.type === 'panopticon:status'));

describe('the postMessage bridge', () => {
  test('the allowed host hears the status; its panopticon:set changes theme, range and view without a reload', async () => {
    const { page, frame, log, close } = await embed(hosts.allowed, '?view=network');
    try {
      const [first] = await until('a status message at the host', async () => {
        const got = await statuses(page);
        return got.length > 0 ? got : null;
      }, log);
      assert.equal(first.origin, stack.nginx.url);
      assert.deepEqual(Object.keys(first.data).sort(), ['counts', 'maintenance', 'status', 'type']);
      assert.ok(['healthy', 'warning', 'critical', 'unknown'].includes(first.data.status), JSON.stringify(first.data));
      assert.deepEqual(Object.keys(first.data.counts).sort(), ['critical', 'healthy', 'unknown', 'warning']);
      const services = Object.values(first.data.counts).reduce((a, b) => a + b, 0);
      assert.ok(services > 0, JSON.stringify(first.data));
      assert.equal(typeof first.data.maintenance, 'number');
      // The same status as the banner (once the banner has it).
      await until('the banner and the message agree', async () => {
        const got = await statuses(page);
        return got.at(-1).data.status === await statusIn(frame);
      }, log);

      assert.equal(await frame.evaluate(() => document.documentElement.hasAttribute('data-framed')), true);
      await frame.evaluate(() => { window.notReloaded = true; });
      const graphRange = () => frame.evaluate(() => [...document.querySelectorAll('[data-testid="graph"]')]
        .map((g) => [Number(g.dataset.rangeFrom), Number(g.dataset.rangeTo)]));
      await until('the graphs drawn', async () => (await graphRange()).some(([f]) => f > 0), log);
      const to = Date.now() - 3_600_000;
      const from = to - 1_800_000;
      // Epoch ms as numbers (Grafana's ${__from}), and garbage in one field only.
      await page.evaluate(([f, t]) => window.send({ type: 'panopticon:set', from: f, to: t, theme: 'light', view: 'no-such-view' }), [from, to]);
      await until('the light theme', () => frame.evaluate(() => document.documentElement.dataset.theme === 'light'), log);
      await until('every graph over the range sent', async () => {
        const ranges = await graphRange();
        return ranges.length > 0 && ranges.every(([f, t]) => f === from && t === to);
      }, log);
      const url = new URL(await frame.evaluate(() => location.href));
      assert.equal(url.searchParams.get('from'), String(from));
      assert.equal(url.searchParams.get('to'), String(to));
      assert.equal(url.searchParams.get('theme'), 'light');
      assert.equal(url.searchParams.get('view'), 'network', 'an unknown view is ignored');
      assert.equal(await frame.evaluate(() => window.notReloaded), true, 'no reload');

      await page.evaluate(() => window.send({ type: 'panopticon:set', view: 'storage', theme: 'dark' }));
      await until('the storage view, dark', () => frame.evaluate(() => new URL(location.href).searchParams.get('view') === 'storage'
        && document.documentElement.dataset.theme === 'dark'), log);
      // Hostile and unknown messages are inert.
      for (const message of [
        { type: 'panopticon:set', theme: '<img src=x onerror=alert(1)>', from: 'now-99999d', view: { toString: 1 } },
        { type: 'panopticon:other', theme: 'light' },
        'panopticon:set',
        null,
        { type: 'panopticon:set', theme: 'x'.repeat(100_000) },
      ]) {
        await page.evaluate((m) => window.send(m), message);
      }
      await new Promise((r) => setTimeout(r, 1_500));
      assert.equal(await frame.evaluate(() => document.documentElement.dataset.theme), 'dark');
      assert.equal(await frame.evaluate(() => window.notReloaded), true);
      assert.deepEqual(log.filter((l) => /panicked|RuntimeError/.test(l)), []);
    } finally {
      await close();
    }
  });

  test('a host that may frame the page but is not listed changes nothing and hears nothing', async () => {
    const { page, frame, log, close } = await embed(hosts.other, '?view=network');
    try {
      await until('the dashboard running in the frame', async () => ['healthy', 'warning', 'critical'].includes(await statusIn(frame)), log);
      await until('the graphs drawn', () => frame.evaluate(() => Number(document.querySelector('[data-testid="graph"]')?.dataset.rangeFrom) > 0), log);
      const before = await frame.evaluate(() => [...document.querySelectorAll('[data-testid="graph"]')].map((g) => g.dataset.rangeFrom));
      await page.evaluate(() => window.send({ type: 'panopticon:set', theme: 'light', from: 'now-5m', to: 'now', view: 'storage' }));
      // A message refused leaves no trace to wait for: give it two refreshes.
      await new Promise((r) => setTimeout(r, 2_500));
      assert.equal(await frame.evaluate(() => document.documentElement.dataset.theme), 'dark');
      const url = new URL(await frame.evaluate(() => location.href));
      assert.equal(url.searchParams.get('view'), 'network');
      assert.equal(url.searchParams.get('from'), null);
      const after = await frame.evaluate(() => [...document.querySelectorAll('[data-testid="graph"]')]
        .map((g) => Number(g.dataset.rangeTo) - Number(g.dataset.rangeFrom)));
      assert.ok(after.every((span) => span > 10 * 60_000), `still each graph's own range: ${after} (before ${before})`);
      assert.deepEqual(await statuses(page), [], 'no status posted to an origin not listed');
    } finally {
      await close();
    }
  });
});

describe('Grafana Text panel markup', () => {
  test('sandboxed without allow-scripts (300×200), the panel says what the Grafana admin must change', async () => {
    const { page, frame, log, close } = await embed(hosts.allowed, '', { sandbox: '', w: 300, h: 200 });
    try {
      const text = await until('the no-script text', async () => {
        const t = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        return t.includes('disable_sanitize_html') ? t : null;
      }, log);
      assert.match(text, /scripts are off/);
      assert.match(text, /HTML graphics/);
      assert.match(text, /\[panels\] disable_sanitize_html = true/);
      assert.equal(await frame.evaluate(() => document.querySelector('[data-testid="cluster-status"]')), null);
      // What the admin must change is on screen at the smallest panel, even unstyled.
      const bottom = await frame.evaluate(() => document.querySelector('.noscript p').getBoundingClientRect().bottom);
      assert.ok(bottom <= 200, `the instruction ends at ${bottom}px of 200`);
      await page.screenshot({ path: path.join(artifactsDir, 'panel-noscript-300x200.png') });
    } finally {
      await close();
    }
  });

  test("a third origin may not frame the dashboard (nginx's frame-ancestors)", async () => {
    const { frame, log, close } = await embed(hosts.refused, '');
    try {
      // The refusal has no event to wait for in the frame: give the page time to have loaded.
      await new Promise((r) => setTimeout(r, 3_000));
      const url = frame.url();
      assert.ok(!url.startsWith(stack.nginx.url), `the frame shows ${url}`);
      const status = await frame.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status ?? null)
        .catch(() => null);
      assert.equal(status, null, `the dashboard ran in a frame of ${hosts.refused.url}\n${log.join('\n')}`);
    } finally {
      await close();
    }
  });

  for (const [w, h, layout] of [[300, 200, 'banner'], [400, 300, 'banner'], [600, 400, 'diagram']]) {
    test(`${w}×${h}: no scroll bars, ${layout === 'banner' ? 'the banner alone with its counts' : 'banner and diagram'}`, async () => {
      const { page, frame, log, close } = await embed(hosts.allowed, '?transparent', { w, h });
      try {
        await until('a status', async () => ['healthy', 'warning', 'critical'].includes(await statusIn(frame)), log);
        if (layout === 'diagram') {
          await until('the diagram drawn', () => frame.evaluate(() => document.querySelectorAll('[data-service]').length > 0), log);
        }
        await new Promise((r) => setTimeout(r, 500));
        const box = await frame.evaluate(() => {
          const root = document.documentElement;
          const shown = (sel) => {
            const el = document.querySelector(sel);
            if (!el) return false;
            const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0;
          };
          return {
            scrollW: root.scrollWidth, clientW: root.clientWidth, scrollH: root.scrollHeight, clientH: root.clientHeight,
            word: shown('.banner-word'), counts: shown('.banner-counts'), diagram: shown('.diagram-panel'),
            background: getComputedStyle(document.body).backgroundColor,
          };
        });
        assert.ok(box.scrollW <= box.clientW && box.scrollH <= box.clientH, JSON.stringify(box));
        assert.ok(box.word && box.counts, JSON.stringify(box));
        assert.equal(box.diagram, layout === 'diagram', JSON.stringify(box));
        assert.equal(box.background, 'rgba(0, 0, 0, 0)', '?transparent');
        await page.screenshot({ path: path.join(artifactsDir, `panel-${w}x${h}.png`) });
      } finally {
        await close();
      }
    });
  }
});

test('a critical cluster in a light, transparent 300×200 panel: the word, the counts, readable', async () => {
  await stack.sim.scenario('consul-no-quorum');
  const { page, frame, log, close } = await embed(hosts.allowed, '?transparent&theme=light', { w: 300, h: 200 });
  try {
    await until('critical', async () => await statusIn(frame) === 'critical', log);
    await until('the host told', async () => (await statuses(page)).some((m) => m.data.status === 'critical' && m.data.counts.critical > 0), log);
    await new Promise((r) => setTimeout(r, 500));
    const box = await frame.evaluate(() => {
      const root = document.documentElement;
      return { over: root.scrollHeight > root.clientHeight || root.scrollWidth > root.clientWidth, word: document.querySelector('.banner-word').textContent };
    });
    assert.deepEqual(box, { over: false, word: 'CRITICAL' });
    await page.screenshot({ path: path.join(artifactsDir, 'panel-critical-light-300x200.png') });
  } finally {
    await close();
    await stack.sim.reset();
  }
});

describe('from/to in the URL', () => {
  const graphs = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="graph"]')]
    .map((g) => [Number(g.dataset.rangeFrom), Number(g.dataset.rangeTo)]));

  async function open(query) {
    const ctx = await stack.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    const log = recordConsole(page);
    await page.goto(`${stack.nginx.url}/${query}`);
    return { page, log, close: () => ctx.close() };
  }

  test('a fixed range is drawn as given and stays; the statuses are still now', async () => {
    const to = Date.now() - 2 * 3_600_000;
    const from = to - 3_600_000;
    const { page, log, close } = await open(`?view=network&from=${from}&to=${to}`);
    try {
      await until('every graph over the fixed range', async () => {
        const ranges = await graphs(page);
        return ranges.length > 0 && ranges.every(([f, t]) => f === from && t === to);
      }, log);
      const refreshes = await page.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status);
      assert.ok(['healthy', 'warning', 'critical'].includes(refreshes));
      await new Promise((r) => setTimeout(r, 2_500));
      assert.ok((await graphs(page)).every(([f, t]) => f === from && t === to), 'a fixed range does not move');
      assert.equal(await page.locator('[data-testid="range-note"]').count(), 0);
      assert.equal(await page.evaluate(() => document.documentElement.hasAttribute('data-framed')), false, 'not framed: the full page');
      // The address still names the range: copying it reproduces the screen.
      const url = new URL(page.url());
      assert.deepEqual([url.searchParams.get('view'), url.searchParams.get('from'), url.searchParams.get('to')], ['network', String(from), String(to)]);
    } finally {
      await close();
    }
  });

  test('a relative range moves with each refresh', async () => {
    const { page, log, close } = await open('?view=network&from=now-2h&to=now');
    try {
      const first = await until('graphs over the last two hours', async () => {
        const ranges = await graphs(page);
        return ranges.length > 0 && ranges.every(([f, t]) => Math.abs(t - f - 7_200_000) <= 1 && Math.abs(t - Date.now()) < 60_000) ? ranges : null;
      }, log);
      await until('the range moved', async () => (await graphs(page))[0][1] > first[0][1], log);
    } finally {
      await close();
    }
  });

  test('a bad range keeps each graph its own range, with a note', async () => {
    for (const query of ['from=yesterday', 'from=now&to=now-1h', 'from=now-90d', 'to=now']) {
      const { page, log, close } = await open(`?view=network&${query}`);
      try {
        const note = await until(`the note for ${query}`, () => page.evaluate(() => document.querySelector('[data-testid="range-note"]')?.textContent), log);
        assert.match(note, /Time range ignored/);
        await until('graphs over their own range', async () => {
          const ranges = await graphs(page);
          return ranges.length > 0 && ranges.every(([f, t]) => f > 0 && t - f > 10 * 60_000);
        }, log);
        assert.ok(['healthy', 'warning', 'critical'].includes(await page.evaluate(() => document.querySelector('[data-testid="cluster-status"]')?.dataset.status)));
      } finally {
        await close();
      }
    }
  });
});
