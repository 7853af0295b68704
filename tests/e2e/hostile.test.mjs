// Hostile strings (issue 12 row 11) against real Prometheus, nginx and Chromium: an
// exporter whose label values are 10 KB long or carry an unterminated right-to-left
// override (U+202E), and a configuration whose service name is 10 KB long and whose
// names, descriptions and graph titles carry U+202E. The page must not grow wider than
// the viewport, and no such string may reorder the text around it: each is isolated
// (<bdi>, unicode-bidi: isolate) and its override shown as "[U+202E]".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {
  artifactsDir, freePort, launchBrowser, makeSite, recordConsole, startNginx, startPrometheus, waitFor,
} from './harness.mjs';

const RLO = '\u202E';
const LONG = 'N'.repeat(10_240);

/** A tiny exporter: one healthy node, one with a 10 KB name, one with an override. */
async function startExporter() {
  const port = await freePort();
  const body = [
    '# TYPE hostile_up gauge',
    `hostile_up{node="${LONG}"} 0`,
    `hostile_up{node="evil${RLO}node-2"} 0`,
    'hostile_up{node="node-1"} 1',
    '',
  ].join('\n');
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

const config = `
datasource:
  refresh_secs: 1
  stale_after_secs: 60
  timeout_secs: 3
services:
  - id: evil
    name: "${LONG}"
    description: "described ${RLO}backwards, then the rest"
    owner: "team ${RLO}x"
    runbook: "https://runbooks.example.org/evil"
    checks:
      - id: up
        name: "up ${RLO}check"
        query: hostile_up
        instance_label: node
        instances: 3
        rule: { kind: equals, expected: 1 }
  - id: rtl
    name: "svc${RLO}evil"
    depends_on: [{ service: evil, strength: hard }]
views:
  - id: main
    name: "view ${RLO}name"
    graphs:
      - { title: "graph ${RLO}title", query: hostile_up, range_secs: 300 }
`;

let exporter;
let prom;
let site;
let nginx;
let browser;

before(async () => {
  exporter = await startExporter();
  prom = await startPrometheus({
    scrapeConfigs: [{ job_name: 'hostile', static_configs: [{ targets: [`127.0.0.1:${exporter.port}`] }] }],
  });
  site = makeSite({ 'hostile.yaml': config });
  nginx = await startNginx({ prometheus: `127.0.0.1:${prom.port}`, root: site.dir });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await prom?.stop();
  await exporter?.stop();
  site?.remove();
});

/** Opens the hostile configuration with the evil service's detail open, once it is judged. */
async function openHostile(viewport) {
  const page = await browser.newPage({ viewport });
  const log = recordConsole(page);
  await page.goto(`${nginx.url}/?config=hostile.yaml&service=evil`);
  try {
    await waitFor('the evil service judged with its three instances', () => page.evaluate(() => (
      document.querySelector('[data-testid="cluster-status"]')?.dataset.status === 'critical'
      && document.querySelectorAll('.instances tr[data-instance]').length === 3
    )), { timeoutMs: 40_000, intervalMs: 250 });
  } catch (e) {
    throw new Error(`${e.message}\nconsole:\n${log.slice(-20).join('\n')}`);
  }
  return page;
}

/** Everything the page measures and shows, through the DOM. */
function measure(page) {
  return page.evaluate((rlo) => {
    const isolated = (el) => {
      for (let e = el; e; e = e.parentElement) {
        if (e.tagName === 'BDI' || getComputedStyle(e).unicodeBidi === 'isolate') return true;
        if (e === document.body) break;
      }
      return false;
    };
    const cells = [...document.querySelectorAll('.instances tr[data-instance] td:first-child')];
    const reasons = [...document.querySelectorAll('.summary-reason')];
    const table = document.querySelector('.instances');
    const panel = document.querySelector('[data-testid="service-detail"]');
    return {
      viewport: window.innerWidth,
      pageWidth: document.documentElement.scrollWidth,
      bodyWidth: document.body.scrollWidth,
      tableWidth: table?.getBoundingClientRect().width,
      panelWidth: panel?.getBoundingClientRect().width,
      // Text on screen (not attributes): an override that reaches it must be
      // alone in an isolated element (the view tabs render names without the
      // helper; style/main.css isolates them), never next to other text.
      overrideLeaks: (() => {
        const leaks = [];
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
          const n = walk.currentNode;
          if (!n.textContent.includes(rlo)) continue;
          const el = n.parentElement;
          const alone = el.textContent === n.textContent;
          if (!(alone && isolated(el))) leaks.push(el.outerHTML.slice(0, 120));
        }
        return leaks;
      })(),
      overrideInSvgText: [...document.querySelectorAll('svg text, svg title')].some((t) => t.textContent.includes(rlo)),
      visibleMarker: document.body.innerText.includes('[U+202E]'),
      instanceCells: cells.map((c) => ({ text: c.innerText, isolated: isolated(c.querySelector('bdi') ?? c), title: c.querySelector('[title]')?.title.length ?? 0 })),
      reasons: reasons.map((r) => ({ text: r.innerText, isolated: isolated(r) })),
      detailTitle: document.querySelector('.detail-title')?.innerText,
      nameBox: document.querySelector('[data-service="evil"] .node-name')?.textContent,
    };
  }, RLO);
}

describe('hostile strings', () => {
  test('a 10 KB name and label never widen the page; U+202E is isolated and shown, never obeyed', async () => {
    for (const viewport of [{ width: 1920, height: 1080 }, { width: 400, height: 300 }]) {
      const page = await openHostile(viewport);
      try {
        const m = await measure(page);
        fs.mkdirSync(artifactsDir, { recursive: true });
        await page.screenshot({ path: path.join(artifactsDir, `hostile-${viewport.width}x${viewport.height}.png`) });
        const where = `${viewport.width}×${viewport.height}: ${JSON.stringify({ ...m, instanceCells: m.instanceCells.map((c) => ({ ...c, text: c.text.slice(0, 40) })) })}`;
        assert.ok(m.pageWidth <= m.viewport, `the page is ${m.pageWidth} px wide in a ${m.viewport} px viewport (${where})`);
        assert.ok(m.bodyWidth <= m.viewport, `body ${m.bodyWidth} px (${where})`);
        if (m.panelWidth !== undefined) {
          assert.ok(m.tableWidth <= m.panelWidth + 1, `instance table ${m.tableWidth} px in a ${m.panelWidth} px panel (${where})`);
        }
        assert.deepEqual(m.overrideLeaks, [], `a raw U+202E can reorder text around it (${where})`);
        assert.equal(m.overrideInSvgText, false, `a raw U+202E reached the diagram (${where})`);
        if (viewport.width === 1920) {
          assert.ok(m.visibleMarker, `the override is shown as [U+202E] (${where})`);
          assert.equal(m.instanceCells.length, 3, where);
          for (const c of m.instanceCells) assert.ok(c.isolated, `instance cell not isolated: ${c.text.slice(0, 40)}`);
          const long = m.instanceCells.find((c) => c.text.startsWith('NNNN'));
          assert.ok(long && long.text.length < 200, `the 10 KB label is cut on screen (${long?.text.length} characters)`);
          assert.ok(long.title >= 10_240, 'the whole label is in its tooltip');
          const evil = m.instanceCells.find((c) => c.text.includes('evil'));
          assert.equal(evil?.text, 'evil[U+202E]node-2');
          assert.ok(m.reasons.length > 0, where);
          for (const r of m.reasons) assert.ok(r.isolated, `reason not isolated: ${r.text.slice(0, 60)}`);
          assert.ok(m.detailTitle.length < 300, `the detail title is cut: ${m.detailTitle.length} characters`);
          assert.ok(m.nameBox.length < 40, `the diagram box's name is cut: ${m.nameBox.length}`);
        }
      } finally {
        await page.close();
      }
    }
  });

  test('a runbook that is not http(s) or relative is refused with its position', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    try {
      const bad = config.replace('"https://runbooks.example.org/evil"', "'javascript:alert(1)'");
      fs.writeFileSync(path.join(site.dir, 'js-runbook.yaml'), bad, { mode: 0o644 });
      await page.goto(`${nginx.url}/?config=js-runbook.yaml`);
      const el = page.locator('[data-testid="config-error"]');
      await el.waitFor({ timeout: 20_000 });
      const text = await el.innerText();
      assert.match(text, /js-runbook\.yaml:11:14: runbook "javascript:alert\(1\)" is not a link the dashboard will show/);
      assert.equal(await page.locator('a[href^="javascript:"]').count(), 0);
      await page.screenshot({ path: path.join(artifactsDir, 'config-error-1920x1080.png') });
      await page.setViewportSize({ width: 400, height: 300 });
      await page.screenshot({ path: path.join(artifactsDir, 'config-error-400x300.png') });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 400, `the error page is ${width} px wide at 400 px`);
    } finally {
      await page.close();
    }
  });
});
