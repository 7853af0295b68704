// Diagnostic (not a figure): the time to first status of two bundles side by side, in one
// run, loads taking turns, so that the machine's load drifts over both alike. Each bundle
// is served by its own nginx (and its own +50 ms front and TLS + HTTP/2 listener) in front
// of the same Prometheus and Alertmanager; every load is a fresh context with the cache
// disabled, as in the first-status figures.
// Usage: node bench/ab-first-status.mjs OLD_DIST NEW_DIST [ROUNDS] (MODES=plain,slow,h2)
import fs from 'node:fs';
import path from 'node:path';

import { referenceConfig, startNginx } from '../tests/e2e/harness.mjs';
import { startStack } from './lib/stack.mjs';
import { launch, newPage, waitForFirstStatus } from './lib/page.mjs';
import { MANUAL_REFRESH_SECS, withoutAlerts } from './lib/configs.mjs';
import { startSlowProxy } from './lib/slow-proxy.mjs';
import { summarize } from './lib/stats.mjs';
import { PHASES, readPhases, readRemembered, restoreRemembered } from './figures/first-status.mjs';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => d && path.resolve(d));
const rounds = Number(process.argv[4] ?? 8);
const modes = (process.env.MODES ?? 'plain,slow,h2').split(',');
const FRONT_DELAY_MS = 50;
if (!oldDist || !newDist) throw new Error('usage: node bench/ab-first-status.mjs OLD_DIST NEW_DIST [ROUNDS]');

const referenceYaml = referenceConfig({ refresh: MANUAL_REFRESH_SECS, staleAfter: 600, timeout: 10 });
const files = { 'panopticon.yaml': referenceYaml, 'no-alerts.yaml': withoutAlerts(referenceYaml) };

/** A site root of `dist` plus the benchmark's configurations, served by its own nginx. */
async function serve(stack, dist, name) {
  const dir = fs.mkdtempSync(`/tmp/panopticon-ab-${name}-`);
  fs.chmodSync(dir, 0o755);
  fs.cpSync(dist, dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text, { mode: 0o644 });
  const nginx = await startNginx({
    prometheus: `127.0.0.1:${stack.prom.port}`, alertmanager: stack.am?.address, root: dir, tls: true,
    env: { PANOPTICON_RATE_LIMIT: 'off' },
  });
  const front = await startSlowProxy(`127.0.0.1:${nginx.port}`);
  front.setDelay(() => FRONT_DELAY_MS);
  return {
    name, nginx, front, dir,
    urls: { plain: `${nginx.url}/`, slow: `${front.url}/`, h2: `${nginx.tlsUrl}/`, 'no-alerts': `${nginx.url}/?config=no-alerts.yaml` },
    async stop() {
      await front.stop();
      await nginx.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function load(browser, url, remembered) {
  const p = await newPage(browser, { manualRefreshSecs: MANUAL_REFRESH_SECS });
  try {
    if (remembered?.length) await p.page.addInitScript(restoreRemembered, remembered);
    await p.cdp.send('Network.enable');
    await p.cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await p.page.goto(url, { waitUntil: 'commit', timeout: 30_000 });
    const first = await waitForFirstStatus(p, 30_000);
    const phases = await p.page.evaluate(readPhases);
    return { status: first.status, banner: first.at, phases, remembered: await p.page.evaluate(readRemembered) };
  } finally {
    await p.close();
  }
}

const stack = await startStack({ nodes: 4, files });
const variants = [];
let browser;
try {
  variants.push(await serve(stack, oldDist, 'old'), await serve(stack, newDist, 'new'));
  const keys = variants.map((v) => v.nginx.cert.spki);
  browser = await launch([`--ignore-certificate-errors-spki-list=${keys.join(',')}`]);
  const results = {};
  const memory = {};
  for (let r = 0; r <= rounds; r += 1) {
    const order = r % 2 === 0 ? variants : [...variants].reverse();
    for (const mode of modes) {
      for (const v of order) {
        for (const returning of [true, false]) {
          const key = `${mode}${returning ? '' : ' first visit'}`;
          const memKey = `${v.name} ${mode}`;
          const out = await load(browser, v.urls[mode], returning ? memory[memKey] : undefined);
          if (returning) memory[memKey] = out.remembered;
          if (out.status !== 'healthy') console.log(`  ${v.name} ${key}: banner ${out.status}`);
          if (r === 0) continue; // warm-up
          ((results[key] ??= {})[v.name] ??= []).push(out);
        }
      }
    }
    console.log(`round ${r} done`);
  }
  const med = (xs) => summarize(xs.filter((x) => x !== null && x !== undefined))?.median;
  const f = (x) => (x === undefined ? '    -' : x.toFixed(0).padStart(5));
  for (const [key, byVariant] of Object.entries(results)) {
    console.log(`\n== ${key} (${rounds} loads each, medians, ms since navigation start)`);
    console.log(`${'phase'.padEnd(55)}   old   new`);
    for (const [k, label] of PHASES) {
      console.log(`${label.padEnd(55)} ${f(med(byVariant.old.map((o) => o.phases[k])))} ${f(med(byVariant.new.map((o) => o.phases[k])))}`);
    }
    const b = (n) => byVariant[n].map((o) => o.banner);
    const s = (n) => summarize(b(n));
    console.log(`banner: old ${s('old').median.toFixed(0)} (${s('old').min.toFixed(0)}–${s('old').max.toFixed(0)}), new ${s('new').median.toFixed(0)} (${s('new').min.toFixed(0)}–${s('new').max.toFixed(0)})`);
  }
} finally {
  await browser?.close();
  for (const v of variants) await v.stop();
  await stack.stop();
}
