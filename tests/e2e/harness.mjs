// Test harness for end-to-end tests and benchmarks: real Prometheus (Debian binary),
// real nginx with the shipped configuration, real headless Chromium (Debian) driven by
// playwright-core. Everything listens on 127.0.0.1 on free ports, every wait is bounded,
// and every process started here is stopped again: by `stop()`, and as a last resort
// when the Node process exits (also after a failed assertion or Ctrl-C).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const distDir = process.env.PANOPTICON_DIST ?? path.join(repoRoot, 'dist');
export const artifactsDir = path.join(repoRoot, 'tests/e2e/artifacts');

const running = new Set();
function killAll() {
  for (const p of running) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  running.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { killAll(); process.exit(130); });
}

/** A free TCP port on 127.0.0.1 (the OS picks; the port is released before use). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value, or fails after `timeoutMs` naming `what`. */
export async function waitFor(what, probe, { timeoutMs = 20_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** A raw HTTP request (no URL normalisation, unlike fetch), so tests can send `..` paths. */
export function rawRequest(port, { method = 'GET', path: p = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${p}: no answer within 10 s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function httpOk(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return res.ok;
}

/** Starts a process whose output goes to a log file; `stop()` ends it (SIGTERM, then SIGKILL). */
export function startProcess(name, cmd, args, { cwd, env } = {}) {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const logPath = path.join(artifactsDir, `${name}-${process.pid}-${Date.now()}.log`);
  const log = fs.openSync(logPath, 'w');
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  running.add(child);
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
    exited = true;
    running.delete(child);
    resolve({ code, signal });
  }));
  return {
    name,
    child,
    logPath,
    get exited() { return exited; },
    log: () => fs.readFileSync(logPath, 'utf8'),
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, 5_000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `panopticon-${prefix}-`));
}

/**
 * Starts the Debian Prometheus with its own config and data dir on a free 127.0.0.1 port.
 * `scrapeConfigs` is a list of Prometheus scrape_config objects (written as JSON, which is YAML).
 * `ruleFiles`: rule files it loads (evaluated every `scrapeInterval`); `alertmanagers`: the
 * `host:port` of each Alertmanager it sends its alerts to.
 * The admin and lifecycle APIs are enabled on purpose: tests prove the proxy refuses them.
 */
export async function startPrometheus({
  scrapeConfigs, scrapeInterval = '1s', extraArgs = [], port, dir, ruleFiles = [], alertmanagers = [],
} = {}) {
  dir ??= tempDir('prometheus');
  port ??= await freePort();
  const selfScrape = { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] };
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    scrape_configs: scrapeConfigs ?? [selfScrape],
  };
  if (ruleFiles.length > 0) config.rule_files = ruleFiles.map((f) => path.resolve(f));
  if (alertmanagers.length > 0) {
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }] };
  }
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
  const args = [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-admin-api',
    '--web.enable-lifecycle',
    ...extraArgs,
  ];
  const proc = startProcess('prometheus', '/usr/bin/prometheus', args);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Prometheus to be ready', async () => {
    if (proc.exited) throw new Error(`prometheus exited:\n${proc.log().slice(-2000)}`);
    return httpOk(`${url}/-/ready`);
  });
  return {
    url,
    port,
    dir,
    proc,
    /** Restart on the same port and data dir (for outage/recovery tests). */
    async restart() {
      await proc.stop();
      const again = await startPrometheus({
        scrapeConfigs: config.scrape_configs, scrapeInterval, extraArgs, port, dir, ruleFiles, alertmanagers,
      });
      Object.assign(this, { proc: again.proc, stop: again.stop });
    },
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts Debian's VictoriaMetrics (`victoria-metrics`, single node, 1.79) on a free 127.0.0.1
 * port with its own store, scraping `scrapeConfigs` (the same scrape_config objects as
 * `startPrometheus`; `promscrapeConfig` instead: a whole scrape file as an object). It
 * serves Prometheus's query API at its root (`/api/v1/query`), so the shipped nginx proxies
 * it unchanged as PANOPTICON_PROMETHEUS.
 *
 * `-search.latencyOffset=0s`: by default VictoriaMetrics hides the last 30 s of samples
 * from queries (a sample may still be on its way from a remote writer); its own scraper
 * writes each sample at once, and a status 30 s late would not be the same verdict as
 * Prometheus's. `-promscrape.fileSDCheckInterval=1s`: the simulator's targets file is read
 * at once (default 5 min). It waits until a query answers a series of the first job
 * (or `readyQuery`), i.e. until it has scraped.
 */
export async function startVictoriaMetrics({
  scrapeConfigs, promscrapeConfig, scrapeInterval = '1s', extraArgs = [], port, dir, readyQuery,
} = {}) {
  dir ??= tempDir('victoriametrics');
  port ??= await freePort();
  const selfScrape = { job_name: 'victoriametrics', static_configs: [{ targets: [`127.0.0.1:${port}`] }] };
  const config = promscrapeConfig ?? {
    global: { scrape_interval: scrapeInterval },
    scrape_configs: scrapeConfigs ?? [selfScrape],
  };
  const configPath = path.join(dir, 'promscrape.yml');
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${path.join(dir, 'data')}`,
    `-promscrape.config=${configPath}`,
    '-promscrape.fileSDCheckInterval=1s',
    // Fields Prometheus knows and it does not (file_sd's refresh_interval) are skipped.
    '-promscrape.config.strictParse=false',
    '-search.latencyOffset=0s',
    '-retentionPeriod=1d',
    '-loggerLevel=WARN',
    ...extraArgs,
  ];
  const proc = startProcess('victoriametrics', '/usr/bin/victoria-metrics', args);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('VictoriaMetrics to answer', async () => {
    if (proc.exited) throw new Error(`victoria-metrics exited:\n${proc.log().slice(-2000)}`);
    return httpOk(`${url}/health`);
  });
  // Its first scrape: a job's `up` series (file_sd targets carry their own job labels, so
  // any `up` will do when none is named).
  const query = readyQuery ?? 'up';
  await waitFor(`VictoriaMetrics to have scraped (${query})`, async () => {
    if (proc.exited) throw new Error(`victoria-metrics exited:\n${proc.log().slice(-2000)}`);
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(2_000) });
    const body = await res.json();
    return res.ok && body.data?.result?.length > 0;
  }, { timeoutMs: 30_000, intervalMs: 250 });
  return {
    url,
    port,
    dir,
    proc,
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a test Alertmanager does with the alerts it receives: nothing (no receiver sends). */
export const quietAlertmanagerConfig = {
  route: { receiver: 'none', group_wait: '0s', group_interval: '1s', repeat_interval: '1h' },
  receivers: [{ name: 'none' }],
};

/**
 * Starts the Debian Alertmanager (`prometheus-alertmanager`, 0.25) on a free 127.0.0.1 port,
 * with its own configuration (`config`, an object written as JSON) and storage, gossip off
 * (`--cluster.listen-address=`: it would listen on every interface and look for peers).
 * `restart()` starts it again on the same port and storage (silences survive, as in
 * production); `stop()` stops it and removes its storage.
 */
export async function startAlertmanager({ config = quietAlertmanagerConfig, port, dir } = {}) {
  dir ??= tempDir('alertmanager');
  port ??= await freePort();
  fs.writeFileSync(path.join(dir, 'alertmanager.yml'), JSON.stringify(config, null, 2));
  const args = [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ];
  const start = async () => {
    const proc = startProcess('alertmanager', '/usr/bin/prometheus-alertmanager', args);
    await waitFor('Alertmanager to be ready', async () => {
      if (proc.exited) throw new Error(`alertmanager exited:\n${proc.log().slice(-2000)}`);
      return httpOk(`http://127.0.0.1:${port}/-/ready`);
    });
    return proc;
  };
  const am = {
    url: `http://127.0.0.1:${port}`,
    port,
    address: `127.0.0.1:${port}`,
    dir,
    proc: await start(),
    async restart() {
      await am.proc.stop();
      am.proc = await start();
    },
    async stop() {
      await am.proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return am;
}

/**
 * Makes a silence straight through Alertmanager's own API (the dashboard's proxy refuses
 * it). `matchers`: `{ label: value }` (equality) or Alertmanager's own matcher objects.
 * Returns the silence's id.
 */
export async function createSilence(am, matchers, { createdBy = 'panopticon-e2e', comment = 'e2e test', minutes = 60 } = {}) {
  const list = Array.isArray(matchers)
    ? matchers
    : Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  const now = Date.now();
  const res = await fetch(`${am.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: list,
      startsAt: new Date(now).toISOString(),
      endsAt: new Date(now + minutes * 60_000).toISOString(),
      createdBy,
      comment,
    }),
    signal: AbortSignal.timeout(5_000),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`creating a silence: ${res.status} ${body}`);
  return JSON.parse(body).silenceID;
}

/** Ends a silence at once (Alertmanager's DELETE /api/v2/silence/<id>), directly. */
export async function expireSilence(am, id) {
  const res = await fetch(`${am.url}/api/v2/silence/${encodeURIComponent(id)}`, {
    method: 'DELETE', signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`expiring silence ${id}: ${res.status} ${await res.text()}`);
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made with openssl in
 * `dir`: its files, and the base64 SHA-256 of its public key for Chromium's
 * `--ignore-certificate-errors-spki-list`, which trusts this one key instead of ignoring
 * every certificate error.
 */
export function selfSignedCert(dir) {
  const cert = path.join(dir, 'tls-cert.pem');
  const key = path.join(dir, 'tls-key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const pub = execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
  const spki = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
  return { cert, key, spki };
}

/**
 * Renders the shipped nginx templates (deploy/nginx/render.sh) for this test and starts nginx.
 * `alertmanager` (`host:port`) is proxied read-only at /alertmanager/; without it, that
 * location answers 502.
 * `cors` = { origins: '<regex>' } also starts the CORS proxy variant on its own port.
 * `tls` also starts the TLS + HTTP/2 listener with a throwaway certificate (`tlsUrl`, `cert`).
 * `sources`: extra data sources proxied at /sources/<name>/ (render.sh's PANOPTICON_SOURCES),
 * each `{ name, upstream: 'host:port' | 'https://host:port', prefix?, tenant?, authFile?, caFile? }`.
 * `env` sets more of render.sh's settings (e.g. `{ PANOPTICON_RATE_LIMIT: '1r/m' }`).
 */
export async function startNginx({
  prometheus, alertmanager, root = distDir, cors, frameAncestors, tls = false, sources = [], env = {},
} = {}) {
  const dir = tempDir('nginx');
  const sourcesFile = sources.length > 0 ? path.join(dir, 'sources.list') : undefined;
  if (sourcesFile) {
    fs.writeFileSync(sourcesFile, sources.map((x) => [
      x.name, x.upstream,
      ...(x.prefix ? [`prefix=${x.prefix}`] : []),
      ...(x.tenant ? [`tenant=${x.tenant}`] : []),
      ...(x.authFile ? [`auth_file=${x.authFile}`] : []),
      ...(x.caFile ? [`ca_file=${x.caFile}`] : []),
    ].join(' ')).join('\n') + '\n');
  }
  const port = await freePort();
  const corsPort = cors ? await freePort() : undefined;
  const tlsPort = tls ? await freePort() : undefined;
  const cert = tls ? selfSignedCert(dir) : undefined;
  const render = () => execFileSync(path.join(repoRoot, 'deploy/nginx/render.sh'), [dir], {
    env: {
      ...process.env,
      PANOPTICON_ROOT: root,
      PANOPTICON_PROMETHEUS: prometheus,
      ...(alertmanager ? { PANOPTICON_ALERTMANAGER: alertmanager } : {}),
      PANOPTICON_LISTEN: `127.0.0.1:${port}`,
      ...(frameAncestors ? { PANOPTICON_FRAME_ANCESTORS: frameAncestors } : {}),
      ...(cors ? { PANOPTICON_CORS_LISTEN: `127.0.0.1:${corsPort}`, PANOPTICON_CORS_ORIGINS: cors.origins } : {}),
      ...(tls ? { PANOPTICON_TLS_LISTEN: `127.0.0.1:${tlsPort}`, PANOPTICON_TLS_CERT: cert.cert, PANOPTICON_TLS_KEY: cert.key } : {}),
      ...(sourcesFile ? { PANOPTICON_SOURCES: sourcesFile } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    render();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`render.sh refused: ${e.stderr?.toString() ?? e.message}`);
  }
  const proc = startProcess('nginx', '/usr/sbin/nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('nginx to answer', async () => {
    if (proc.exited) throw new Error(`nginx exited:\n${proc.log()}\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2_000) });
    return res.status > 0;
  });
  return {
    url,
    port,
    corsUrl: cors ? `http://127.0.0.1:${corsPort}` : undefined,
    corsPort,
    tlsUrl: tls ? `https://127.0.0.1:${tlsPort}` : undefined,
    tlsPort,
    cert,
    dir,
    proc,
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Flags for headless Chromium as root on a machine without network (TOOLCHAIN.md pitfall 8). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches Debian's Chromium headless through playwright-core (which never downloads a browser).
 *
 * Chromium gets a temporary directory of its own, removed when the browser goes away:
 * a Chromium that is killed (a test's timeout, a cancelled run) leaves its scoped profile
 * copies behind in the temporary directory, about 90 MB each, and a day of runs filled
 * the disk that CI shares.
 */
export async function launchBrowser(extraArgs = []) {
  const { chromium } = await import('playwright-core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panopticon-chromium-'));
  const removeTmp = () => fs.rmSync(tmp, { recursive: true, force: true });
  process.once('exit', removeTmp);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      args: [...chromiumArgs, ...extraArgs],
      env: { ...process.env, TMPDIR: tmp },
      timeout: 30_000,
    });
  } catch (e) {
    removeTmp();
    throw e;
  }
  browser.on('disconnected', () => {
    removeTmp();
    process.removeListener('exit', removeTmp);
  });
  return browser;
}

/** Fails early, with a useful message, when the release bundle has not been built. */
export function requireDist() {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    throw new Error(`no bundle at ${distDir}: run scripts/build.sh first (scripts/test.sh does)`);
  }
}

/** Collects console messages and page errors of a Playwright page, for assertions and failure output. */
export function recordConsole(page) {
  const messages = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return messages;
}

/** The simulator binary (built by `cargo build -p panopticon-sim`; scripts/test.sh does). */
export const simBin = process.env.PANOPTICON_SIM ?? path.join(repoRoot, 'target/debug/panopticon-sim');

/**
 * Starts the simulated reference cluster on free ports. Returns its control URL, the
 * file_sd targets file for Prometheus, and helpers to switch scenarios.
 */
export async function startSim({ nodes = 4, seed = 1 } = {}) {
  if (!fs.existsSync(simBin)) throw new Error(`no simulator at ${simBin}: cargo build -p panopticon-sim`);
  const dir = tempDir('sim');
  const targetsFile = path.join(dir, 'targets.json');
  const proc = startProcess('sim', simBin, [
    'serve', '--nodes', String(nodes), '--listen', '127.0.0.1', '--base-port', '0',
    '--control-port', '0', '--targets-file', targetsFile, '--seed', String(seed),
  ]);
  const listening = await waitFor('the simulator to listen', async () => {
    if (proc.exited) throw new Error(`simulator exited:\n${proc.log()}`);
    const line = proc.log().split('\n').find((l) => l.includes('"event":"listening"'));
    return line && JSON.parse(line);
  });
  const control = listening.control;
  const call = async (method, p) => {
    const res = await fetch(`${control}${p}`, { method, signal: AbortSignal.timeout(5_000) });
    const body = await res.json();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    control,
    targetsFile,
    targets: listening.targets,
    proc,
    scenarios: () => call('GET', '/scenarios'),
    scenario: (name, params = '') => call('POST', `/scenario/${name}${params}`),
    reset: () => call('POST', '/reset'),
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Prometheus scrape config for the simulator's targets (job and instance come from the file). */
export function simScrapeConfigs(sim, { interval = '1s', timeout = '900ms' } = {}) {
  return [{
    job_name: 'cluster',
    scrape_interval: interval,
    scrape_timeout: timeout,
    file_sd_configs: [{ files: [sim.targetsFile], refresh_interval: '1s' }],
  }];
}

/**
 * A site root for nginx: the release bundle plus extra files (test configurations).
 * A copy, so tests never write into dist/.
 */
export function makeSite(extraFiles = {}) {
  requireDist();
  const dir = tempDir('site');
  fs.chmodSync(dir, 0o755);
  fs.cpSync(distDir, dir, { recursive: true });
  for (const [name, text] of Object.entries(extraFiles)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text, { mode: 0o644 });
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The reference configuration with test timing: refresh every second, data stale after
 * `staleAfter` seconds. Everything else (services, rules, dependencies) is the shipped file.
 */
export function referenceConfig({ refresh = 1, staleAfter = 8, timeout = 3 } = {}) {
  const text = fs.readFileSync(path.join(repoRoot, 'examples/config/reference-cluster.yaml'), 'utf8');
  const set = (t, key, value) => {
    const re = new RegExp(`^(\\s*${key}:\\s*)[^#\\n]+`, 'm');
    if (!re.test(t)) throw new Error(`reference config has no ${key}`);
    return t.replace(re, `$1${value} `);
  };
  return set(set(set(text, 'refresh_secs', refresh), 'stale_after_secs', staleAfter), 'timeout_secs', timeout);
}

/**
 * The stack most end-to-end files run against: the simulated reference cluster (unless
 * `sim: false`), an Alertmanager (unless `alertmanager: false`; the reference configuration
 * declares one), a real Prometheus scraping the cluster, evaluating `ruleFiles` and sending
 * their alerts to that Alertmanager, a site of `files` served by nginx with the shipped
 * configuration (proxying both), and Chromium. Every part is on loopback; `stop()` stops
 * what was started, newest first, even when a start failed half way (so an `after()`
 * hook can always call it). `tls`: nginx also listens with TLS + HTTP/2 (`stack.nginx.tlsUrl`)
 * and Chromium trusts its throwaway certificate.
 */
export async function startStack({
  files = {}, sim: withSim = true, nginxEnv = {}, tls = false, alertmanager = true, ruleFiles = [],
} = {}) {
  const stack = { sim: undefined, am: undefined, prom: undefined, site: undefined, nginx: undefined, browser: undefined };
  const started = [];
  stack.stop = async () => {
    while (started.length > 0) {
      await started.pop()();
    }
  };
  try {
    if (withSim) {
      stack.sim = await startSim();
      started.push(() => stack.sim.stop());
    }
    if (alertmanager) {
      stack.am = await startAlertmanager();
      started.push(() => stack.am.stop());
    }
    stack.prom = await startPrometheus({
      ...(withSim ? { scrapeConfigs: simScrapeConfigs(stack.sim) } : {}),
      ruleFiles,
      alertmanagers: stack.am ? [stack.am.address] : [],
    });
    started.push(() => stack.prom.stop());
    stack.site = makeSite(files);
    started.push(async () => stack.site.remove());
    stack.nginx = await startNginx({
      prometheus: `127.0.0.1:${stack.prom.port}`, alertmanager: stack.am?.address, root: stack.site.dir, tls, env: nginxEnv,
    });
    started.push(() => stack.nginx.stop());
    stack.browser = await launchBrowser(tls ? [`--ignore-certificate-errors-spki-list=${stack.nginx.cert.spki}`] : []);
    started.push(() => stack.browser.close());
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

/**
 * Reads the page with `read` until `wanted` holds for what it shows, and returns that reading. A timeout
 * says what the page showed last (as `show` words it) and the console's last lines, which is what a
 * failing e2e run needs to be understood without running it again.
 */
export async function untilSeen(what, read, wanted, {
  log = [], timeoutMs = 20_000, intervalMs = 250, show = (last) => JSON.stringify(last), consoleLines = 10,
} = {}) {
  let last;
  try {
    return await waitFor(what, async () => {
      last = await read();
      return wanted(last) ? last : null;
    }, { timeoutMs, intervalMs });
  } catch (e) {
    throw new Error(`${e.message}\nlast seen: ${show(last)}\nconsole:\n${log.slice(-consoleLines).join('\n')}`);
  }
}

/** For `untilSeen`'s `show`: a reading's `text` (the page's text) apart and cut short, the rest as JSON. */
export function showWithPage({ text, ...rest } = {}) {
  return `${JSON.stringify(rest)}\npage: ${text?.slice(0, 800)}`;
}

/**
 * What a suite starts in `before`, to stop in `after` last first (`stopAll`), also when `before` failed half-way:
 * `start(promise)` keeps the part it resolves to (anything with `stop()`) and returns it, `keep(stop)` keeps any
 * other clean-up (a site's folder, a browser), `stopEarly(part)` stops one before the others.
 */
export function suiteParts() {
  const parts = [];
  return {
    async start(thing) {
      const started = await thing;
      parts.push(started);
      return started;
    },
    keep(stop) {
      parts.push({ stop });
    },
    /** Stops `part` now (a test taking a source down), so that `stopAll` does not stop it again. */
    async stopEarly(part) {
      await part.stop();
      const i = parts.indexOf(part);
      if (i >= 0) parts.splice(i, 1);
    },
    async stopAll() {
      while (parts.length > 0) {
        await parts.pop().stop();
      }
    },
  };
}
