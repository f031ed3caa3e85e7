// Families encoded into stored lines: expectations printed by Go's expfmt.MetricFamilyToText (prometheus/common 0.39).
import { describe, expect, test } from 'bun:test';
import type { Metric, MetricFamily } from '../../src/model/metric.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { encodedText, family } from '../helpers/family-text.ts';

// [what it shows, family, Go's sample lines, lossless]
const cases: [string, MetricFamily, string, boolean][] = [
  [
    'untyped lines of the SPEC §6.2 excerpt',
    family('aa', 'untyped', [{ labels: ['instance', '', 'job', 'j0'], value: 7 }]),
    'aa{instance="",job="j0"} 7\n',
    true,
  ],
  [
    'counter series in the given order, label values escaped',
    family('m1', 'counter', [
      { labels: ['a', '0', 'instance', 'i1', 'job', 'j1'], value: 4 },
      { labels: ['a', 'x\\y"z\nw', 'job', 'j'], value: 5 },
      { labels: ['u', 'ü✓'], value: NaN },
    ]),
    'm1{a="0",instance="i1",job="j1"} 4\nm1{a="x\\\\y\\"z\\nw",job="j"} 5\nm1{u="ü✓"} NaN\n',
    true,
  ],
  [
    'no braces without labels; floats in Go form',
    family('g', 'gauge', [
      { labels: [], value: 1e6 },
      { labels: [], value: -Infinity },
      { labels: [], value: 1.7953713469292624e9 },
    ]),
    'g 1e+06\ng -Inf\ng 1.7953713469292624e+09\n',
    true,
  ],
  [
    'escaping resumes after a non-ASCII character',
    family('e', 'gauge', [{ labels: ['a', 'ü"\\'], value: 1 }]),
    'e{a="ü\\"\\\\"} 1\n',
    true,
  ],
  [
    '-0 prints 0, which reads back as +0',
    family('z', 'gauge', [{ labels: ['job', 'j'], value: -0 }]),
    'z{job="j"} 0\n',
    false,
  ],
  [
    'a missing value prints 0, which reads back as a value',
    family('z', 'untyped', [{ labels: [] }]),
    'z 0\n',
    false,
  ],
  [
    'summary: quantile label after the others, then _sum and _count',
    family('s', 'summary', [
      {
        labels: ['job', 'j'],
        quantiles: [
          { quantile: 0.5, value: 1.5 },
          { quantile: 0.99, value: 2 },
        ],
        sum: 10,
        count: 4,
      },
    ]),
    's{job="j",quantile="0.5"} 1.5\ns{job="j",quantile="0.99"} 2\ns_sum{job="j"} 10\ns_count{job="j"} 4\n',
    true,
  ],
  [
    'summary without labels: quantile alone in braces; -0 quantile bound prints 0',
    family('s', 'summary', [{ labels: [], quantiles: [{ quantile: -0, value: -Infinity }], sum: 0, count: 0 }]),
    's{quantile="0"} -Inf\ns_sum 0\ns_count 0\n',
    false,
  ],
  [
    'summary: a -0 quantile value is lost',
    family('s', 'summary', [{ labels: [], quantiles: [{ quantile: 0.5, value: -0 }], sum: 1, count: 1 }]),
    's{quantile="0.5"} 0\ns_sum 1\ns_count 1\n',
    false,
  ],
  [
    'summary: missing sum and count print 0',
    family('s', 'summary', [{ labels: ['job', 'j'], quantiles: [] }]),
    's_sum{job="j"} 0\ns_count{job="j"} 0\n',
    false,
  ],
  [
    'summary: a -0 sum is lost',
    family('s', 'summary', [{ labels: [], sum: -0, count: 2 }]),
    's_sum 0\ns_count 2\n',
    false,
  ],
  [
    'summary series follow one another, each with its own labels',
    family('s', 'summary', [
      { labels: ['a', '1'], quantiles: [{ quantile: 0.9, value: 3 }], sum: 3, count: 1 },
      { labels: ['a', '2'], quantiles: [{ quantile: 0.9, value: 4 }], sum: 4, count: 1 },
    ]),
    's{a="1",quantile="0.9"} 3\ns_sum{a="1"} 3\ns_count{a="1"} 1\n' +
      's{a="2",quantile="0.9"} 4\ns_sum{a="2"} 4\ns_count{a="2"} 1\n',
    true,
  ],
  [
    'histogram: +Inf bucket synthesised from count (and so not lossless)',
    family('h', 'histogram', [
      {
        labels: ['job', 'j'],
        buckets: [
          { upperBound: 0.5, cumulativeCount: 1 },
          { upperBound: 1, cumulativeCount: 2 },
        ],
        sum: 2.5,
        count: 3,
      },
    ]),
    'h_bucket{job="j",le="0.5"} 1\nh_bucket{job="j",le="1"} 2\nh_bucket{job="j",le="+Inf"} 3\nh_sum{job="j"} 2.5\nh_count{job="j"} 3\n',
    false,
  ],
  [
    'histogram: a real +Inf bucket is printed once, with its own count',
    family('h', 'histogram', [
      {
        labels: [],
        buckets: [
          { upperBound: 1e6, cumulativeCount: 1 },
          { upperBound: Infinity, cumulativeCount: 5 },
        ],
        sum: 1e-7,
        count: 5,
      },
    ]),
    'h_bucket{le="1e+06"} 1\nh_bucket{le="+Inf"} 5\nh_sum 1e-07\nh_count 5\n',
    true,
  ],
  [
    'histogram: a count above 2^53 prints as float64 (Go: uint64 max → 1.8446744073709552e+19)',
    family('h', 'histogram', [{ labels: [], buckets: [{ upperBound: Infinity, cumulativeCount: 2 ** 64 }], sum: 0, count: 2 ** 64 }]),
    'h_bucket{le="+Inf"} 1.8446744073709552e+19\nh_sum 0\nh_count 1.8446744073709552e+19\n',
    false,
  ],
  [
    'histogram: 2^53 itself is still exact',
    family('h', 'histogram', [{ labels: [], buckets: [{ upperBound: Infinity, cumulativeCount: 2 ** 53 }], sum: 1, count: 2 ** 53 }]),
    'h_bucket{le="+Inf"} 9.007199254740992e+15\nh_sum 1\nh_count 9.007199254740992e+15\n',
    true,
  ],
  [
    'histogram: a -0 bound is lost',
    family('h', 'histogram', [
      {
        labels: [],
        buckets: [
          { upperBound: -0, cumulativeCount: 1 },
          { upperBound: Infinity, cumulativeCount: 1 },
        ],
        sum: 0,
        count: 1,
      },
    ]),
    'h_bucket{le="0"} 1\nh_bucket{le="+Inf"} 1\nh_sum 0\nh_count 1\n',
    false,
  ],
  [
    'histogram without buckets (e.g. native-only): only the synthesised +Inf bucket (SPEC §4.6)',
    family('x', 'histogram', [{ labels: ['job', 'j'], sum: 99.23, count: 20 }]),
    'x_bucket{job="j",le="+Inf"} 20\nx_sum{job="j"} 99.23\nx_count{job="j"} 20\n',
    false,
  ],
  [
    '[newest] float histogram counts keep their fraction',
    family('h', 'histogram', [{ labels: [], buckets: [{ upperBound: Infinity, cumulativeCount: 2.5 }], sum: 1, count: 2.5 }]),
    'h_bucket{le="+Inf"} 2.5\nh_sum 1\nh_count 2.5\n',
    true,
  ],
  [
    'gauge histogram lines are histogram lines (SPEC §4.6 [newest])',
    family('gh', 'gaugehistogram', [{ labels: ['job', 'j'], buckets: [{ upperBound: Infinity, cumulativeCount: 0 }], sum: 0, count: 0 }]),
    'gh_bucket{job="j",le="+Inf"} 0\ngh_sum{job="j"} 0\ngh_count{job="j"} 0\n',
    true,
  ],
  ['a family without series has no lines', family('n', 'counter', []), '', true],
];

describe('encodeFamilyText', () => {
  test.each(cases)('%s', (_, input, expected, lossless) => {
    expect(encodedText(input)).toEqual({ text: expected, lossless });
  });

  test('returns fresh bytes that a later encoding does not overwrite', () => {
    const first = encodeFamilyText(family('a', 'gauge', [{ labels: [], value: 1 }])).text;
    encodeFamilyText(family('b', 'gauge', [{ labels: [], value: 2 }]));
    expect(new TextDecoder().decode(first)).toBe('a 1\n');
  });

  test('grows past its reusable buffer for huge families and stays correct afterwards', () => {
    const big = 'ü'.repeat(300_000) + '"';
    const metrics: Metric[] = [];
    for (let i = 0; i < 3; i++) {
      metrics.push({ labels: ['i', String(i), 'v', big], quantiles: [{ quantile: 0.5, value: i }], sum: i, count: i });
    }
    const lines = encodedText(family('s', 'summary', metrics)).text.split('\n');
    expect(lines.length).toBe(10); // 3 × (quantile, _sum, _count) + the empty string after the last newline
    expect(lines[7]).toBe(`s_sum{i="2",v="${'ü'.repeat(300_000)}\\""} 2`);
    expect(encodedText(family('a', 'gauge', [{ labels: ['x', 'y'], value: 3 }])).text).toBe('a{x="y"} 3\n');
  });

  test('does not change the family it encodes', () => {
    const input = family('h', 'histogram', [{ labels: ['b', '1', 'a', '2'], buckets: [{ upperBound: 1, cumulativeCount: 1 }], sum: 1, count: 1 }]);
    const copy = structuredClone(input);
    encodeFamilyText(input);
    expect(input).toEqual(copy);
  });
});
