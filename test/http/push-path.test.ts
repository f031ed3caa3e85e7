// Which way a push goes to the store: whole text bodies through the fast path (issue #4), the rest structured.
import { describe, expect, test } from 'bun:test';
import { parseFlags } from '../../src/flags.ts';
import { createHandler } from '../../src/http/server.ts';
import { OWN_TYPES, SelfMetrics } from '../../src/http/self-metrics.ts';
import { createLogger } from '../../src/log.ts';
import { Store } from '../../src/store/store.ts';
import { storeWriter } from '../../src/store/writer.ts';

const BODY = '# TYPE rows gauge\nrows{table="a"} 1\nrows{table="b"} 2\n# TYPE seconds histogram\nseconds_bucket{le="+Inf"} 2\nseconds_sum 3\nseconds_count 2\n';

/** How many families the store of a fresh gateway encodes itself for one PUT of `body` (see Store.encodes). */
async function encodesOfOnePut(body: Uint8Array, headers: Record<string, string> = {}): Promise<number> {
  const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
  const parsed = parseFlags([]);
  if (parsed.kind !== 'run') throw new Error('default flags did not parse');
  const handler = createHandler({
    config: parsed.config, store, writer: storeWriter(store), metrics: new SelfMetrics(), log: createLogger({ level: 'error', format: 'logfmt' }), quit: () => undefined,
  });
  // With its length declared, as clients send it: bodies of undeclared length are streamed.
  const request = new Request('http://127.0.0.1:9091/metrics/job/j', { method: 'PUT', body, headers: { ...headers, 'Content-Length': String(body.length) } });
  const response = await handler(request);
  expect(response.status).toBe(200);
  expect(store.size).toBe(1);
  return store.encodes;
}

// A new group's two timestamp gauges are always encoded by the store; the body's families `rows` and
// `seconds` only when they reach it structured.
const GAUGES_ONLY = 2;
const GAUGES_AND_BODY = 4;

describe('a PUT reaches the store', () => {
  test('encoded by the text fast path when its text body is in hand: the store encodes only its own gauges', async () => {
    expect(await encodesOfOnePut(new TextEncoder().encode(BODY))).toBe(GAUGES_ONLY);
  });

  test('structured when the body is compressed: the store encodes the pushed families too', async () => {
    const body = Bun.gzipSync(new TextEncoder().encode(BODY));
    expect(await encodesOfOnePut(body, { 'Content-Encoding': 'gzip' })).toBe(GAUGES_AND_BODY);
  });

  test('structured when the fast path gives up (a body label the grouping overrides), with the same outcome', async () => {
    const body = new TextEncoder().encode(BODY.replace('rows{table="a"}', 'rows{table="a",job="x"}'));
    expect(await encodesOfOnePut(body)).toBe(GAUGES_AND_BODY);
  });
});
