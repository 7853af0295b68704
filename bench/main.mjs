// The benchmark run: starts the system under test, measures every figure, prints the
// table and writes the results file. See bench/README.md; `scripts/bench.sh` builds
// what it needs and runs this through bench/run.mjs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { distDir, referenceConfig, repoRoot, requireDist } from '../tests/e2e/harness.mjs';
import {
  MANUAL_REFRESH_SECS, diagramConfig, expressionsOf, graphsViewYaml, oneQueryConfig, withInstances, withViews,
  withoutAlerts,
} from './lib/configs.mjs';
import { launch } from './lib/page.mjs';
import { MISSES, consoleTable, failedRow, markdown } from './lib/report.mjs';
import { summarize } from './lib/stats.mjs';
import { startStack } from './lib/stack.mjs';
import { bundle } from './figures/bundle.mjs';
import { diagramAtScale } from './figures/diagram.mjs';
import { SHAPE as DIAGRAM_1000, diagram1000 } from './figures/diagram-1000.mjs';
import { diagramSize } from './figures/diagram-size.mjs';
import { firstStatus } from './figures/first-status.mjs';
import { graphsAtScale } from './figures/graphs.mjs';
import { fanOutViewYaml, http2Refresh, requireProtocol, withMaxInFlight } from './figures/http2.mjs';
import { idle } from './figures/idle.mjs';
import { latency } from './figures/latency.mjs';
import { requestsPerRefresh } from './figures/requests.mjs';
import { evaluationAtScale } from './figures/scale.mjs';
import { soak } from './figures/soak.mjs';
import { FLEET, fleet, fleetYaml, startFleetStack } from './figures/fleet.mjs';

const FIGURES = [
  'bundle', 'first-status', 'first-status-no-alerts', 'first-status-slow', 'first-status-h2', 'first-status-slow-h2', 'requests', 'latency',
  'http2', 'diagram', 'diagram-size', 'diagram-1000', 'graphs', 'idle', 'soak', 'scale', 'fleet',
];
/** The slow front of first-status-slow: every request of the page held back this long. */
const FRONT_DELAY_MS = 50;
/** The HTTP/2 figure's fan-out: this many range queries, all allowed in flight at once. */
const FAN_OUT = 20;
const SCALE_NODES = 1000;
const DIAGRAM = { services: 200, edges: 400 };
/** Issue 19's stacks: 60 services in 6 layers and the 200-service one, each also with three failures. */
const SIZED = { services: 60, edges: 110, layers: 6 };

function parseArgs(argv) {
  const opts = { quick: false, only: FIGURES, out: path.join(repoRoot, 'docs/benchmarks.md'), write: true };
  for (const a of argv) {
    if (a === '--quick') opts.quick = true;
    else if (a === '--no-write') opts.write = false;
    else if (a.startsWith('--only=')) opts.only = a.slice(7).split(',');
    else if (a.startsWith('--out=')) opts.out = path.resolve(a.slice(6));
    else if (a === '--help' || a === '-h') {
      console.log(`usage: node bench/run.mjs [--quick] [--only=${FIGURES.join(',')}] [--out=FILE] [--no-write]
  --quick     few runs per figure (a smoke test of the harness; results are not representative)
  --only      run only these figures
  --out       results file (default docs/benchmarks.md; with --quick or --only only when given);
              --no-write prints only
  env BENCH_SOAK_REFRESHES (default 10000), BENCH_SOAK_MAX_SECONDS (default 1800)`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  for (const f of opts.only) if (!FIGURES.includes(f)) throw new Error(`unknown figure ${f}: ${FIGURES.join(', ')}`);
  // A partial or quick run must not replace the full results file by accident.
  const partial = opts.quick || argv.some((a) => a.startsWith('--only='));
  if (partial && !argv.some((a) => a.startsWith('--out='))) opts.write = false;
  return opts;
}

function cmd(bin, args) {
  try {
    return execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0];
  } catch (e) {
    return (e.stderr?.toString() ?? '').trim().split('\n')[0] || 'unknown';
  }
}

function machineInfo(browserVersion) {
  const cpus = os.cpus();
  const osRelease = fs.existsSync('/etc/os-release')
    ? (fs.readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? 'unknown') : os.type();
  const head = cmd('git', ['-C', repoRoot, 'rev-parse', 'HEAD']);
  const dirty = cmd('git', ['-C', repoRoot, 'status', '--porcelain', '--untracked-files=no']) ? 'with uncommitted changes in the working tree' : 'clean';
  let nginx = 'unknown';
  try {
    // nginx -v writes its version to stderr.
    nginx = execFileSync('/bin/sh', ['-c', '/usr/sbin/nginx -v 2>&1'], { encoding: 'utf8' }).trim();
  } catch { /* keep unknown */ }
  return {
    CPU: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${osRelease}, Linux ${os.release()}`,
    'load average at start (1/5/15 min)': os.loadavg().map((x) => x.toFixed(2)).join(' / '),
    commit: `${head} (${dirty})`,
    bundle: path.relative(repoRoot, distDir) || distDir,
    Chromium: browserVersion,
    Prometheus: cmd('/usr/bin/prometheus', ['--version']),
    nginx,
    'Node.js': process.version,
    rustc: cmd('rustc', ['-V']),
    conditions: 'Chromium, nginx, Prometheus (scraping every second) and the simulator share these cores with'
      + ' the page; anything else running at the same time shows in the load average per figure at the end',
  };
}

export async function main(argv) {
  const opts = parseArgs(argv);
  const quick = opts.quick;
  const started = new Date();
  const t0 = Date.now();
  const say = (m) => console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);
  const want = (f) => opts.only.includes(f);
  requireDist();

  const referenceYaml = referenceConfig({ refresh: MANUAL_REFRESH_SECS, staleAfter: 600, timeout: 10 });
  const expressions = expressionsOf(referenceYaml);
  if (expressions.instant.length < 5) throw new Error('could not read the reference configuration\'s expressions');
  const diagram = diagramConfig(DIAGRAM);
  const files = {
    'panopticon.yaml': referenceYaml,
    'one.yaml': oneQueryConfig(),
    'diagram.yaml': diagram.text,
    'diagram-60.yaml': diagramConfig(SIZED).text,
    'diagram-60-failing.yaml': diagramConfig({ ...SIZED, failing: 3 }).text,
    'diagram-200-failing.yaml': diagramConfig({ ...DIAGRAM, failing: 3 }).text,
    'diagram-1000.yaml': diagramConfig(DIAGRAM_1000).text,
    'diagram-1000-failing.yaml': diagramConfig({ ...DIAGRAM_1000, failing: 3 }).text,
    'graphs.yaml': withViews(referenceYaml, graphsViewYaml()),
    // The first status's peer: the same cluster and checks, no alert sources.
    'no-alerts.yaml': withoutAlerts(referenceYaml),
    // The HTTP/2 figure's fan-out: 20 range queries of the graphs, all in flight at once.
    'fan-out.yaml': withViews(withMaxInFlight(referenceYaml, FAN_OUT), fanOutViewYaml(FAN_OUT)),
  };

  const rows = [];
  const sections = [];
  const conditions = [];
  const record = async (figure, label, fn) => {
    if (!want(figure)) return;
    say(`${figure} …`);
    const load0 = os.loadavg()[0];
    const f0 = Date.now();
    try {
      const r = await fn();
      rows.push(...r.rows);
      sections.push(r.section);
    } catch (e) {
      say(`${figure} failed: ${e.stack ?? e.message}`);
      rows.push(failedRow({ figure, label, error: e.message.split('\n')[0] }));
      sections.push({ title: label, notes: [`failed: ${e.message}`] });
    }
    conditions.push([figure, `${((Date.now() - f0) / 1000).toFixed(0)} s`, load0.toFixed(2), os.loadavg()[0].toFixed(2)]);
  };

  let browserVersion = 'unknown';
  await record('bundle', 'bundle size', () => bundle({ distDir }));

  const needA = [
    'first-status', 'first-status-no-alerts', 'first-status-slow', 'first-status-h2', 'first-status-slow-h2', 'requests', 'latency', 'http2',
    'diagram', 'diagram-size', 'diagram-1000', 'graphs', 'idle', 'soak',
  ].some(want);
  if (needA) {
    const tls = ['first-status-h2', 'first-status-slow-h2', 'http2'].some(want);
    const frontDelayMs = ['first-status-slow', 'first-status-slow-h2'].some(want) ? FRONT_DELAY_MS : 0;
    say(`starting the simulated 4-node cluster, Prometheus, nginx${tls ? ' (also TLS + HTTP/2)' : ''}, the slow proxy`
      + `${frontDelayMs ? ` (and one in front of nginx, +${frontDelayMs} ms per request)` : ''}`);
    const stack = await startStack({ nodes: 4, files, slowProxy: true, tls, frontDelayMs });
    const browser = await launch(stack.browserArgs);
    browserVersion = browser.version();
    try {
      const url = `${stack.nginx.url}/`;
      await record('first-status', 'time to first status', () => firstStatus({ browser, url, loads: quick ? 3 : 12 }));
      // Beside it, in the same run: the same configuration without its alert sources.
      // The alert requests leave with the checks' query; this shows whether they hold it back.
      await record('first-status-no-alerts', 'time to first status without the alert sources', () => firstStatus({
        browser, url: `${stack.nginx.url}/?config=no-alerts.yaml`, loads: quick ? 3 : 12, over: 'the same configuration without its alert sources (peer)',
      }));
      await record('first-status-slow', `time to first status, every request +${FRONT_DELAY_MS} ms`, () => firstStatus({
        browser, url: `${stack.front.url}/`, loads: quick ? 3 : 12, goalMs: 400, over: `every request +${FRONT_DELAY_MS} ms`,
      }));
      await record('first-status-h2', 'time to first status over HTTP/2', async () => {
        await requireProtocol(browser, `${stack.nginx.tlsUrl}/`, 'h2');
        return firstStatus({
          browser, url: `${stack.nginx.tlsUrl}/`, loads: quick ? 3 : 12, goalMs: 250, over: 'HTTP/2 over TLS, loopback',
        });
      });
      // The slow network's goal, reached over HTTP/2: the same +50 ms, from a TLS front.
      await record('first-status-slow-h2', `time to first status, every request +${FRONT_DELAY_MS} ms, HTTP/2`, async () => {
        await requireProtocol(browser, `${stack.frontTls.url}/`, 'h2');
        return firstStatus({
          browser, url: `${stack.frontTls.url}/`, loads: quick ? 3 : 12, goalMs: 400, over: `every request +${FRONT_DELAY_MS} ms, HTTP/2 over TLS`,
        });
      });
      await record('requests', 'requests per refresh', () => requestsPerRefresh({ browser, url, expressions, refreshes: quick ? 2 : 5 }));
      await record('latency', 'refresh latency', () => latency({ browser, stack, expressions, refreshes: quick ? 3 : 10 }));
      await record('http2', 'refreshes over HTTP/2', () => http2Refresh({
        browser,
        stack,
        configs: [
          { key: 'reference', path: '/', label: 'reference (max_in_flight 6)', measures: ['refresh', 'allAnswered'] },
          {
            key: 'fan-out', path: '/?config=fan-out.yaml', label: `${FAN_OUT} range queries (graphs), max_in_flight ${FAN_OUT}`,
            measures: ['allAnswered'],
          },
        ],
        refreshes: quick ? 3 : 10,
      }));
      await record('diagram', 'diagram at scale', () => diagramAtScale({
        browser, url: `${stack.nginx.url}/?config=diagram.yaml`, ...DIAGRAM, loads: quick ? 2 : 5, refreshes: quick ? 2 : 5,
      }));
      await record('diagram-size', 'diagram at real size', () => diagramSize({
        browser,
        urls: {
          s60: `${stack.nginx.url}/?config=diagram-60.yaml`,
          s60failing: `${stack.nginx.url}/?config=diagram-60-failing.yaml`,
          s200: `${stack.nginx.url}/?config=diagram.yaml`,
          s200failing: `${stack.nginx.url}/?config=diagram-200-failing.yaml`,
        },
        loads: quick ? 2 : 5,
      }));
      await record('diagram-1000', 'diagram at 1,000 services', () => diagram1000({
        browser,
        urls: {
          healthy: `${stack.nginx.url}/?config=diagram-1000.yaml`,
          failing: `${stack.nginx.url}/?config=diagram-1000-failing.yaml`,
        },
        loads: quick ? 2 : 5,
        refreshes: quick ? 2 : 5,
        // The refresh that shows an outage of every service, and the one that shows it over.
        outage: {
          start: () => stack.sim.scenario('exporter-down', '?node=node-1&exporter=node'),
          stop: () => stack.sim.reset(),
        },
      }));
      await record('graphs', 'graphs', () => graphsAtScale({ browser, url: `${stack.nginx.url}/?config=graphs.yaml`, refreshes: quick ? 3 : 10 }));
      await record('idle', 'idle CPU', () => idle({ browser, url, windows: quick ? 1 : 3, windowMs: quick ? 3_000 : 10_000 }));
      if (want('soak')) {
        // Unthrottled frames: the soak waits for a frame per refresh, not for 60 Hz.
        const fast = await launch(['--disable-frame-rate-limit', '--disable-gpu-vsync']);
        try {
          const n = Number(process.env.BENCH_SOAK_REFRESHES ?? (quick ? 300 : 10_000));
          const maxSeconds = Number(process.env.BENCH_SOAK_MAX_SECONDS ?? (quick ? 120 : 1800));
          await record('soak', 'soak', () => soak({
            browser: fast, url, refreshes: n, warmup: quick ? 20 : 200, samples: quick ? 3 : 10, maxSeconds, log: say,
          }));
        } finally {
          await fast.close();
        }
      }
    } finally {
      await browser.close();
      await stack.stop();
    }
  }

  if (want('scale')) {
    // A quarter of the nodes first, for information: how the evaluation grows with N.
    const evaluateMedians = {};
    for (const nodes of [SCALE_NODES / 4, SCALE_NODES]) {
      say(`starting the simulated ${nodes}-node cluster (aggregated target), Prometheus, nginx`);
      const stack = await startStack({
        nodes, scrapeInterval: '5s', files: { 'panopticon.yaml': withInstances(referenceYaml, nodes) },
      });
      const browser = await launch();
      browserVersion = browser.version();
      try {
        await record('scale', `evaluation at scale (${nodes} nodes)`, async () => {
          const r = await evaluationAtScale({
            browser, url: `${stack.nginx.url}/`, nodes, refreshes: quick ? 3 : 10, goal: nodes === SCALE_NODES,
          });
          evaluateMedians[nodes] = summarize(r.evaluate)?.median;
          return r;
        });
      } finally {
        await browser.close();
        await stack.stop();
      }
    }
    const [small, big] = [evaluateMedians[SCALE_NODES / 4], evaluateMedians[SCALE_NODES]];
    const target = rows.find((r) => r.figure === 'scale' && r.label.startsWith(`evaluation + propagation, ${SCALE_NODES} nodes`));
    if (target && target.verdict === MISSES && small && big) {
      const ratio = big / small;
      target.note = `likely reason: 4× the nodes took ${ratio.toFixed(1)}× the time (${small.toFixed(1)} → ${big.toFixed(1)} ms median)`
        + (ratio > 5 ? ', more than linear: some work per instance grows with the number of instances'
          + ' (for example a linear search over the instances remembered per check)' : ', about linear: the work per instance is what costs');
    }
  }

  if (want('fleet')) {
    say(`starting the fleet: ${FLEET.clusters} nginx source locations onto one Prometheus scraping a ${FLEET.nodes}-node aggregated simulator`);
    const one = { ...FLEET, clusters: 1 };
    const stack = await startFleetStack({
      ...FLEET, files: { 'panopticon.yaml': fleetYaml(referenceYaml, FLEET), 'one.yaml': fleetYaml(referenceYaml, one) },
    });
    const browser = await launch();
    browserVersion = browser.version();
    try {
      await record('fleet', `fleet (${FLEET.clusters} clusters × ${FLEET.nodes} nodes)`, () => fleet({
        browser, url: `${stack.nginx.url}/`, ...FLEET, loads: quick ? 2 : 5, refreshes: quick ? 2 : 5,
      }));
      // Its peer in the same run: one cluster of the same size, to see what each one adds.
      await record('fleet', `fleet (1 cluster × ${FLEET.nodes} nodes, peer)`, () => fleet({
        browser, url: `${stack.nginx.url}/?config=one.yaml`, ...one, loads: quick ? 2 : 5, refreshes: quick ? 2 : 5,
      }));
    } finally {
      await browser.close();
      await stack.stop();
    }
  }

  const seconds = (Date.now() - t0) / 1000;
  console.log(`\n${consoleTable(rows)}\n`);
  sections.push({
    title: 'Conditions per figure',
    how: 'Wall time of each figure and the 1-minute load average before and after it (2 cores: a load'
      + ' above 2 means the benchmark shared the CPU with other work).',
    tables: [{ head: ['figure', 'time', 'load before', 'load after'], rows: conditions }],
  });
  if (opts.write) {
    const text = markdown({
      machine: machineInfo(browserVersion), rows, sections, startedAt: started, seconds, command: 'scripts/bench.sh',
    });
    fs.mkdirSync(path.dirname(opts.out), { recursive: true });
    fs.writeFileSync(opts.out, text);
    say(`results written to ${path.relative(process.cwd(), opts.out) || opts.out}`);
  }
  say(`done in ${seconds.toFixed(0)} s`);
  return rows;
}
