// Summaries of repeated measurements. Every figure in the results file is a
// min/median/max over its runs, so one noisy run on a shared machine is visible
// as a wide range instead of silently moving the headline number.

/** `{ n, min, median, max }` of finite numbers; `null` when there is nothing to summarise. */
export function summarize(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  const median = xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
  return { n: xs.length, min: xs[0], median, max: xs[xs.length - 1] };
}

/** A number for a table: a few significant digits, no exponent for the sizes we print. */
export function fmt(value, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  let text;
  if (Number.isInteger(value)) text = String(value);
  else if (abs >= 100) text = value.toFixed(0);
  else if (abs >= 10) text = value.toFixed(1);
  else if (abs >= 1) text = value.toFixed(2);
  else text = value.toFixed(3);
  return unit ? `${text} ${unit}` : text;
}
