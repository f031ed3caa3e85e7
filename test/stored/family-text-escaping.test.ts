// encodeFamilyText's name escaping (SPEC §6.2) and encodeStoredFamily's UTF-8 families: escaped lines, quoted-form hashes, the structure kept.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { encodeFamilyText, encodeStoredFamily } from '../../src/stored/family-text.ts';

const text = new TextDecoder();

const GAUGE: MetricFamily = {
  name: 'some.metric', help: undefined, type: 'gauge',
  metrics: [{ labels: ['a.b', '1', 'job', 'j'], value: 1 }, { labels: [], value: 2 }],
};
const HISTOGRAM: MetricFamily = {
  name: 'h.x', help: undefined, type: 'histogram',
  metrics: [{ labels: ['ü', 'v'], buckets: [{ upperBound: 1, cumulativeCount: 2 }], count: 2, sum: 3 }],
};
const LEGACY: MetricFamily = {
  name: 'm', help: undefined, type: 'summary',
  metrics: [{ labels: ['a', 'x'], quantiles: [{ quantile: 0.5, value: 1 }], count: 1, sum: 1 }],
};

describe('encodeFamilyText with a name escaping', () => {
  test.each<[string, MetricFamily, Parameters<typeof encodeFamilyText>[1], string]>([
    ['allow-utf-8 quotes names inside the braces', GAUGE, 'allow-utf-8', '{"some.metric","a.b"="1",job="j"} 1\n{"some.metric"} 2\n'],
    ['underscores', GAUGE, 'underscores', 'some_metric{a_b="1",job="j"} 1\nsome_metric 2\n'],
    ['dots', GAUGE, 'dots', 'some_dot_metric{a_dot_b="1",job="j"} 1\nsome_dot_metric 2\n'],
    ['values', GAUGE, 'values', 'U__some_2e_metric{U__a_2e_b="1",job="j"} 1\nU__some_2e_metric 2\n'],
    ['a histogram in allow-utf-8: the suffix is inside the quotes', HISTOGRAM, 'allow-utf-8',
      '{"h.x_bucket","ü"="v",le="1"} 2\n{"h.x_bucket","ü"="v",le="+Inf"} 2\n{"h.x_sum","ü"="v"} 3\n{"h.x_count","ü"="v"} 2\n'],
    ['a histogram in values', HISTOGRAM, 'values',
      'U__h_2e_x_bucket{U___fc_="v",le="1"} 2\nU__h_2e_x_bucket{U___fc_="v",le="+Inf"} 2\nU__h_2e_x_sum{U___fc_="v"} 3\nU__h_2e_x_count{U___fc_="v"} 2\n'],
  ])('%s', (_why, family, scheme, expected) => {
    expect(text.decode(encodeFamilyText(family, scheme).text)).toBe(expected);
  });

  test('a quote or backslash in a quoted name is escaped', () => {
    const family: MetricFamily = { name: 'a"b', help: undefined, type: 'untyped', metrics: [{ labels: ['c\\d', '1'], value: 1 }] };
    expect(text.decode(encodeFamilyText(family, 'allow-utf-8').text)).toBe('{"a\\"b","c\\\\d"="1"} 1\n');
  });

  test.each(['allow-utf-8', 'underscores', 'dots', 'values'] as const)('legacy names are written as without escaping in %s, hashes too', (scheme) => {
    const plain = encodeFamilyText(LEGACY);
    const escaped = encodeFamilyText(LEGACY, scheme);
    expect(text.decode(escaped.text)).toBe(text.decode(plain.text));
    expect([...escaped.seriesHashes]).toEqual([...plain.seriesHashes]);
  });
});

describe('encodeStoredFamily', () => {
  test('a legacy family is stored as before, without its structure when the lines are lossless', () => {
    const stored = encodeStoredFamily({ name: 'm', help: undefined, type: 'gauge', metrics: [{ labels: ['a', '1'], value: 1 }] }, true);
    expect(text.decode(stored.text)).toBe('m{a="1"} 1\n');
    expect(stored.exact).toBeUndefined();
  });

  test('a UTF-8 family keeps its structure and stores underscores lines', () => {
    const stored = encodeStoredFamily(GAUGE, true);
    expect(stored.exact).toBe(GAUGE);
    expect(text.decode(stored.text)).toBe('some_metric{a_b="1",job="j"} 1\nsome_metric 2\n');
    expect([...stored.seriesHashes]).toEqual([...encodeFamilyText(GAUGE, 'allow-utf-8').seriesHashes]);
  });

  test('m{a.b="1"} and m{a_b="1"} stay two series', () => {
    const dotted = encodeStoredFamily({ name: 'm', help: undefined, type: 'gauge', metrics: [{ labels: ['a.b', '1'], value: 1 }] }, true);
    const plain = encodeStoredFamily({ name: 'm', help: undefined, type: 'gauge', metrics: [{ labels: ['a_b', '1'], value: 1 }] }, true);
    expect(text.decode(dotted.text)).toBe(text.decode(plain.text));
    expect(dotted.seriesHashes[0]).not.toBe(plain.seriesHashes[0]);
  });

  test('without the flag nothing is escaped', () => {
    const stored = encodeStoredFamily(GAUGE, false);
    expect(text.decode(stored.text)).toBe('some.metric{a.b="1",job="j"} 1\nsome.metric 2\n');
    expect(stored.exact).toBeUndefined();
  });
});
