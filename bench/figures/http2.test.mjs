import { test } from 'node:test';
import assert from 'node:assert/strict';

import { referenceConfig } from '../../tests/e2e/harness.mjs';
import { expressionsOf, withViews } from '../lib/configs.mjs';
import { forwardable } from '../lib/slow-proxy.mjs';
import { fanOutViewYaml, withMaxInFlight } from './http2.mjs';

test('withMaxInFlight sets the datasource limit and nothing else', () => {
  const yaml = 'datasource:\n  base_url: /prometheus\n  max_in_flight: 6\n  refresh_secs: 30\n';
  assert.equal(withMaxInFlight(yaml, 20), 'datasource:\n  base_url: /prometheus\n  max_in_flight: 20\n  refresh_secs: 30\n');
});

test('withMaxInFlight refuses a configuration without the key instead of measuring the default', () => {
  assert.throws(() => withMaxInFlight('datasource:\n  base_url: /prometheus\n', 20), /no max_in_flight/);
});

test('forwardable drops the pseudo-headers and the connection-specific headers HTTP/2 forbids', () => {
  assert.deepEqual(forwardable({
    ':path': '/', ':authority': '127.0.0.1:1', 'accept-encoding': 'br', Connection: 'keep-alive',
    'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'content-type': 'text/html',
  }), { 'accept-encoding': 'br', 'content-type': 'text/html' });
});

test('the fan-out configuration is one the app accepts, with that many distinct range queries', () => {
  const yaml = withViews(withMaxInFlight(referenceConfig(), 20), fanOutViewYaml(20));
  const { views } = expressionsOf(yaml);
  const queries = views.flatMap((v) => v.graphs.flatMap((g) => g.queries));
  assert.equal(new Set(queries).size, 20);
});
