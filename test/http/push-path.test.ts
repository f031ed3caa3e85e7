// Which way a push goes to the store: whole text bodies through the fast path (issue #4), the rest structured.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { parseFlags } from '../../src/flags.ts';
import { createHandler } from '../../src/http/server.ts';
import { OWN_TYPES, SelfMetrics } from '../../src/http/self-metrics.ts';
import { createLogger } from '../../src/log.ts';
import { encodeFamilyText } from '../../src/render/text.ts';
import { Store } from '../../src/store/store.ts';

const BODY = '# TYPE rows gauge\nrows{table="a"} 1\nrows{table="b"} 2\n# TYPE seconds histogram\nseconds_bucket{le="+Inf"} 2\nseconds_sum 3\nseconds_count 2\n';

/** A gateway whose store counts the families it encodes itself; returns what one PUT of `body` cost. */
async function encodesOfOnePut(body: Uint8Array, headers: Record<string, string> = {}): Promise<string[]> {
  const encoded: string[] = [];
  const store = new Store({
    encode: (family: MetricFamily) => {
      encoded.push(family.name);
      return encodeFamilyText(family);
    },
    checkConsistency: true,
    ownTypes: OWN_TYPES,
  });
  const parsed = parseFlags([]);
  if (parsed.kind !== 'run') throw new Error('default flags did not parse');
  const handler = createHandler({
    config: parsed.config, store, metrics: new SelfMetrics(), log: createLogger({ level: 'error', format: 'logfmt' }), quit: () => undefined,
  });
  // With its length declared, as clients send it: bodies of undeclared length are streamed.
  const request = new Request('http://127.0.0.1:9091/metrics/job/j', { method: 'PUT', body, headers: { ...headers, 'Content-Length': String(body.length) } });
  const response = await handler(request);
  expect(response.status).toBe(200);
  expect(store.size).toBe(1);
  return encoded.sort();
}

describe('a PUT reaches the store', () => {
  test('encoded by the text fast path when its text body is in hand: the store encodes only its own gauges', async () => {
    expect(await encodesOfOnePut(new TextEncoder().encode(BODY))).toEqual(['push_failure_time_seconds', 'push_time_seconds']);
  });

  test('structured when the body is compressed: the store encodes the pushed families too', async () => {
    const body = Bun.gzipSync(new TextEncoder().encode(BODY));
    expect(await encodesOfOnePut(body, { 'Content-Encoding': 'gzip' })).toEqual(['push_failure_time_seconds', 'push_time_seconds', 'rows', 'seconds']);
  });

  test('structured when the fast path gives up (a body label the grouping overrides), with the same outcome', async () => {
    const body = new TextEncoder().encode(BODY.replace('rows{table="a"}', 'rows{table="a",job="x"}'));
    expect(await encodesOfOnePut(body)).toEqual(['push_failure_time_seconds', 'push_time_seconds', 'rows', 'seconds']);
  });
});
