// Alerts as a second source, end to end: the simulated reference cluster, a real Prometheus
// evaluating the shipped rule file (examples/alerts/reference-cluster.rules.yml) and sending
// to a real Alertmanager (Debian's, 0.25), nginx with the shipped configuration proxying
// both, and Chromium. What is asserted is read through the DOM contract only (README).
//
// - a scenario fires an alert -> the mapped service turns the alert's severity, the alert
//   named in the banner and listed in the service's detail;
// - a silence made for it (directly in Alertmanager: the proxy refuses it, see
//   proxy.test.mjs) -> the service is in maintenance, its status no longer raised, the
//   silence's author, comment and end shown;
// - Alertmanager stopped -> an alert source error of its own, the checks and the alert that
//   Prometheus still reports intact, never greener; back when Alertmanager is;
// - hostile annotations (HTML, a `javascript:` runbook, a 100 KB description) are text.
//
// Every test starts from a reset simulator, no silence and a green screen, so any one runs
// alone (`node --test --test-name-pattern=...`).
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createSilence, expireSilence, recordConsole, referenceConfig, repoRoot, startStack, untilSeen, waitFor,
} from './harness.mjs';

const RULES = path.join(repoRoot, 'examples/alerts/reference-cluster.rules.yml');
const RULE_TESTS = path.join(repoRoot, 'examples/alerts/reference-cluster.rules.test.yml');
const REFERENCE = path.join(repoRoot, 'examples/config/reference-cluster.yaml');

/** The `services:` section of the reference configuration (up to the next top-level key). */
function referenceServices() {
  const text = fs.readFileSync(REFERENCE, 'utf8');
  const from = text.search(/^services:\n/m) + 'services:\n'.length;
  const to = text.slice(from).search(/^\S/m);
  return to < 0 ? text.slice(from) : text.slice(from, from + to);
}

/** The service ids of the reference configuration, in file order. */
function referenceServiceIds() {
  return [...referenceServices().matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]);
}

/**
 * A rule file as a careless or hostile team could ship: HTML in a label and the
 * annotations, a `javascript:` runbook, a description of more than 100 KB; an alert for a
 * service the configuration does not have; and one that stays pending for an hour. They
 * are true only while node-4 reports exactly 4242 Weave IPs (an override the hostile test
 * sets).
 */
function writeHostileRules(dir) {
  const file = path.join(dir, 'hostile.rules.yml');
  const description = `<script>window.__pwned = "description"</script>${'A long description. '.repeat(5_200)}`;
  const rules = {
    groups: [{
      name: 'hostile',
      rules: [{
        alert: 'HostileAnnotations',
        expr: 'weave_ips{instance="node-4"} == 4242',
        for: '0s',
        labels: { service: 'app', severity: 'critical', team: '<img src=x onerror="window.__pwned = 1">' },
        annotations: {
          summary: '<img src=x onerror="window.__pwned = 2"><b>bold</b> & "quoted"',
          description,
          runbook_url: 'javascript:window.__pwned = 3',
        },
      }, {
        // Fires at the same time, for a service the configuration does not have.
        alert: 'NobodysAlert',
        expr: 'weave_ips{instance="node-4"} == 4242',
        for: '0s',
        labels: { service: 'not-in-the-configuration', severity: 'critical' },
        annotations: { summary: 'no service maps this alert' },
      }, {
        // True at the same time, but pending for an hour: listed, no status.
        alert: 'SlowToFire',
        expr: 'weave_ips{instance="node-4"} == 4242',
        for: '1h',
        labels: { service: 'host', severity: 'critical' },
        annotations: { summary: 'pending for an hour before it fires' },
      }],
    }],
  };
  fs.writeFileSync(file, JSON.stringify(rules, null, 1));
  return file;
}

describe('the reference rule file', () => {
  test('passes promtool check rules and its promtool unit tests', () => {
    const check = execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    assert.match(check, /SUCCESS: \d+ rules found/);
    const unit = execFileSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
    assert.match(unit, /SUCCESS/);
  });

  test('the reference configuration maps every service\'s alerts by its id and declares an Alertmanager', () => {
    assert.match(fs.readFileSync(REFERENCE, 'utf8'), /^alertmanager:/m);
    const blocks = referenceServices().split(/^ {2}- id: /m).slice(1);
    assert.deepEqual(blocks.map((b) => b.split('\n')[0].trim()), referenceServiceIds());
    assert.ok(blocks.length >= 6, `${blocks.length} services`);
    for (const block of blocks) {
      const id = block.split('\n')[0].trim();
      assert.ok(block.includes(`alerts: ['{service="${id}"}']`), `service ${id} has no alerts: ['{service="${id}"}']`);
    }
  });
});

let shared;
let rulesDir;
function sharedStack() {
  rulesDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-alert-rules-'));
  shared ??= startStack({
    files: { 'panopticon.yaml': referenceConfig() },
    ruleFiles: [RULES, writeHostileRules(rulesDir)],
  });
  return shared;
}

after(async () => {
  const stack = await shared?.catch(() => undefined);
  await stack?.stop();
  if (rulesDir) fs.rmSync(rulesDir, { recursive: true, force: true });
});

/** Sets one series of the simulator (its control API's override), as `panopticon-sim set` does. */
async function override(sim, body) {
  const res = await fetch(`${sim.control}/override`, {
    method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`override ${JSON.stringify(body)}: ${res.status} ${await res.text()}`);
}

/** Expires every silence still in force, directly in Alertmanager. */
async function expireAllSilences(am) {
  const res = await fetch(`${am.url}/api/v2/silences`, { signal: AbortSignal.timeout(5_000) });
  for (const s of await res.json()) {
    if (s.status.state !== 'expired') await expireSilence(am, s.id);
  }
}

/** What the page shows, through the DOM contract only. */
function readDashboard(page) {
  return page.evaluate(() => {
    const text = (sel) => document.querySelector(sel)?.textContent ?? null;
    const services = {};
    for (const el of document.querySelectorAll('[data-service]')) {
      services[el.dataset.service] = {
        status: el.dataset.status,
        own: el.dataset.ownStatus,
        maintenance: el.dataset.maintenance ?? null,
        alerts: el.dataset.alerts ?? null,
      };
    }
    return {
      cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
      summary: text('[data-testid="cluster-summary"]'),
      maintenanceCount: text('[data-testid="maintenance-count"]'),
      unmatched: text('[data-testid="unmatched-alerts"]'),
      sourceError: text('[data-testid="source-error"]'),
      alertSourceErrors: [...document.querySelectorAll('[data-testid="alert-source-error"]')]
        .map((e) => ({ source: e.dataset.source, text: e.textContent })),
      alerts: [...document.querySelectorAll('[data-testid="alert-list"] [data-testid="alert"]')].map((a) => ({
        name: a.dataset.alertName,
        state: a.dataset.alertState,
        severity: a.dataset.severity,
        text: a.textContent,
        silence: a.querySelector('[data-testid="alert-silence"]')?.textContent ?? null,
        links: [...a.querySelectorAll('a')].map((l) => l.getAttribute('href')),
      })),
      services,
    };
  });
}

/** A fresh page of the dashboard at `path`, with its console recorded. */
async function openDashboard(stack, urlPath = '/') {
  const page = await stack.browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const log = recordConsole(page);
  await page.goto(`${stack.nginx.url}${urlPath}`);
  return {
    page,
    log,
    /** Waits until what the page shows satisfies `predicate`; returns it. */
    until(what, predicate, timeoutMs = 30_000) {
      return untilSeen(what, () => readDashboard(page), predicate, {
        log,
        timeoutMs,
        consoleLines: 20,
        show: (last) => JSON.stringify({ ...last, alerts: last?.alerts?.map((a) => ({ ...a, text: a.text.slice(0, 300) })) }, null, 1),
      });
    },
  };
}

const calm = (d) => d.cluster === 'healthy'
  && Object.keys(d.services).length > 0
  && Object.values(d.services).every((s) => s.status === 'healthy' && s.own === 'healthy' && s.alerts === null && s.maintenance === null)
  && d.alertSourceErrors.length === 0;

const alertNamed = (d, name) => d.alerts.find((a) => a.name === name);

describe('alerts on the dashboard', () => {
  let stack;
  let dash;
  beforeEach(async () => {
    stack = await sharedStack();
    await stack.sim.reset();
    await expireAllSilences(stack.am);
  });
  afterEach(async () => {
    await dash?.page.close();
    dash = undefined;
  });

  test('every rule of the shipped file maps to a reference service with a severity, a summary, a description and an https runbook', async () => {
    const rules = await waitFor('every rule evaluated once', async () => {
      const res = await fetch(`${stack.prom.url}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(5_000) });
      const loaded = (await res.json()).data.groups.filter((g) => g.file === RULES).flatMap((g) => g.rules);
      return loaded.length > 0 && loaded.every((r) => r.health !== 'unknown') && loaded;
    });
    assert.ok(rules.length >= 10, `${rules.length} rules loaded`);
    const ids = referenceServiceIds();
    for (const r of rules) {
      assert.equal(r.health, 'ok', `${r.name}: ${r.lastError}`);
      assert.ok(ids.includes(r.labels.service), `${r.name}: service ${r.labels.service} is not one of ${ids}`);
      assert.ok(['critical', 'warning'].includes(r.labels.severity), `${r.name}: severity ${r.labels.severity}`);
      assert.ok(r.annotations.summary && r.annotations.description, `${r.name}: summary and description`);
      assert.match(r.annotations.runbook_url, /^https:\/\//, r.name);
    }
  });

  test('a firing alert turns its service its severity, named; a silence for it puts the service in maintenance', async () => {
    dash = await openDashboard(stack, '/?service=weave');
    await dash.until('all healthy, nothing firing', calm);

    // Weave's IP range nearly full on node-2: no check of the configuration watches it,
    // so whatever turns Weave Net amber is the alert.
    await override(stack.sim, { metric: 'weave_ips', node: 'node-2', value: 1_000_000 });
    const firing = await dash.until('Weave Net warning through its firing alert', (d) => d.services.weave?.own === 'warning'
      && d.services.weave.alerts === '1' && alertNamed(d, 'WeaveIpRangeNearlyFull')?.state === 'firing');
    const alert = alertNamed(firing, 'WeaveIpRangeNearlyFull');
    assert.equal(alert.severity, 'warning');
    assert.match(alert.text, /Weave's IP range is nearly full on node-2/, 'the summary annotation');
    assert.deepEqual(alert.links, ['https://runbooks.example.org/panopticon/weave#WeaveIpRangeNearlyFull']);
    assert.equal(alert.silence, null);
    assert.match(firing.summary, /WeaveIpRangeNearlyFull/, 'the banner names the alert');
    assert.equal(firing.cluster, 'warning');
    assert.equal(firing.services.app.status, 'warning', 'propagates along the hard dependency');
    for (const id of ['host', 'consul', 'glusterfs', 'swarm']) assert.equal(firing.services[id].status, 'healthy', id);
    assert.equal(firing.maintenanceCount, null);
    assert.equal(firing.unmatched, null);

    const until = Date.now() + 30 * 60_000;
    await createSilence(stack.am, { service: 'weave' }, {
      createdBy: 'alice@example.org', comment: 'IP range cleanup, ticket OPS-42', minutes: 30,
    });
    const muted = await dash.until('Weave Net in maintenance, its alert silenced', (d) => d.services.weave?.maintenance === 'true'
      && alertNamed(d, 'WeaveIpRangeNearlyFull')?.state === 'silenced');
    assert.equal(muted.services.weave.own, 'healthy', 'a silenced alert raises no status');
    assert.equal(muted.services.weave.alerts, null, 'no unmuted alert fires');
    assert.equal(muted.cluster, 'healthy');
    assert.equal(muted.services.app.status, 'healthy');
    assert.match(muted.maintenanceCount ?? '', /\b1 in maintenance/);
    const silence = alertNamed(muted, 'WeaveIpRangeNearlyFull').silence ?? '';
    assert.match(silence, /alice@example\.org/);
    assert.match(silence, /IP range cleanup, ticket OPS-42/);
    // Until when, in some form: the end's hour and minute in the page's (UTC) time zone or "in 29/30 min".
    const end = new Date(until);
    const hhmm = `${String(end.getUTCHours()).padStart(2, '0')}:${String(end.getUTCMinutes()).padStart(2, '0')}`;
    const before = new Date(until - 60_000);
    const hhmmBefore = `${String(before.getUTCHours()).padStart(2, '0')}:${String(before.getUTCMinutes()).padStart(2, '0')}`;
    assert.ok(silence.includes(hhmm) || silence.includes(hhmmBefore) || /\b(29|30) ?min/.test(silence),
      `the silence's end in ${JSON.stringify(silence)}`);
  });

  test('Alertmanager stopped: its own source error, the checks and Prometheus\'s firing alert intact', async () => {
    dash = await openDashboard(stack, '/?service=weave');
    await dash.until('all healthy, nothing firing', calm);
    await override(stack.sim, { metric: 'weave_ips', node: 'node-2', value: 1_000_000 });
    await dash.until('Weave Net warning through its firing alert', (d) => d.services.weave?.own === 'warning'
      && alertNamed(d, 'WeaveIpRangeNearlyFull')?.state === 'firing');

    await stack.am.proc.stop();
    try {
      const down = await dash.until('an Alertmanager source error', (d) => d.alertSourceErrors.some((e) => e.source === 'alertmanager'));
      assert.match(down.alertSourceErrors.find((e) => e.source === 'alertmanager').text, /Alertmanager/);
      assert.equal(down.sourceError, null, 'Prometheus\'s queries did not fail');
      assert.equal(down.services.weave.own, 'warning', 'the alert Prometheus reports still counts: never greener');
      assert.equal(alertNamed(down, 'WeaveIpRangeNearlyFull')?.state, 'firing');
      for (const id of ['host', 'consul', 'glusterfs', 'swarm']) assert.equal(down.services[id].status, 'healthy', id);
      assert.equal(down.cluster, 'warning', 'not unknown: the checks answer');
    } finally {
      await stack.am.restart();
    }
    await dash.until('the Alertmanager source error gone once it is back', (d) => d.alertSourceErrors.length === 0
      && d.services.weave?.own === 'warning');
  });

  test('hostile annotations are shown as text, bounded, and a javascript: runbook is no link; an alert no service maps is listed; a pending one raises nothing', async () => {
    dash = await openDashboard(stack, '/?service=app');
    await dash.until('all healthy, nothing firing', calm);
    await override(stack.sim, { metric: 'weave_ips', node: 'node-4', value: 4242 });
    const d = await dash.until('the hostile alert listed in the app\'s detail', (s) => alertNamed(s, 'HostileAnnotations')?.state === 'firing');
    const alert = alertNamed(d, 'HostileAnnotations');
    assert.match(alert.text, /<img src=x onerror="window.__pwned = 2"><b>bold<\/b> & "quoted"/, 'the summary, literally');
    assert.deepEqual(alert.links, [], 'no link for a javascript: runbook');
    assert.ok(alert.text.length < 20_000, `the 100 KB description is bounded (${alert.text.length} chars shown)`);
    assert.equal(d.services.app.own, 'critical');
    const inert = await dash.page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      elements: document.querySelectorAll('[data-testid="alert-list"] img, [data-testid="alert-list"] script, [data-testid="alert-list"] b').length,
      javascriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    }));
    assert.deepEqual(inert, { pwned: null, elements: 0, javascriptLinks: 0 });

    // The other alert maps to no service: listed on the overview, no service raised by it.
    // The diagram's boxes are built in a task after the first status (the line and the
    // detail can be on screen before them): wait for a box too.
    await dash.page.goto(`${stack.nginx.url}/`);
    const overview = await dash.until('the unmatched alert listed', (s) => /NobodysAlert/.test(s.unmatched ?? '') && s.services.swarm);
    assert.match(overview.unmatched, /\b1 firing alert/);
    for (const id of ['host', 'consul', 'glusterfs', 'weave', 'swarm']) assert.equal(overview.services[id].status, 'healthy', id);

    // Host's alert is pending (its `for:` is an hour): listed as pending, Host still healthy.
    await dash.page.goto(`${stack.nginx.url}/?service=host`);
    const host = await dash.until('the pending alert in Host\'s detail', (s) => alertNamed(s, 'SlowToFire')?.state === 'pending' && s.services.host);
    assert.equal(alertNamed(host, 'SlowToFire').severity, 'critical');
    assert.equal(host.services.host.own, 'healthy', 'a pending alert raises no status');
    assert.equal(host.services.host.alerts, null);
  });
});
