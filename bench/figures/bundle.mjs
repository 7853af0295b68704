// Bundle size: what a browser downloads on a cold load (index.html, js, wasm, css),
// compressed the way a server would send it at best: gzip -9 and brotli (quality 11).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { INFO, row } from '../lib/report.mjs';

const KB = 1000;

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count', 'tag'];

/** Bytes per section of a wasm module (custom sections by name), to show where the size is. */
export function wasmSections(buf) {
  if (buf.length < 8 || buf.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  let i = 8;
  const leb = () => {
    let r = 0;
    let shift = 0;
    let b;
    do {
      b = buf[i];
      i += 1;
      r += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return r;
  };
  const out = {};
  while (i < buf.length) {
    const id = buf[i];
    i += 1;
    const size = leb();
    const start = i;
    let name = SECTION_NAMES[id] ?? `section ${id}`;
    if (id === 0) {
      const n = leb();
      name = `custom "${buf.subarray(i, i + n).toString('utf8')}"`;
    }
    out[name] = (out[name] ?? 0) + size;
    i = start + size;
  }
  return out;
}
const GOAL_GZIP_KB = 350;
/** What a browser downloads from the shipped nginx: brotli_static serves the build's -q 11 copies. */
const GOAL_BROTLI_KB = 250;

export async function bundle({ distDir }) {
  const files = fs.readdirSync(distDir)
    .filter((f) => /\.(html|js|wasm|css)$/.test(f))
    .sort();
  if (!files.some((f) => f.endsWith('.wasm'))) throw new Error(`no .wasm in ${distDir}: build first`);
  const sizes = files.map((f) => {
    const data = fs.readFileSync(path.join(distDir, f));
    const gzip = zlib.gzipSync(data, { level: 9 }).length;
    const brotli = zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [zlib.constants.BROTLI_PARAM_MODE]: f.endsWith('.wasm') ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
      },
    }).length;
    return { file: f, raw: data.length, gzip, brotli };
  });
  const total = (k) => sizes.reduce((s, x) => s + x[k], 0);
  const wasm = sizes.filter((s) => s.file.endsWith('.wasm'));
  const sections = Object.entries(wasmSections(fs.readFileSync(path.join(distDir, wasm[0].file))))
    .sort((a, b) => b[1] - a[1]);
  const figure = 'bundle';
  const wasmGzip = wasm.reduce((s, x) => s + x.gzip, 0);
  const code = sections.find(([name]) => name === 'code')?.[1] ?? 0;
  const custom = sections.filter(([name]) => name.startsWith('custom')).reduce((s, [, b]) => s + b, 0);
  const wasmBrotli = wasm.reduce((s, x) => s + x.brotli, 0);
  const reasonFor = (kind, wasmKb, totalKb) => `likely reason: the wasm is ${wasmKb.toFixed(0)} of the ${totalKb.toFixed(0)} KB ${kind},`
    + ` and ${(100 * code / wasm[0].raw).toFixed(0)} % of it is the code section (${(custom / KB).toFixed(1)} KB of custom sections such as`
    + ' names or debug info): the compiled code itself is large, so the dependencies that reach the bundle are the place to look';
  const rows = [
    row({
      figure, label: 'bundle, gzip -9 (all files)', goal: `≤ ${GOAL_GZIP_KB} KB`, unit: 'KB', values: [total('gzip') / KB],
      meets: (s) => s.max <= GOAL_GZIP_KB,
      note: total('gzip') / KB > GOAL_GZIP_KB ? reasonFor('gzipped', wasmGzip / KB, total('gzip') / KB) : undefined,
    }),
    row({
      figure, label: 'bundle, brotli 11 (all files; what browsers get)', goal: `≤ ${GOAL_BROTLI_KB} KB`, unit: 'KB',
      values: [total('brotli') / KB], meets: (s) => s.max <= GOAL_BROTLI_KB,
      note: total('brotli') / KB > GOAL_BROTLI_KB ? reasonFor('in brotli', wasmBrotli / KB, total('brotli') / KB) : undefined,
    }),
    row({ figure, label: 'bundle, uncompressed', unit: 'KB', values: [total('raw') / KB], verdict: INFO }),
    row({ figure, label: 'wasm alone, gzip -9', unit: 'KB', values: [wasm.reduce((s, x) => s + x.gzip, 0) / KB], verdict: INFO }),
  ];
  return {
    rows,
    section: {
      title: 'Bundle size',
      how: 'Every file of `dist/` a browser loads (index.html, JavaScript, wasm, CSS; not the'
        + ' configuration), compressed with node\'s zlib: gzip level 9 and brotli quality 11.'
        + ' Brotli is what browsers get from the shipped nginx (it sends the build\'s `.br` copies'
        + ' where the brotli_static module is installed), gzip what they get without it.'
        + ' 1 KB = 1,000 bytes. Sizes are deterministic, so each is measured once.',
      tables: [{
        head: ['file', 'bytes', 'gzip -9', 'brotli 11'],
        rows: [...sizes.map((s) => [s.file, s.raw, s.gzip, s.brotli]), ['total', total('raw'), total('gzip'), total('brotli')]],
      }, {
        head: [`${wasm[0].file}: section`, 'bytes (uncompressed)'],
        rows: sections.map(([name, bytes]) => [name, bytes]),
      }],
    },
  };
}
