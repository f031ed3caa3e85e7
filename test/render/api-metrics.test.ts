// The /api/v1/metrics body from cached per-group fragments: what is encoded when, native and float histograms, Go's JSON strings and times.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { ApiMetricsCache } from '../../src/render/api-metrics.ts';
import { goJsonTime, quoteGoJson } from '../../src/render/go-json.ts';
import { newStore, putGroup } from '../../bench/stores.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { Store } from '../../src/store/store.ts';

const text = (parts: readonly Uint8Array[]) => new TextDecoder().decode(Buffer.concat(parts));

describe('ApiMetricsCache', () => {
  test('encodes each group once per version: an unchanged store is answered from the cache, a push re-encodes only its group', () => {
    const store = newStore();
    for (let i = 0; i < 100; i++) putGroup(store, i);
    const cache = new ApiMetricsCache();
    const first = cache.body(store.groups());
    expect(cache.fragmentsEncoded).toBe(100);
    expect(JSON.parse(text(first)).data).toHaveLength(100);
    // Nothing changed: the same parts, nothing encoded.
    expect(cache.body(store.groups())).toBe(first);
    expect(cache.fragmentsEncoded).toBe(100);
    putGroup(store, 7, 1_800_000_000_000);
    const after = text(cache.body(store.groups()));
    expect(cache.fragmentsEncoded).toBe(101);
    expect(after).toContain('"value":"1.8e+09"');
  });

  // The push path pays nothing for the API: fragments are built on the first request that shows a group.
  test('pushes encode nothing; the next request encodes the groups they changed, once', () => {
    const store = newStore();
    for (let i = 0; i < 10; i++) putGroup(store, i);
    const cache = new ApiMetricsCache();
    cache.body(store.groups());
    for (let round = 0; round < 5; round++) for (let i = 0; i < 3; i++) putGroup(store, i, 1_800_000_000_000 + round);
    expect(cache.fragmentsEncoded).toBe(10);
    cache.body(store.groups());
    expect(cache.fragmentsEncoded).toBe(13);
  });

  test('an empty store is Go\'s exact empty answer', () => {
    expect(text(new ApiMetricsCache().body(newStore().groups()))).toBe('{"status":"success","data":[]}');
  });
});

/** The `metrics` of family `name` in the only group, after a PUT of `families`. */
function shownMetrics(families: MetricFamily[], name: string): unknown {
  const store = newStore();
  const result = store.apply({ labels: ['job', 'n'], families, replace: true, timeMs: 1_700_000_000_000 });
  expect(result).toEqual({ ok: true });
  return JSON.parse(text(new ApiMetricsCache().body(store.groups()))).data[0][name].metrics;
}

const spans = (offset: number, length: number) => [{ offset, length }];

describe('native and float histograms, as the newest Go shows them (SPEC §7.2)', () => {
  test('an integer native histogram: non-empty buckets, negative ascending, zero, positive; classic buckets left out', () => {
    const native = {
      schema: 0, zeroThreshold: 0.001, zeroCount: 1,
      negativeSpans: spans(1, 1), negativeDeltas: [3], negativeCounts: [],
      // Deltas across a gap: bucket 0 holds 2, bucket 1 none (left out), bucket 3 holds 1.
      positiveSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 1 }], positiveDeltas: [2, -2, 1], positiveCounts: [],
    };
    const metrics = shownMetrics([{ name: 'n', help: undefined, type: 'histogram', metrics: [{ labels: [], count: 7, sum: 1.5, buckets: [{ upperBound: 1, cumulativeCount: 9 }], native }] }], 'n');
    expect(metrics).toEqual([{
      buckets: [[1, '-2', '-1', '3'], [3, '-0.001', '0.001', '1'], [0, '0.5', '1', '2'], [0, '4', '8', '1']],
      count: '7', labels: { instance: '', job: 'n' }, sum: '1.5',
    }]);
  });

  test('a float native histogram shows its float counts', () => {
    const native = {
      schema: 1, zeroThreshold: 0, zeroCount: 0,
      negativeSpans: [], negativeDeltas: [], negativeCounts: [],
      positiveSpans: spans(2, 1), positiveDeltas: [], positiveCounts: [2.5],
    };
    const metrics = shownMetrics([{ name: 'f', help: undefined, type: 'histogram', metrics: [{ labels: [], countFloat: 2.5, sum: 3, native }] }], 'f');
    expect(metrics).toEqual([{ buckets: [[0, '1.414213562373095', '2', '2.5']], count: '2.5', labels: { instance: '', job: 'n' }, sum: '3' }]);
  });

  test('a float classic histogram shows its float counts (newest Go 1.10+)', () => {
    const metrics = shownMetrics([{
      name: 'c', help: undefined, type: 'histogram',
      metrics: [{ labels: [], countFloat: 4.5, sum: 3, buckets: [{ upperBound: 1, cumulativeCount: 0, cumulativeCountFloat: 1.5 }] }],
    }], 'c');
    expect(metrics).toEqual([{ buckets: { '1': '1.5' }, count: '4.5', labels: { instance: '', job: 'n' }, sum: '3' }]);
  });
});

describe('quoteGoJson', () => {
  test.each<[string, string, string]>([
    ['plain text stays as is', 'abc ü', '"abc ü"'],
    ['Go escapes the HTML characters', '<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['quote, backslash and the three short escapes', '"\\\n\r\t', '"\\"\\\\\\n\\r\\t"'],
    ['other control characters as \\u00XX (Go 1.19: \\b and \\f too)', '\u0000\b\f\u001f', '"\\u0000\\u0008\\u000c\\u001f"'],
    ['the JavaScript line separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['a surrogate pair is one character', '😀', '"😀"'],
    ['a lone surrogate is invalid UTF-8 to Go: replaced', 'a\ud800b', '"a\\ufffdb"'],
  ])('%s', (_why, value, quoted) => {
    expect(quoteGoJson(value)).toBe(quoted);
  });
});

describe('goJsonTime', () => {
  // The tests run in UTC (Go prints Z for a zero offset).
  test.each<[string, number, string]>([
    ['a whole second has no fraction', 1_700_000_000_000, '"2023-11-14T22:13:20Z"'],
    ['trailing zeros of the fraction are trimmed', 1_700_000_000_500, '"2023-11-14T22:13:20.5Z"'],
    ['milliseconds', 1_700_000_000_123, '"2023-11-14T22:13:20.123Z"'],
  ])('%s', (_why, ms, text) => {
    if (new Date(ms).getTimezoneOffset() !== 0) return;
    expect(goJsonTime(ms)).toBe(text);
  });
});

describe('expires_at (issue #14)', () => {
  const policy = { ttlMs: 90_000, maxTtlMs: 0 };
  function groupsOf(pushes: [string, number | undefined, string][]) {
    const store = new Store({ checkConsistency: true, ownTypes: new Map(), expiry: policy });
    for (const [job, expireAfterMs, body] of pushes) store.apply({ labels: ['job', job], families: parseText(body), replace: true, timeMs: 1_700_000_000_500, expireAfterMs });
    return JSON.parse(text(new ApiMetricsCache(policy).body(store.groups()))).data as Record<string, unknown>[];
  }

  test('a group that expires says when, as time_stamp writes a time, first among its sorted keys', () => {
    const [flag, own, never] = groupsOf([['a', undefined, 'x 1\n'], ['b', 1500, 'x 1\n'], ['c', 0, 'x 1\n']]);
    expect(flag!.expires_at).toBe(JSON.parse(goJsonTime(1_700_000_000_500 + 90_000)));
    expect(Object.keys(flag!)[0]).toBe('expires_at');
    expect(own!.expires_at).toBe(JSON.parse(goJsonTime(1_700_000_002_000)));
    // Never: no key at all, the group's JSON as Go's.
    expect(never).not.toHaveProperty('expires_at');
  });

  test('on a group that expires, a family called expires_at is left out, as labels and last_push_successful are', () => {
    const [expiring, never] = groupsOf([['a', undefined, 'expires_at 1\n'], ['b', 0, 'expires_at 1\n']]);
    expect(typeof expiring!.expires_at).toBe('string');
    expect(typeof never!.expires_at).toBe('object');
  });
});
