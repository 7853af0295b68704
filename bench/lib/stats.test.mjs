import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmt, summarize } from './stats.mjs';

test('summarize: min, median (mean of the middle pair when even), max; ignores non-numbers', () => {
  const check = (input, expect) => assert.deepEqual(summarize(input), expect, JSON.stringify(input));
  check([3, 1, 2], { n: 3, min: 1, median: 2, max: 3 });
  check([4, 1, 3, 2], { n: 4, min: 1, median: 2.5, max: 4 });
  check([7], { n: 1, min: 7, median: 7, max: 7 });
  check([NaN, 5, undefined, Infinity, 1], { n: 2, min: 1, median: 3, max: 5 });
  check([], null);
});

test('fmt: significant digits by magnitude, a dash for missing values', () => {
  const check = (input, unit, expect) => assert.equal(fmt(input, unit), expect);
  check(1234.56, 'ms', '1235 ms');
  check(26, '', '26');
  check(12.345, '', '12.3');
  check(1.2345, '', '1.23');
  check(0.01234, '', '0.012');
  check(0, 'ms', '0 ms');
  check(null, 'ms', '–');
  check(NaN, '', '–');
});
