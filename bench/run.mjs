#!/usr/bin/env node
// Entry point of the benchmarks: `node bench/run.mjs [--quick] [--only=…] [--out=…]`
// (scripts/bench.sh builds the bundle and the simulator first, then runs this).
//
// The harness module reads PANOPTICON_SIM when it is loaded, so the release simulator
// is chosen here, before the benchmark modules are imported.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const releaseSim = path.join(repo, 'target/release/panopticon-sim');
if (!process.env.PANOPTICON_SIM && fs.existsSync(releaseSim)) process.env.PANOPTICON_SIM = releaseSim;

const { main } = await import('./main.mjs');
try {
  await main(process.argv.slice(2));
  process.exit(0);
} catch (e) {
  console.error(`bench: ${e.stack ?? e.message}`);
  process.exit(1);
}
