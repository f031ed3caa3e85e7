// The gzipped protobuf scrape is one valid gzip stream of exactly the protobuf scrape, reusing cached runs.
import { describe, expect, test } from 'bun:test';
import { OWN_TYPES } from '../../src/http/self-metrics.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import type { OwnFamily } from '../../src/render/family-merge.ts';
import { renderGzipProtobufExposition, renderProtobufExposition } from '../../src/render/protobuf.ts';
import { Store } from '../../src/store/store.ts';

const own = (): OwnFamily[] => [
  { name: 'process_open_fds', help: 'Number of open file descriptors.', type: 'gauge', text: new TextEncoder().encode('process_open_fds 7\n') },
];

function push(store: Store, group: number, value: number): void {
  const body = `# TYPE p_total counter\np_total{x="${group}"} ${value}\n# TYPE p_seconds histogram\np_seconds_bucket{le="1"} 1\np_seconds_sum ${value}\np_seconds_count 2\n`;
  const result = store.apply({ labels: ['instance', `i${group}`, 'job', 'pb'], families: parseText(body), replace: true, timeMs: 1000 + value });
  if (!result.ok) throw new Error(result.error);
}

describe('renderGzipProtobufExposition', () => {
  test('gunzips to exactly the protobuf exposition, before and after a push', () => {
    const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    for (let i = 0; i < 400; i++) push(store, i, i);
    const check = (nowMs: number): Uint8Array[] => {
      const gzipped = renderGzipProtobufExposition(store.groups(), own(), nowMs);
      const plain = Buffer.concat(renderProtobufExposition(store.groups(), own()));
      expect(Buffer.from(Bun.gunzipSync(Buffer.concat(gzipped))).equals(plain)).toBe(true);
      return gzipped;
    };
    check(0);
    push(store, 17, 99);
    check(1);
  });

  test('an unchanged store reuses every cached run', () => {
    const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    for (let i = 0; i < 400; i++) push(store, i, i);
    const first = new Set(renderGzipProtobufExposition(store.groups(), own(), 0));
    const second = renderGzipProtobufExposition(store.groups(), own(), 1);
    // New each scrape: the length prefix of each of the 5 families (p_seconds, p_total, process_open_fds and
    // the two time gauges), the gateway's own series and the trailer. Every run of stored series is reused.
    expect(second.filter((chunk) => !first.has(chunk)).length).toBe(5 + 1 + 1);
  });
});
