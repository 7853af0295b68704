// The checks' instant queries asked as one combined query (issue 17), against the
// simulated reference cluster, a real Prometheus and nginx with the shipped config.
// One check Prometheus refuses (an unknown function: the configuration's own PromQL
// check only looks at brackets and quotes) makes Prometheus refuse the combined query: the app
// asks the checks one by one, that check alone is unknown, and every other service is
// still rated from real data; later refreshes no longer try to combine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, referenceConfig, startStack, waitFor,
} from './harness.mjs';

let parts;

/** The reference configuration with the GlusterFS heal check's query refused by Prometheus. */
function withBrokenCheck() {
  const text = referenceConfig({ refresh: 2, staleAfter: 60 });
  const good = 'query: gluster_heal_info_files_count';
  assert.ok(text.includes(good), 'the reference configuration has the heal check');
  return text.replace(good, "query: 'no_such_function(gluster_heal_info_files_count)'");
}

before(async () => {
  parts = await startStack({
    files: { 'panopticon.yaml': referenceConfig({ refresh: 2, staleAfter: 60 }), 'broken.yaml': withBrokenCheck() },
  });
});

after(async () => {
  await parts?.stop();
});

/** Records the instant-query requests: whether each was the combined query. */
function recordInstantQueries(page) {
  const seen = [];
  page.on('request', (req) => {
    if (!/\/api\/v1\/query(\?|$)/.test(req.url())) return;
    const form = new URLSearchParams(req.postData() ?? new URL(req.url()).search);
    const expr = form.get('query') ?? '';
    seen.push({ combined: expr.includes('__panopticon_part'), expr });
  });
  return seen;
}

function statuses(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('[data-service]')].map((n) => [n.dataset.service, n.dataset.ownStatus]),
  ));
}

describe('the combined query of the checks', () => {
  test('a healthy cluster is green from one combined query per refresh', async () => {
    const page = await parts.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const seen = recordInstantQueries(page);
    try {
      await page.goto(`${parts.nginx.url}/`);
      await waitFor('a green banner', async () => (await page.evaluate(
        () => document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
      )) === 'healthy', { timeoutMs: 30_000, intervalMs: 250 });
      const checks = seen.filter((s) => !s.expr.includes('prometheus_build_info'));
      assert.ok(checks.length >= 1 && checks.every((s) => s.combined), JSON.stringify(checks.map((s) => s.expr.slice(0, 60))));
    } finally {
      await page.close();
    }
  });

  test('one check Prometheus refuses is unknown alone; the others are still rated', async () => {
    const page = await parts.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const log = recordConsole(page);
    const seen = recordInstantQueries(page);
    try {
      await page.goto(`${parts.nginx.url}/?config=broken.yaml`);
      let last;
      try {
        last = await waitFor('the others rated, GlusterFS not green', async () => {
          const s = await statuses(page);
          last = s;
          return s.consul === 'healthy' && s.weave === 'healthy' && s.glusterfs && s.glusterfs !== 'healthy' ? s : null;
        }, { timeoutMs: 30_000, intervalMs: 250 });
      } catch (e) {
        const text = await page.evaluate(() => document.body.textContent.slice(0, 600));
        throw new Error(`${e.message}\nlast seen: ${JSON.stringify(last)}\npage: ${text}\nconsole:\n${log.slice(-10).join('\n')}`);
      }
      assert.notEqual(last.glusterfs, 'healthy');
      // One combined query, refused; from then on every check on its own.
      const checks = seen.filter((s) => !s.expr.includes('prometheus_build_info'));
      assert.equal(checks[0]?.combined, true, 'the first refresh tried the combined query');
      assert.equal(checks.filter((s) => s.combined).length, 1, 'never tried again');
      assert.ok(checks.some((s) => s.expr === 'no_such_function(gluster_heal_info_files_count)'), 'the broken check asked alone');
      const detail = await page.evaluate(() => document.body.textContent);
      assert.match(detail, /Prometheus rejected the query/);
    } finally {
      await page.close();
    }
  });
});
