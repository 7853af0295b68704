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
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
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
 * The admin and lifecycle APIs are enabled on purpose: tests prove the proxy refuses them.
 */
export async function startPrometheus({ scrapeConfigs, scrapeInterval = '1s', extraArgs = [], port } = {}) {
  const dir = tempDir('prometheus');
  port ??= await freePort();
  const selfScrape = { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] };
  const config = {
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    scrape_configs: scrapeConfigs ?? [selfScrape],
  };
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
      const again = await startPrometheus({ scrapeConfigs: config.scrape_configs, scrapeInterval, extraArgs, port });
      Object.assign(this, { proc: again.proc, stop: again.stop });
    },
    async stop() {
      await proc.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Renders the shipped nginx templates (deploy/nginx/render.sh) for this test and starts nginx.
 * `cors` = { origins: '<regex>' } also starts the CORS proxy variant on its own port.
 */
export async function startNginx({ prometheus, root = distDir, cors, frameAncestors } = {}) {
  const dir = tempDir('nginx');
  const port = await freePort();
  const corsPort = cors ? await freePort() : undefined;
  execFileSync(path.join(repoRoot, 'deploy/nginx/render.sh'), [dir], {
    env: {
      ...process.env,
      PANOPTICON_ROOT: root,
      PANOPTICON_PROMETHEUS: prometheus,
      PANOPTICON_LISTEN: `127.0.0.1:${port}`,
      ...(frameAncestors ? { PANOPTICON_FRAME_ANCESTORS: frameAncestors } : {}),
      ...(cors ? { PANOPTICON_CORS_LISTEN: `127.0.0.1:${corsPort}`, PANOPTICON_CORS_ORIGINS: cors.origins } : {}),
    },
  });
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

/** Launches Debian's Chromium headless through playwright-core (which never downloads a browser). */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
    timeout: 30_000,
  });
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
