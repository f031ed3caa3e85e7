// encodeFamilyText for families only protobuf can carry: the classic view of native and float histograms (SPEC §4.6),
// and `lossless: false` whenever the text drops something, so that the store keeps the structured copy.
import { describe, expect, test } from 'bun:test';
import type { Metric, NativeHistogram } from '../../src/model/metric.ts';
import { encodedText, family } from '../helpers/family-text.ts';

const NATIVE: NativeHistogram = {
  schema: 1,
  zeroThreshold: 0.001,
  zeroCount: 2,
  negativeSpans: [{ offset: 1, length: 1 }],
  negativeDeltas: [2],
  negativeCounts: [],
  positiveSpans: [{ offset: 0, length: 2 }],
  positiveDeltas: [3, -1],
  positiveCounts: [],
};
const LABELS = ['instance', '', 'job', 'n'];

describe('encodeFamilyText shows the classic view of a histogram', () => {
  // [what it shows, family, Go's sample lines (1.5.1, or newest for float counts)]
  test.each([
    [
      // §4.6: a native-only histogram shows a synthesised +Inf bucket, _sum and _count.
      'a native-only histogram',
      family('nh', 'histogram', [{ labels: LABELS, count: 20, sum: 99.23, buckets: [], native: NATIVE }]),
      'nh_bucket{instance="",job="n",le="+Inf"} 20\nnh_sum{instance="",job="n"} 99.23\nnh_count{instance="",job="n"} 20\n',
    ],
    [
      'a histogram with classic and native buckets shows the classic ones',
      family('mh', 'histogram', [{ labels: LABELS, count: 5, sum: 9, buckets: [{ upperBound: 1, cumulativeCount: 2 }], native: NATIVE }]),
      'mh_bucket{instance="",job="n",le="1"} 2\nmh_bucket{instance="",job="n",le="+Inf"} 5\nmh_sum{instance="",job="n"} 9\nmh_count{instance="",job="n"} 5\n',
    ],
    [
      // [newest]: float histograms print their float counts (1.5.1 printed the integer fields, 0).
      'a float histogram prints its float counts',
      family('fh', 'histogram', [{ labels: LABELS, countFloat: 20.5, sum: 9, buckets: [{ upperBound: 1, cumulativeCount: 0, cumulativeCountFloat: 1.5 }], native: { ...NATIVE, positiveDeltas: [], positiveCounts: [1, 2] } }]),
      'fh_bucket{instance="",job="n",le="1"} 1.5\nfh_bucket{instance="",job="n",le="+Inf"} 20.5\nfh_sum{instance="",job="n"} 9\nfh_count{instance="",job="n"} 20.5\n',
    ],
    [
      // client_model: a float count overrides the integer one only when > 0.
      'a float count of 0 leaves the integer count',
      family('zh', 'histogram', [{ labels: [], count: 3, countFloat: 0, sum: 1, buckets: [{ upperBound: 1, cumulativeCount: 2, cumulativeCountFloat: 0 }] }]),
      'zh_bucket{le="1"} 2\nzh_bucket{le="+Inf"} 3\nzh_sum 1\nzh_count 3\n',
    ],
    [
      'a gauge histogram shows the same lines',
      family('gh', 'gaugehistogram', [{ labels: [], count: 1, sum: 1, buckets: [{ upperBound: Infinity, cumulativeCount: 1 }] }]),
      'gh_bucket{le="+Inf"} 1\ngh_sum 1\ngh_count 1\n',
    ],
    [
      'exemplars and created timestamps are not printed',
      family('ce', 'counter', [{ labels: [], value: 1, exemplar: { labels: ['t', 'y'], value: 1 }, createdTimestamp: { seconds: 100, nanos: 5 } }]),
      'ce 1\n',
    ],
  ])('%s', (_why, input, text) => {
    expect(encodedText(input).text).toBe(text);
  });
});

describe('encodeFamilyText is lossless only when the text gives back the family', () => {
  const plain: Metric = { labels: [], count: 2, sum: 1, buckets: [{ upperBound: 1, cumulativeCount: 1 }, { upperBound: Infinity, cumulativeCount: 2 }] };
  test.each([
    ['a classic histogram with its +Inf bucket', family('h', 'histogram', [plain]), true],
    ['a protobuf counter with a value', family('c', 'counter', [{ labels: ['a', '1'], value: 3 }]), true],
    ['a native histogram', family('h', 'histogram', [{ ...plain, native: NATIVE }]), false],
    ['a float count', family('h', 'histogram', [{ ...plain, countFloat: 2 }]), false],
    ['a float bucket count', family('h', 'histogram', [{ ...plain, buckets: [{ upperBound: Infinity, cumulativeCount: 2, cumulativeCountFloat: 2 }] }]), false],
    ['a bucket exemplar', family('h', 'histogram', [{ ...plain, buckets: [{ upperBound: Infinity, cumulativeCount: 2, exemplar: { labels: [], value: 1 } }] }]), false],
    ['histogram exemplars', family('h', 'histogram', [{ ...plain, exemplars: [{ labels: [], value: 1 }] }]), false],
    ['a histogram created timestamp', family('h', 'histogram', [{ ...plain, createdTimestamp: { seconds: 1, nanos: 0 } }]), false],
    ['a counter exemplar', family('c', 'counter', [{ labels: [], value: 1, exemplar: { labels: [], value: 1 } }]), false],
    ['a counter created timestamp', family('c', 'counter', [{ labels: [], value: 1, createdTimestamp: { seconds: 1, nanos: 0 } }]), false],
    ['a summary created timestamp', family('s', 'summary', [{ labels: [], count: 1, sum: 1, quantiles: [], createdTimestamp: { seconds: 1, nanos: 0 } }]), false],
    // The text parser drops a line whose bound is NaN (Go's "no bound").
    ['a NaN quantile', family('s', 'summary', [{ labels: [], count: 1, sum: 1, quantiles: [{ quantile: NaN, value: 1 }] }]), false],
    ['a NaN bucket bound', family('h', 'histogram', [{ ...plain, buckets: [{ upperBound: NaN, cumulativeCount: 1 }, { upperBound: Infinity, cumulativeCount: 2 }] }]), false],
    ['a gauge message without value', family('g', 'gauge', [{ labels: [] }]), false],
    ['a series whose value does not match the family type', family('g', 'gauge', [{ labels: [], kindMismatch: {} }]), false],
  ])('%s', (_why, input, lossless) => {
    expect(encodedText(input).lossless).toBe(lossless);
  });
});
