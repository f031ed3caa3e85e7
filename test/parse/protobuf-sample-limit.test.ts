// The protobuf decoder stops at --push.max-series before a family's series become objects (issue #11).
import { describe, expect, test } from 'bun:test';
import { ProtobufParser } from '../../src/parse/protobuf-parser.ts';
import { PushLimitError } from '../../src/parse/push-limit-error.ts';
import { delimited, labels } from '../helpers/metrics-proto.ts';

/** The message of the PushLimitError that parsing `body` with `maxSamples` ends in, or 'accepted'. */
function outcome(body: Uint8Array, maxSamples: number): string {
  const parser = new ProtobufParser({ maxSamples });
  try {
    parser.push(body);
    parser.end();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof PushLimitError)) throw error;
    return error.message;
  }
}

const gauges = (name: string, count: number) => ({
  name,
  type: 'GAUGE',
  metric: Array.from({ length: count }, (_, i) => ({ label: labels(['i', String(i)]), gauge: { value: 1 } })),
});
// One histogram series of two buckets: 4 samples (the buckets, _sum and _count), as its text form has.
const histogram = {
  name: 'h',
  type: 'HISTOGRAM',
  metric: [{ histogram: { sampleCount: 2, sampleSum: 1, bucket: [{ upperBound: 1, cumulativeCount: 1 }, { upperBound: Infinity, cumulativeCount: 2 }] } }],
};

describe('ProtobufParser sample limit', () => {
  test.each([
    ['a family at the limit', delimited(gauges('a', 5)), 5, 'accepted'],
    // Counted over the whole body, across families.
    ['two families past it together', delimited(gauges('a', 3), gauges('b', 3)), 5, 'family "b": more samples than the limit of 5 per push (--push.max-series)'],
    ['a histogram counted by its samples', delimited(gauges('a', 1), histogram), 4, 'family "h": more samples than the limit of 4 per push (--push.max-series)'],
    ['a histogram within it', delimited(histogram), 4, 'accepted'],
  ] as const)('%s', (_case, body, maxSamples, expected) => {
    expect(outcome(body, maxSamples)).toBe(expected);
  });
});
