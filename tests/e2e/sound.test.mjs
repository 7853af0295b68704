// Sound on a change to critical (`?sound`, issue 13), through real nginx, Prometheus,
// the simulator and Chromium. Tones are counted by an init script that wraps
// `AudioContext.prototype.createOscillator` (the app makes one oscillator per tone);
// what is heard is not checked, only that a tone was made, and when.
//
// Two Chromiums beside the stack's: one started as a kiosk browser would be
// (`--autoplay-policy=no-user-gesture-required`: audio allowed from the start), one
// that requires a click first, as every desktop browser does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, recordConsole, referenceConfig, startStack, untilSeen, waitFor,
} from './harness.mjs';

let stack;
let loud;
let strict;

before(async () => {
  stack = await startStack({ files: { 'panopticon.yaml': referenceConfig() } });
  loud = await launchBrowser(['--autoplay-policy=no-user-gesture-required']);
  strict = await launchBrowser(['--autoplay-policy=document-user-activation-required']);
});

after(async () => {
  await strict?.close();
  await loud?.close();
  await stack?.stop();
});

/** Counts the oscillators the page makes (one per tone), from before its own scripts. */
function countTones() {
  window.__tones = 0;
  const original = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function createOscillator(...args) {
    window.__tones += 1;
    return original.apply(this, args);
  };
}

async function open(browser, query) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const log = recordConsole(page);
  await page.addInitScript(countTones);
  await page.goto(`${stack.nginx.url}/${query}`);
  return { page, log };
}

function read(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="sound-state"]');
    return {
      cluster: document.querySelector('[data-testid="cluster-status"]')?.dataset.status,
      sound: el?.dataset.sound ?? null,
      text: el?.textContent ?? null,
      tones: window.__tones,
    };
  });
}

function until(page, log, what, ok, timeoutMs = 25_000) {
  return untilSeen(what, () => read(page), ok, { log, timeoutMs, intervalMs: 200, consoleLines: 15 });
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));

describe('?sound', () => {
  test('one tone per change to critical, none on a reload of a critical screen, none without ?sound', async () => {
    await stack.sim.reset();
    const { page, log } = await open(loud, '?sound');
    const quiet = await open(loud, '');
    try {
      const first = await until(page, log, 'healthy, sound armed', (d) => d.cluster === 'healthy' && d.sound === 'armed');
      assert.equal(first.text, 'sound on');
      assert.equal(first.tones, 0);
      await until(quiet.page, quiet.log, 'healthy without ?sound', (d) => d.cluster === 'healthy');

      await stack.sim.scenario('gluster-not-writeable');
      await until(page, log, 'critical', (d) => d.cluster === 'critical');
      await until(page, log, 'one tone', (d) => d.tones >= 1, 3_000);
      // Refreshes every second keep it critical: no second tone.
      await pause(4_000);
      assert.equal((await read(page)).tones, 1, 'exactly one tone for one change to critical');

      await until(quiet.page, quiet.log, 'critical without ?sound', (d) => d.cluster === 'critical');
      const q = await read(quiet.page);
      assert.equal(q.sound, null, 'no sound-state without ?sound');
      assert.equal(q.tones, 0, 'no oscillator without ?sound');

      // A reload of a screen that is already critical is no news.
      await page.reload();
      await until(page, log, 'critical after the reload', (d) => d.cluster === 'critical' && d.sound === 'armed');
      await pause(4_000);
      assert.equal((await read(page)).tones, 0, 'no tone for the first status after a load');

      // A new change on the reloaded page: one tone again.
      await stack.sim.reset();
      await until(page, log, 'healthy again', (d) => d.cluster === 'healthy');
      await stack.sim.scenario('gluster-not-writeable');
      await until(page, log, 'critical again', (d) => d.cluster === 'critical');
      await until(page, log, 'one tone', (d) => d.tones >= 1, 3_000);
      await pause(3_000);
      assert.equal((await read(page)).tones, 1);
    } finally {
      await page.close();
      await quiet.page.close();
      await stack.sim.reset();
    }
  });

  test('a reload while a check held by for: is critical: no tone', async () => {
    // The host's load check has `for: 2`. A page's first evaluation shows raw
    // statuses (no hold to fill again after a reload), so the reload finds it critical.
    await stack.sim.reset();
    const { page, log } = await open(loud, '?sound');
    try {
      await until(page, log, 'healthy, sound armed', (d) => d.cluster === 'healthy' && d.sound === 'armed');
      await stack.sim.scenario('host-overloaded');
      await until(page, log, 'critical', (d) => d.cluster === 'critical');
      await until(page, log, 'one tone', (d) => d.tones === 1, 3_000);
      await page.reload();
      await until(page, log, 'critical after the reload', (d) => d.cluster === 'critical');
      await pause(3_000);
      assert.equal((await read(page)).tones, 0, 'the critical the reload found is no news');
    } finally {
      await page.close();
      await stack.sim.reset();
    }
  });

  test('a browser that wants a click first: the screen says so, no tone until then, the first click allows it', async () => {
    await stack.sim.reset();
    const { page, log } = await open(strict, '?sound');
    try {
      // Playwright's page.evaluate runs as if from a user gesture, which lets an audio
      // context made after it start: read nothing with it before the app made its own.
      await page.locator('[data-testid="sound-state"]').waitFor({ timeout: 20_000 });
      const blocked = await until(page, log, 'sound blocked', (d) => d.cluster === 'healthy' && d.sound === 'blocked');
      assert.equal(blocked.text, 'sound on: click once to allow');
      assert.ok(await page.locator('[data-testid="sound-state"]').isVisible(), 'said on screen');

      // Turning critical while blocked makes no tone, and none is kept for later.
      await stack.sim.scenario('gluster-not-writeable');
      await until(page, log, 'critical', (d) => d.cluster === 'critical');
      await pause(2_000);
      assert.equal((await read(page)).tones, 0);

      await page.mouse.click(5, 5);
      const armed = await until(page, log, 'sound armed after a click', (d) => d.sound === 'armed', 5_000);
      assert.equal(armed.text, 'sound on');
      await pause(2_000);
      assert.equal((await read(page)).tones, 0, 'the click does not replay an old change');

      await stack.sim.reset();
      await until(page, log, 'healthy', (d) => d.cluster === 'healthy');
      await stack.sim.scenario('gluster-not-writeable');
      await until(page, log, 'critical again', (d) => d.cluster === 'critical');
      await until(page, log, 'one tone', (d) => d.tones === 1, 3_000);
    } finally {
      await page.close();
      await stack.sim.reset();
    }
  });
});
