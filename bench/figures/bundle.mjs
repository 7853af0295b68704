// Bundle size: what a browser downloads on a cold load (index.html, js, wasm, css),
// compressed the way a server would send it at best: gzip -9 and brotli (quality 11).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { INFO, row } from '../lib/report.mjs';

const KB = 1000;
const GOAL_GZIP_KB = 350;

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
  const figure = 'bundle';
  const rows = [
    row({ figure, label: 'bundle, gzip -9 (all files)', goal: `≤ ${GOAL_GZIP_KB} KB`, unit: 'KB', values: [total('gzip') / KB], meets: (s) => s.max <= GOAL_GZIP_KB }),
    row({ figure, label: 'bundle, brotli 11 (all files)', unit: 'KB', values: [total('brotli') / KB], verdict: INFO }),
    row({ figure, label: 'bundle, uncompressed', unit: 'KB', values: [total('raw') / KB], verdict: INFO }),
    row({ figure, label: 'wasm alone, gzip -9', unit: 'KB', values: [wasm.reduce((s, x) => s + x.gzip, 0) / KB], verdict: INFO }),
  ];
  return {
    rows,
    section: {
      title: 'Bundle size',
      how: 'Every file of `dist/` a browser loads (index.html, JavaScript, wasm, CSS; not the'
        + ' configuration), compressed with node\'s zlib: gzip level 9 and brotli quality 11.'
        + ' 1 KB = 1,000 bytes. Sizes are deterministic, so each is measured once.',
      tables: [{
        head: ['file', 'bytes', 'gzip -9', 'brotli 11'],
        rows: [...sizes.map((s) => [s.file, s.raw, s.gzip, s.brotli]), ['total', total('raw'), total('gzip'), total('brotli')]],
      }],
    },
  };
}
