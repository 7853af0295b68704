// Loading the configuration (issue 12 rows 15 and 16) through real nginx and Chromium:
// only the file in use is fetched (a `<link rel=preload>` fetched panopticon.yaml for
// `?config=other.yaml` too, and Chromium warned every few seconds that it went unused),
// the default one exactly once, and each way of failing is worded for what it is.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  recordConsole, referenceConfig, startStack, waitFor,
} from './harness.mjs';

let prom;
let parts;
let nginx;
let browser;

before(async () => {
  parts = await startStack({ files: {
    'panopticon.yaml': referenceConfig(),
    'other.yaml': referenceConfig(),
    'empty.yaml': '',
  }, sim: false });
  ({ prom, nginx, browser } = parts);
});

after(async () => {
  await parts?.stop();
});

/** Opens `query` and returns the page, the paths of every .yaml request and the console. */
async function open(query) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const yaml = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.yaml')) yaml.push(u.pathname);
  });
  const log = recordConsole(page);
  await page.goto(`${nginx.url}/${query}`);
  return { page, yaml, log };
}

async function errorText(page) {
  const el = page.locator('[data-testid="config-error"]');
  await el.waitFor({ timeout: 20_000 });
  return el.innerText();
}

describe('which configuration is fetched', () => {
  test('?config=other.yaml fetches other.yaml alone, and nothing warns about an unused preload', async () => {
    const { page, yaml, log } = await open('?config=other.yaml');
    try {
      await page.locator('[data-testid="cluster-status"]').waitFor({ timeout: 20_000 });
      // Chromium warns about an unused preload about 3 s after the load event.
      await new Promise((r) => setTimeout(r, 6_000));
      assert.deepEqual(yaml, ['/other.yaml'], `requests: ${JSON.stringify(yaml)}`);
      // (Trunk's wasm preload draws an unrelated note about `integrity`.)
      const warned = log.filter((l) => /preloaded using link preload but not used/i.test(l));
      assert.deepEqual(warned, [], 'no unused-preload warning');
    } finally {
      await page.close();
    }
  });

  test('the default configuration is fetched once (the early request is the one the app uses)', async () => {
    const { page, yaml } = await open('');
    try {
      await page.locator('[data-testid="cluster-status"]').waitFor({ timeout: 20_000 });
      await waitFor('the diagram', () => page.locator('[data-service]').count(), { timeoutMs: 10_000 });
      assert.deepEqual(yaml, ['/panopticon.yaml'], `requests: ${JSON.stringify(yaml)}`);
    } finally {
      await page.close();
    }
  });
});

describe('each failure in its own words', () => {
  test('a refused ?config= is a link the dashboard will not load, and nothing is fetched', async () => {
    const { page, yaml } = await open('?config=https://evil.example/x.yaml');
    try {
      const text = await errorText(page);
      assert.match(text, /This link names a configuration the dashboard will not load; only relative \.yaml paths on this site/);
      assert.match(text, /config "https:\/\/evil\.example\/x\.yaml": only relative paths on this site are allowed/);
      assert.doesNotMatch(text, /Fix the file/);
      assert.deepEqual(yaml, []);
    } finally {
      await page.close();
    }
  });

  test('a missing file is named as missing', async () => {
    const { page } = await open('?config=missing.yaml');
    try {
      const text = await errorText(page);
      assert.match(text, /missing\.yaml: there is no such file on this site \(HTTP 404\)/);
      assert.doesNotMatch(text, /Fix the file/);
    } finally {
      await page.close();
    }
  });

  test('an empty file says what a configuration needs', async () => {
    const { page } = await open('?config=empty.yaml');
    try {
      const text = await errorText(page);
      assert.match(text, /The configuration file is empty\./);
      assert.match(text, /empty\.yaml: the configuration is empty: it needs at least `services:` with one service/);
      assert.doesNotMatch(text, /unexpected end of input/);
    } finally {
      await page.close();
    }
  });
});
