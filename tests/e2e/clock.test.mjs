// A wall screen's browser clock that is minutes off (issue 12, rows 1 and 2), against
// the simulated reference cluster, a real Prometheus and nginx with the shipped config.
// Before the fix the checks asked Prometheus about the browser's "now": ten minutes
// behind showed the past as current (green while the cluster was failing), ten minutes
// ahead showed every service unknown with nothing saying why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, referenceConfig, startStack, untilSeen,
} from './harness.mjs';

let sim;
let prom;
let parts;
let nginx;
let browser;

before(async () => {
  parts = await startStack({ files: { 'panopticon.yaml': referenceConfig({ refresh: 2, staleAfter: 60 }) } });
  ({ sim, prom, nginx, browser } = parts);
  await sim.scenario('gluster-not-writeable');
});

after(async () => {
  await parts?.stop();
});

function read(page) {
  return page.evaluate(() => ({
    cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
    summary: document.querySelector('[data-testid="cluster-summary"]')?.textContent,
    skew: document.querySelector('[data-testid="clock-skew"]')?.textContent ?? null,
    gluster: document.querySelector('[data-service="glusterfs"]')?.dataset.ownStatus,
  }));
}

describe('a browser clock ten minutes off', () => {
  for (const [offsetMin, way] of [[-10, 'behind'], [10, 'ahead of']]) {
    test(`${Math.abs(offsetMin)} min ${way.split(' ')[0]}: the current verdict, and the skew said`, async () => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      const log = recordConsole(page);
      // The page's Date runs ten minutes off; timers keep real time.
      await page.clock.setSystemTime(Date.now() + offsetMin * 60_000);
      await page.goto(`${nginx.url}/`);
      const off = (await page.evaluate(() => Date.now())) - Date.now();
      assert.ok(Math.abs(off - offsetMin * 60_000) < 5_000, `page clock off by ${off} ms`);
      const last = await untilSeen('the failing volume, judged now', () => read(page),
        (d) => d.cluster === 'critical' && d.gluster === 'critical' && d.skew, { log, timeoutMs: 30_000 });
      assert.match(last.summary, /not writeable/);
      assert.match(last.skew, new RegExp(`clock is 10 min ${way} the server's`));
      await page.close();
    });
  }
});
