// Where the bundle's wasm bytes go: every function's optimised size, summed per crate and per
// module, from a copy of the release wasm optimised exactly as Trunk does (wasm-bindgen, then
// wasm-opt -Oz) but with `-g`, which keeps the name section the shipped file drops. twiggy
// cannot be installed here without a network build; this reads the same sections itself.
//
//   node bench/size-map.mjs                       # the last release build's wasm (trunk build --release first)
//   node bench/size-map.mjs --top=60 --functions=40
//   node bench/size-map.mjs --json=/tmp/a.json    # save, then after a change:
//   node bench/size-map.mjs --compare=/tmp/a.json # what grew and what shrank, per crate / module / function
//   node bench/size-map.mjs --grep=serde          # functions whose name contains a word, biggest first
//   node bench/size-map.mjs --before-opt          # before wasm-opt: less inlining, so closer to the source
//   node bench/size-map.mjs --wasm=F --optimised  # a wasm already optimised with -g
//   node bench/size-map.mjs --bundle=dist,/tmp/dist-b   # the bench's bundle figures, per build directory
//   node bench/size-map.mjs --v0                  # builds with v0 symbol names (its own target dir,
//                                                 # ~5 min) so generics name what they were made for:
//                                                 # the per-project-module table then counts them
//
// Sizes are raw bytes of the optimised code section (function bodies) and data section; the
// shipped file differs from this copy only by the names (a few KB of unrelated drift at most,
// printed below as "shipped size"). A group's "gzip" is its bodies compressed alone: an upper
// bound of what the group adds to the compressed bundle, not a share of it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const out = { top: 40, functions: 30, modules: 40 };
  for (const a of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a} (see the head of bench/size-map.mjs)`);
    out[m[1]] = m[2] ?? true;
  }
  for (const k of ['top', 'functions', 'modules']) out[k] = Number(out[k]);
  return out;
}

/** Reads an unsigned LEB128 at `pos.i`, advancing it. */
function leb(buf, pos) {
  let r = 0;
  let shift = 0;
  let b;
  do {
    b = buf[pos.i];
    pos.i += 1;
    r += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return r;
}

/** Function bodies (index, size, bytes), their names, data segment bytes and section sizes. */
export function parseWasm(buf) {
  if (buf.length < 8 || buf.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  const pos = { i: 8 };
  let importedFuncs = 0;
  const bodies = [];
  const names = new Map();
  let data = 0;
  const sections = {};
  while (pos.i < buf.length) {
    const id = buf[pos.i];
    pos.i += 1;
    const size = leb(buf, pos);
    const start = pos.i;
    const end = start + size;
    if (id === 2) {
      const n = leb(buf, pos);
      for (let k = 0; k < n; k += 1) {
        for (let s = 0; s < 2; s += 1) {
          const len = leb(buf, pos); // module, then field name
          pos.i += len;
        }
        const kind = buf[pos.i];
        pos.i += 1;
        if (kind === 0) {
          leb(buf, pos);
          importedFuncs += 1;
        } else if (kind === 1) {
          pos.i += 1; // reftype
          const flags = leb(buf, pos);
          leb(buf, pos);
          if (flags & 1) leb(buf, pos);
        } else if (kind === 2) {
          const flags = leb(buf, pos);
          leb(buf, pos);
          if (flags & 1) leb(buf, pos);
        } else if (kind === 3) {
          pos.i += 2;
        } else if (kind === 4) {
          pos.i += 1;
          leb(buf, pos);
        }
      }
    } else if (id === 10) {
      const n = leb(buf, pos);
      for (let k = 0; k < n; k += 1) {
        const len = leb(buf, pos);
        bodies.push({ index: importedFuncs + k, size: len + (len < 128 ? 1 : len < 16384 ? 2 : 3), at: pos.i, len });
        pos.i += len;
      }
    } else if (id === 11) {
      data = size;
    } else if (id === 0) {
      const n = leb(buf, pos);
      const name = buf.subarray(pos.i, pos.i + n).toString('utf8');
      pos.i += n;
      if (name === 'name') {
        while (pos.i < end) {
          const sub = buf[pos.i];
          pos.i += 1;
          const subSize = leb(buf, pos);
          const subEnd = pos.i + subSize;
          if (sub === 1) {
            const count = leb(buf, pos);
            for (let k = 0; k < count; k += 1) {
              const idx = leb(buf, pos);
              const len = leb(buf, pos);
              names.set(idx, buf.subarray(pos.i, pos.i + len).toString('utf8'));
              pos.i += len;
            }
          }
          pos.i = subEnd;
        }
      }
      sections[`custom "${name}"`] = size;
    }
    if (id !== 0) sections[id] = (sections[id] ?? 0) + size;
    pos.i = end;
  }
  for (const b of bodies) b.name = names.get(b.index) ?? `func[${b.index}]`;
  return { bodies, data, sections };
}

/** Drops the `::h0123…` hash and `{{closure}}`-style noise rustc leaves in a demangled name. */
function clean(name) {
  return name
    .replace(/::h[0-9a-f]{16}(\.\d+)?$/, '')
    .replace(/\.\d+$/, '') // wasm-opt's suffix for a duplicated name
    .replace(/\[[0-9a-f]{8,16}\]/g, ''); // the standard library's crate disambiguators
}

const PRIMITIVES = new Set(['bool', 'char', 'str', 'f32', 'f64', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize', 'u8', 'u16', 'u32', 'u64', 'u128', 'usize']);

/**
 * The path a function is defined in: for `<T as Trait>::f` the impl's self type (its crate is
 * what caused the code: `<panopticon_core::X as serde::Deserialize>::deserialize` is the
 * core crate's derive), for `a::b::c<T>` the path before the generics.
 */
export function definingPath(name) {
  let n = clean(name).trim();
  // `<<A as B>::C as D>::e` and `<&T as Display>::fmt`: take the innermost self type.
  while (n.startsWith('<')) {
    n = n.slice(1);
    while (n.startsWith('&') || n.startsWith('*const ') || n.startsWith('*mut ') || n.startsWith('mut ') || n.startsWith('dyn ')) {
      n = n.replace(/^(&|\*const |\*mut |mut |dyn )/, '');
    }
    if (n.startsWith('[') || n.startsWith('(')) n = n.slice(1);
  }
  const stop = n.search(/[<>\s,;\]()]/);
  const p = stop === -1 ? n : n.slice(0, stop);
  const parts = p.split('::').filter((s) => s.length > 0);
  if (parts.length === 1 && PRIMITIVES.has(parts[0])) return ['core', parts[0]];
  // A generic self type (`<T as Trait>::f`, `<&F as Fn>::call`): the trait's path says more.
  if (parts.length === 1 && /^[A-Z][A-Za-z0-9]?$/.test(parts[0])) {
    const m = / as ([a-z_][a-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)/.exec(n);
    if (m) return m[1].split('::');
  }
  return parts.length > 0 ? parts : [n || '?'];
}

/**
 * The project's module a function was made for: the first `panopticon…::module` its name
 * mentions. With legacy symbol names a generic's parameters are not in the name, so only
 * the project's own functions and a few drops say it; a build with
 * `-C symbol-mangling-version=v0` names every instantiation's parameters (`--v0`).
 */
function mentionedProjectModule(name) {
  const m = /panopticon(?:_[a-z]+)?(?:::[a-z_][a-z0-9_]*)?/.exec(clean(name));
  return m ? m[0] : null;
}

function crateOf(name) {
  if (/^func\[\d+\]$/.test(name)) return '(unnamed)';
  const parts = definingPath(name);
  const first = parts[0];
  if (/^[a-z_][a-z0-9_]*$/.test(first)) return first;
  return '(other)';
}

function moduleOf(name, depth) {
  if (/^func\[\d+\]$/.test(name)) return '(unnamed)';
  const parts = definingPath(name).filter((s) => !/^\{\{.*\}\}$/.test(s));
  // `a::b::<impl Trait for T>::f`: the path already ends at the module.
  if (clean(name).includes(`${parts.join('::')}::<impl`)) return parts.slice(0, depth).join('::');
  // Drop the item name itself (the last segment, or the last two for `Type::method`).
  let mod = parts.slice(0, Math.max(1, parts.length - 1));
  if (mod.length > 1 && /^[A-Z]/.test(mod[mod.length - 1])) mod = mod.slice(0, -1);
  return mod.slice(0, depth).join('::');
}

function group(bodies, buf, key) {
  const map = new Map();
  for (const b of bodies) {
    const k = key(b);
    let g = map.get(k);
    if (!g) {
      g = { key: k, bytes: 0, count: 0, parts: [] };
      map.set(k, g);
    }
    g.bytes += b.size;
    g.count += 1;
    if (buf) g.parts.push(buf.subarray(b.at, b.at + b.len));
  }
  const out = [...map.values()].sort((a, b) => b.bytes - a.bytes);
  if (buf) {
    for (const g of out) {
      g.gzip = zlib.gzipSync(Buffer.concat(g.parts), { level: 9 }).length;
      delete g.parts;
    }
  }
  return out;
}

const kb = (n) => (n / 1000).toFixed(1);
const pct = (n, total) => `${((100 * n) / total).toFixed(1)} %`;

function table(title, header, rows) {
  const lines = [`\n### ${title}\n`, `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/** Builds the named copy of the wasm: wasm-bindgen then wasm-opt -Oz -g, as Trunk runs them. */
function namedWasm(opts) {
  if (opts.wasm && opts.wasm !== true && opts.optimised) return fs.readFileSync(opts.wasm);
  let input = opts.wasm && opts.wasm !== true
    ? opts.wasm
    : path.join(repo, 'target/wasm32-unknown-unknown/release/panopticon.wasm');
  if (opts.v0) {
    // Its own target directory: other RUSTFLAGS in the shared one would rebuild everything twice.
    const targetDir = path.join(repo, 'target/size-map-v0');
    const rustflags = '--cfg erase_components -C symbol-mangling-version=v0';
    execFileSync('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--bin', 'panopticon'], {
      cwd: repo, stdio: 'inherit', env: { ...process.env, CARGO_TARGET_DIR: targetDir, RUSTFLAGS: rustflags },
    });
    input = path.join(targetDir, 'wasm32-unknown-unknown/release/panopticon.wasm');
  }
  if (!fs.existsSync(input)) throw new Error(`${input} not found: run trunk build --release first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'size-map-'));
  try {
    execFileSync('wasm-bindgen', ['--target=web', `--out-dir=${dir}`, '--out-name=app', input], { stdio: 'inherit' });
    if (opts['before-opt']) return fs.readFileSync(path.join(dir, 'app_bg.wasm'));
    const level = opts.level && opts.level !== true ? opts.level : 'z';
    execFileSync('wasm-opt', [`-O${level}`, '-g', '--enable-reference-types', '-o', path.join(dir, 'opt.wasm'), path.join(dir, 'app_bg.wasm')], { stdio: 'inherit' });
    return fs.readFileSync(path.join(dir, 'opt.wasm'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function summarise(buf) {
  const { bodies, data, sections } = parseWasm(buf);
  const code = bodies.reduce((s, b) => s + b.size, 0);
  const crates = group(bodies, buf, (b) => crateOf(b.name));
  const modules = group(bodies, buf, (b) => {
    const c = crateOf(b.name);
    const depth = c.startsWith('panopticon') || c === 'core' || c === 'alloc' || c === 'std' ? 3 : 2;
    return moduleOf(b.name, depth);
  });
  const causes = group(bodies, buf, (b) => mentionedProjectModule(b.name) ?? '(no project module named)');
  // Copies of one generic function (one name, several bodies): the monomorphisation cost.
  const monos = group(bodies.map((b) => ({ ...b, name: clean(b.name).replace(/::\{\{closure\}\}/g, '') })), null, (b) => b.name)
    .filter((g) => g.count > 1);
  const functions = [...bodies].sort((a, b) => b.size - a.size).map((b) => ({ name: clean(b.name), bytes: b.size }));
  return { total: buf.length, code, data, functions: bodies.length, sections, crates, modules, causes, monos, functionList: functions };
}

function diffRows(before, after, key) {
  const m = new Map();
  for (const g of before) m.set(g[key], { key: g[key], before: g.bytes ?? 0, after: 0 });
  for (const g of after) {
    const e = m.get(g[key]) ?? { key: g[key], before: 0, after: 0 };
    e.after = g.bytes;
    m.set(g[key], e);
  }
  return [...m.values()].map((e) => ({ ...e, delta: e.after - e.before })).filter((e) => e.delta !== 0)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0]);
    return;
  }
  if (opts.bundle) {
    // The bench's own figure (every file a browser loads, gzip -9 and brotli 11), per directory.
    const { bundle } = await import('./figures/bundle.mjs');
    const dirs = String(opts.bundle).split(',');
    const lines = ['| bundle | gzip -9 KB | brotli 11 KB | raw KB |', '| --- | --- | --- | --- |'];
    for (const dir of dirs) {
      const { rows } = await bundle({ distDir: dir });
      const v = (label) => rows.find((r) => r.label.startsWith(label)).summary.median.toFixed(1);
      lines.push(`| ${dir} | ${v('bundle, gzip')} | ${v('bundle, brotli')} | ${v('bundle, uncompressed')} |`);
    }
    console.log(lines.join('\n'));
    return;
  }
  const s = summarise(namedWasm(opts));
  const out = [];
  out.push(`wasm (named copy) ${kb(s.total)} KB: code ${kb(s.code)} KB in ${s.functions} functions, data ${kb(s.data)} KB`);
  if (opts.grep) {
    const word = String(opts.grep);
    const hits = s.functionList.filter((f) => f.name.includes(word));
    const sum = hits.reduce((a, f) => a + f.bytes, 0);
    out.push(`${hits.length} functions naming "${word}": ${kb(sum)} KB (${pct(sum, s.code)} of code)`);
    out.push(table(`functions naming "${word}"`, ['bytes', 'function'], hits.slice(0, opts.functions).map((f) => [f.bytes, `\`${f.name.slice(0, 160)}\``])));
    console.log(out.join('\n'));
    return;
  }
  if (opts.compare) {
    const before = JSON.parse(fs.readFileSync(opts.compare, 'utf8'));
    out.push(`before ${kb(before.total)} KB (code ${kb(before.code)}, data ${kb(before.data)}); after ${kb(s.total)} KB (code ${kb(s.code)}, data ${kb(s.data)}): ${s.total - before.total >= 0 ? '+' : ''}${s.total - before.total} bytes`);
    const show = (title, rows) => out.push(table(title, ['before', 'after', 'change', 'what'], rows.slice(0, opts.top).map((r) => [r.before, r.after, (r.delta > 0 ? '+' : '') + r.delta, `\`${String(r.key).slice(0, 140)}\``])));
    show('crates', diffRows(before.crates, s.crates, 'key'));
    show('modules', diffRows(before.modules, s.modules, 'key'));
    const fb = before.functionList.map((f) => ({ key: f.name, bytes: f.bytes }));
    const fa = s.functionList.map((f) => ({ key: f.name, bytes: f.bytes }));
    // Functions with one name several times (closures, monomorphs) are summed per name.
    const sumByName = (l) => group(l.map((f) => ({ name: f.key, size: f.bytes })), null, (b) => b.name);
    show('functions (summed per name)', diffRows(sumByName(fb), sumByName(fa), 'key'));
    console.log(out.join('\n'));
    return;
  }
  out.push(table('per crate (the crate that defines the function; for `<T as Trait>::f`, T\'s crate)', ['crate', 'functions', 'bytes', 'share of code', 'gzip alone'],
    s.crates.slice(0, opts.top).map((g) => [`\`${g.key}\``, g.count, g.bytes, pct(g.bytes, s.code), g.gzip])));
  out.push(table('per module', ['module', 'functions', 'bytes', 'share of code', 'gzip alone'],
    s.modules.slice(0, opts.modules).map((g) => [`\`${g.key}\``, g.count, g.bytes, pct(g.bytes, s.code), g.gzip])));
  out.push(table('per project module, with the generic code made for it (needs --v0 to see the generics)', ['module', 'functions', 'bytes', 'share of code', 'gzip alone'],
    s.causes.slice(0, opts.modules).map((g) => [`\`${g.key}\``, g.count, g.bytes, pct(g.bytes, s.code), g.gzip])));
  out.push(table('generic functions with several copies (closures folded into their function)', ['copies', 'bytes', 'function'],
    s.monos.slice(0, opts.functions).map((g) => [g.count, g.bytes, `\`${g.key.slice(0, 160)}\``])));
  out.push(table('largest functions', ['bytes', 'function'], s.functionList.slice(0, opts.functions).map((f) => [f.bytes, `\`${f.name.slice(0, 160)}\``])));
  console.log(out.join('\n'));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(s));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`size-map: ${e.stack ?? e.message}`);
    process.exit(1);
  });
}
