// Rows of the results table, the console table and the results file (docs/benchmarks.md).
import { fmt, summarize } from './stats.mjs';

/** Verdicts, in the words the results file uses. */
export const MEETS = 'meets goal';
export const MISSES = 'MISSES goal';
export const INFO = 'info';
export const NOT_INSTRUMENTED = 'not instrumented';
export const FAILED = 'failed';

/**
 * One line of the results table. `values` are the runs; `goal` is the text shown and
 * `meets(summary)` decides it (on the median unless the goal says otherwise). Without
 * a `meets` the row is information only.
 */
export function row({ figure, label, goal = '', unit = '', values = [], meets, verdict, note }) {
  const summary = summarize(values);
  let v = verdict;
  if (!v) {
    if (!summary) v = FAILED;
    else if (!meets) v = INFO;
    else v = meets(summary) ? MEETS : MISSES;
  }
  return { figure, label, goal, unit, summary, verdict: v, note };
}

/** A row for a figure whose instrumentation point is absent from the app. */
export function notInstrumented({ figure, label, goal, measure }) {
  return row({ figure, label, goal, verdict: NOT_INSTRUMENTED, note: `no \`${measure}\` measure was recorded by the app` });
}

/** A row for a figure that could not be measured, with the reason. */
export function failedRow({ figure, label, goal, error }) {
  return row({ figure, label, goal, verdict: FAILED, note: error });
}

function cells(r) {
  const s = r.summary;
  return [
    r.label,
    r.goal,
    s ? fmt(s.min, r.unit) : '–',
    s ? fmt(s.median, r.unit) : '–',
    s ? fmt(s.max, r.unit) : '–',
    s ? String(s.n) : '0',
    r.verdict,
  ];
}

const HEAD = ['figure', 'goal', 'min', 'median', 'max', 'runs', 'verdict'];

/** The table for the terminal, columns aligned. */
export function consoleTable(rows) {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}

const esc = (text) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The results file: machine, date, commit, the table, then notes and details per figure. */
export function markdown({ machine, rows, sections, startedAt, seconds, command }) {
  const out = [];
  out.push('# Benchmarks', '');
  out.push(`Measured by \`${command}\` (harness: [\`bench/\`](../bench/)). Every figure is the`
    + ' min / median / max over its runs; a goal is judged on the median unless it says otherwise.'
    + ' Nothing here is edited by hand: run the command again to refresh it.', '');
  out.push('## Machine and build', '');
  out.push('| item | value |', '| --- | --- |');
  for (const [k, v] of Object.entries(machine)) out.push(`| ${esc(k)} | ${esc(v)} |`);
  out.push(`| date | ${startedAt.toISOString()} |`);
  out.push(`| run time | ${Math.round(seconds)} s |`);
  out.push('');
  out.push('## Results', '');
  out.push(`| ${HEAD.join(' | ')} |`, `| ${HEAD.map(() => '---').join(' | ')} |`);
  for (const r of rows) out.push(`| ${cells(r).map(esc).join(' | ')} |`);
  out.push('');
  const missed = rows.filter((r) => r.verdict === MISSES || r.verdict === FAILED || r.verdict === NOT_INSTRUMENTED);
  if (missed.length) {
    out.push('### Goals missed or not measured', '');
    out.push('What was done about each miss, and why what remains remains: [performance.md](performance.md).', '');
    for (const r of missed) {
      out.push(`- **${r.label}** — ${r.verdict}${r.summary ? `: median ${fmt(r.summary.median, r.unit)} (goal ${r.goal})` : ''}.${r.note ? ` ${r.note}` : ''}`);
    }
    out.push('');
  }
  for (const s of sections) {
    out.push(`## ${s.title}`, '');
    if (s.how) out.push(s.how, '');
    for (const n of s.notes ?? []) out.push(`- ${n}`);
    if (s.notes?.length) out.push('');
    for (const t of s.tables ?? []) {
      out.push(`| ${t.head.map(esc).join(' | ')} |`, `| ${t.head.map(() => '---').join(' | ')} |`);
      for (const r of t.rows) out.push(`| ${r.map(esc).join(' | ')} |`);
      out.push('');
    }
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
