// The delimited protobuf parser: every SPEC §4.4 rule, Go 1.5.1's wire errors, our [Rec] refusals, and chunked input.
// Bodies are built with protobufjs reflection (test/helpers/metrics-proto.ts), not with src/'s codec.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { ParseError } from '../../src/parse/parse-error.ts';
import { ProtobufParser, parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { type FamilyObject, delimited, encodeFamily, labels } from '../helpers/metrics-proto.ts';
import { withLongVarints } from '../helpers/long-varints.ts';
import { COUNTER, FULL_NATIVE_HISTOGRAM, HISTOGRAM, SUMMARY } from '../helpers/protobuf-families.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { parseErrorOf } from '../helpers/parse-error.ts';

/** The message of the ParseError `parse` throws. */
const errorOf = (parse: () => unknown): string => parseErrorOf(parse).message;

/** A body of raw bytes (for hand-made wire errors). */
const raw = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

/** One family message, prefixed by its length, for bodies that mix hand-made and encoded parts. */
function framed(message: Uint8Array): number[] {
  if (message.length >= 0x80) throw new Error('test message too long for a one-byte prefix');
  return [message.length, ...message];
}

const GAUGE: FamilyObject = { name: 'g', type: 'GAUGE', metric: [{ label: labels(['b', 'x'], ['a', 'y']), gauge: { value: -2.5 } }] };
const FLOAT_NATIVE_HISTOGRAM: FamilyObject = {
  name: 'fh',
  type: 'HISTOGRAM',
  metric: [
    {
      histogram: {
        sampleCountFloat: 20.5,
        sampleSum: 9,
        schema: 0,
        zeroCountFloat: 0.5,
        positiveSpan: [{ offset: 0, length: 2 }],
        positiveCount: [12.5, 7.5],
        negativeSpan: [{ offset: 1, length: 1 }],
        negativeCount: [0.25],
      },
    },
  ],
};

describe('ProtobufParser decodes every metric type into the model', () => {
  test('counter, gauge, summary and histogram with labels and HELP', () => {
    expect(parseProtobuf(delimited(COUNTER, GAUGE, SUMMARY, HISTOGRAM))).toEqual([
      { name: 'c', help: 'A counter.', type: 'counter', metrics: [{ labels: ['a', '1'], value: 3 }] },
      // Label pairs keep their body order: the store sorts them.
      { name: 'g', help: undefined, type: 'gauge', metrics: [{ labels: ['b', 'x', 'a', 'y'], value: -2.5 }] },
      {
        name: 's',
        help: undefined,
        type: 'summary',
        metrics: [{ labels: [], count: 4, sum: 10, quantiles: [{ quantile: 0.5, value: 1.5 }, { quantile: 0.99, value: 2 }] }],
      },
      {
        name: 'h',
        help: undefined,
        type: 'histogram',
        metrics: [{ labels: [], count: 3, sum: 2.5, buckets: [{ upperBound: 0.5, cumulativeCount: 1 }, { upperBound: 1, cumulativeCount: 2 }] }],
      },
    ]);
  });

  test('untyped families', () => {
    const families = parseProtobuf(delimited({ name: 'u', type: 'UNTYPED', metric: [{ untyped: { value: 1 } }] }));
    expect(families.map((f) => [f.name, f.type, f.metrics[0]!.kindMismatch])).toEqual([['u', 'untyped', undefined]]);
  });

  // [Rec] §4.6: Go 1.5.1 stores it and then cuts every scrape short at it.
  test('a gauge-histogram family is refused', () => {
    const body = delimited({ name: 'gh', type: 'GAUGE_HISTOGRAM', metric: [{ histogram: { sampleCount: 1, sampleSum: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }] } }] });
    expect(() => parseProtobuf(body)).toThrow('protobuf message 1 (metric family "gh"): gauge histograms are not supported: push it as a histogram');
  });

  test('a native histogram is held exactly: spans, deltas, zero bucket, exemplars, created timestamp', () => {
    const [family] = parseProtobuf(delimited(FULL_NATIVE_HISTOGRAM));
    expect(family).toEqual({
      name: 'nh',
      help: 'native',
      type: 'histogram',
      metrics: [
        {
          labels: [],
          count: 20,
          sum: 99.23,
          buckets: [{ upperBound: 1, cumulativeCount: 5, exemplar: { labels: ['trace', 'x'], value: 0.5, timestamp: { seconds: 5, nanos: 7 } } }],
          createdTimestamp: { seconds: 100, nanos: 1 },
          native: {
            schema: -2,
            zeroThreshold: 0.001,
            zeroCount: 2,
            negativeSpans: [{ offset: -1, length: 2 }],
            negativeDeltas: [3, -1],
            negativeCounts: [],
            positiveSpans: [{ offset: 0, length: 1 }, { offset: 2, length: 1 }],
            positiveDeltas: [4, 1],
            positiveCounts: [],
          },
          exemplars: [{ labels: ['trace', 'y'], value: 7, timestamp: { seconds: 6, nanos: 0 } }],
        },
      ],
    });
  });

  test('a float native histogram keeps its float counts', () => {
    const [family] = parseProtobuf(delimited(FLOAT_NATIVE_HISTOGRAM));
    expect(family!.metrics[0]).toEqual({
      labels: [],
      countFloat: 20.5,
      sum: 9,
      buckets: [],
      native: {
        schema: 0,
        zeroCountFloat: 0.5,
        negativeSpans: [{ offset: 1, length: 1 }],
        negativeDeltas: [],
        negativeCounts: [0.25],
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveDeltas: [],
        positiveCounts: [12.5, 7.5],
      },
    });
  });

  test('a counter keeps its exemplar and created timestamp', () => {
    const [family] = parseProtobuf(delimited({
      name: 'ce',
      metric: [{ counter: { value: 1, exemplar: { label: labels(['t', 'y']), value: 1 }, createdTimestamp: { seconds: 100, nanos: 5 } } }],
    }));
    expect(family!.metrics[0]).toEqual({ labels: [], value: 1, exemplar: { labels: ['t', 'y'], value: 1 }, createdTimestamp: { seconds: 100, nanos: 5 } });
  });

  test('packed repeated deltas and counts are read like unpacked ones', () => {
    // Histogram { schema: 0 (field 5), positive_delta packed (field 13): [2, -1], negative_count packed (field 11): [1.5] }.
    const double15 = [...new Uint8Array(new Float64Array([1.5]).buffer)];
    const histogram = [0x28, 0x00, 0x6a, 0x02, 0x04, 0x01, 0x5a, 0x08, ...double15];
    const metric = [0x3a, histogram.length, ...histogram];
    const family = [0x0a, 0x01, 0x70, 0x18, 0x04, 0x22, metric.length, ...metric];
    const [decoded] = parseProtobuf(raw(...framed(Uint8Array.from(family))));
    expect(decoded!.metrics[0]!.native).toMatchObject({ schema: 0, positiveDeltas: [2, -1], negativeCounts: [1.5] });
  });

  test('64-bit counts arrive as numbers', () => {
    const [family] = parseProtobuf(delimited({
      name: 'big',
      type: 'SUMMARY',
      metric: [{ summary: { sampleCount: 2 ** 40 + 3, sampleSum: 1 } }, { summary: { sampleCount: 300, sampleSum: 1 } }],
    }));
    expect(family!.metrics.map((m) => m.count)).toEqual([2 ** 40 + 3, 300]);
  });

  test('non-ASCII label values and HELP are decoded as UTF-8', () => {
    const [family] = parseProtobuf(delimited({ name: 'u8', help: 'Größe ✓', type: 'GAUGE', metric: [{ label: labels(['l', 'Björn €']), gauge: { value: 1 } }] }));
    expect([family!.help, family!.metrics[0]!.labels]).toEqual(['Größe ✓', ['l', 'Björn €']]);
  });
});

describe('ProtobufParser follows Go on the rules of SPEC §4.4', () => {
  test('two messages with the same family name: the last wins, in the first one’s place', () => {
    const first: FamilyObject = { name: 'dup', type: 'GAUGE', metric: [{ label: labels(['i', '1']), gauge: { value: 1 } }] };
    const second: FamilyObject = { name: 'dup', type: 'COUNTER', metric: [{ label: labels(['i', '2']), counter: { value: 2 } }] };
    expect(parseProtobuf(delimited(first, COUNTER, second))).toEqual([
      { name: 'dup', help: undefined, type: 'counter', metrics: [{ labels: ['i', '2'], value: 2 }] },
      expect.objectContaining({ name: 'c' }),
    ]);
  });

  test('a family without metrics is kept, empty', () => {
    expect(parseProtobuf(delimited({ name: 'empty', type: 'GAUGE' }))).toEqual([{ name: 'empty', help: undefined, type: 'gauge', metrics: [] }]);
  });

  test('a family without a type field is a counter (the proto2 default)', () => {
    const [family] = parseProtobuf(delimited({ name: 'nt', metric: [{ counter: { value: 1 } }] }));
    expect([family!.type, family!.metrics[0]!.kindMismatch]).toEqual(['counter', undefined]);
  });

  test('empty HELP is no HELP', () => {
    expect(parseProtobuf(delimited({ name: 'x', help: '', type: 'GAUGE', metric: [{ gauge: { value: 1 } }] }))[0]!.help).toBeUndefined();
  });

  // Go's check: the series must carry the value message of its family's type (others do not matter).
  // A mismatched series keeps the value messages it carried, for the store's message (issue 11, finding 6).
  test.each([
    ['a counter value in a gauge family', 'GAUGE', { counter: { value: 3 } }, { counter: { labels: [], value: 3 } }, undefined],
    ['an untyped value in a family without type', undefined, { untyped: { value: 3 } }, { untyped: { labels: [], value: 3 } }, undefined],
    ['a gauge and an untyped value in a counter family', 'COUNTER', { gauge: { value: 1 }, untyped: { value: 2 } }, {
      gauge: { labels: [], value: 1 },
      untyped: { labels: [], value: 2 },
    }, undefined],
    ['no value at all', 'GAUGE', {}, {}, undefined],
    ['the right value message plus another one', 'GAUGE', { gauge: { value: 1 }, counter: { value: 2 } }, undefined, 1],
    ['a gauge message without value', 'GAUGE', { gauge: {} }, undefined, undefined],
  ])('%s: kindMismatch %p', (_why, type, value, mismatch, kept) => {
    const [family] = parseProtobuf(delimited({ name: 'wk', type, metric: [{ label: labels(['a', '1']), ...value }] }));
    const metric = family!.metrics[0]!;
    expect([metric.kindMismatch, metric.value, metric.labels]).toEqual([mismatch, kept, ['a', '1']]);
  });

  test('a timestamp, even 0, is kept for the store to refuse', () => {
    const [family] = parseProtobuf(delimited({ name: 'ts', type: 'GAUGE', metric: [{ gauge: { value: 1 }, timestampMs: 0 }, { gauge: { value: 2 }, timestampMs: 1234 }] }));
    expect(family!.metrics.map((m) => m.timestampMs)).toEqual([0, 1234]);
  });

  test('repeated label names, label names that are not legacy-valid and quantile labels are left to the store', () => {
    const [family] = parseProtobuf(delimited({
      name: 'lbl',
      type: 'SUMMARY',
      metric: [{ label: labels(['a', '1'], ['a', '2'], ['a.b', '3'], ['quantile', '0.5'], ['', '']), summary: { sampleCount: 1, sampleSum: 1 } }],
    }));
    expect(family!.metrics[0]!.labels).toEqual(['a', '1', 'a', '2', 'a.b', '3', 'quantile', '0.5', '', '']);
  });

  test('fields may come in any order: a type after the metrics still decides how they are read', () => {
    const metric = encodeFamily({ metric: [{ gauge: { value: 5 } }] });
    const nameAndType = encodeFamily({ name: 'late', type: 'GAUGE' });
    const [family] = parseProtobuf(raw(...framed(Uint8Array.from([...metric, ...nameAndType]))));
    expect(family).toEqual({ name: 'late', help: undefined, type: 'gauge', metrics: [{ labels: [], value: 5 }] });
  });

  test('unknown fields, unknown wire types for known fields and groups are skipped, as Go does', () => {
    const base = [...encodeFamily(GAUGE)];
    const extras = [
      0x2a, 0x03, 0x6d, 0x2f, 0x73, // unit = "m/s" (field 5, unknown to us)
      0x0d, 0x01, 0x02, 0x03, 0x04, // field 1 as fixed32: a known field with another wire type
      0x4b, 0x50, 0x01, 0x4c, // a group (field 9) holding a varint, then its end
      0xf8, 0xff, 0xff, 0xff, 0x07, 0x01, // a varint field with a large field number
    ];
    const [family] = parseProtobuf(raw(...framed(Uint8Array.from([...base, ...extras]))));
    expect(family).toEqual(parseProtobuf(delimited(GAUGE))[0]!);
  });
});

describe('ProtobufParser refuses broken bodies with Go 1.5.1’s messages', () => {
  const two = delimited(COUNTER, HISTOGRAM);
  const firstEnd = 1 + two[0]!;

  test('a body cut anywhere inside a message or its length prefix: unexpected EOF', () => {
    for (let cut = 1; cut < two.length; cut++) {
      if (cut === firstEnd) continue;
      expect({ cut, message: errorOf(() => parseProtobuf(two.subarray(0, cut))) }).toEqual({ cut, message: 'unexpected EOF' });
    }
  });

  test.each([
    // pbutil reads at most five bytes of length prefix.
    ['a length prefix longer than five bytes', raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 'invalid varint32 encountered'],
    ['a message cut inside a tag', raw(0x03, 0xff, 0xff, 0xff), 'unexpected EOF'],
    ['a string longer than its message', raw(0x03, 0x0a, 0x05, 0x61), 'unexpected EOF'],
    ['a varint cut by the end of its message', raw(0x02, 0x18, 0x80), 'unexpected EOF'],
    ['a nested message longer than its parent', raw(0x06, 0x0a, 0x01, 0x61, 0x22, 0x09, 0x0a), 'unexpected EOF'],
    ['wire type 7', raw(0x02, 0x0f, 0x01), "proto: can't skip unknown wire type 7"],
    ['wire type 6', raw(0x02, 0x0e, 0x01), "proto: can't skip unknown wire type 6"],
    ['an end-group tag without a group', raw(0x01, 0x0c), "proto: can't skip unknown wire type 4"],
    ['field number 0 in a MetricFamily', raw(0x02, 0x00, 0x01), 'proto: io_prometheus_client.MetricFamily: illegal tag 0 (wire type 0)'],
    ['field number 0 in a Metric', raw(0x07, 0x0a, 0x01, 0x61, 0x22, 0x02, 0x01, 0x01), 'proto: io_prometheus_client.Metric: illegal tag 0 (wire type 1)'],
  ])('%s', (_why, body, message) => {
    expect(errorOf(() => parseProtobuf(body))).toBe(message);
  });

  test('an error in a later message is reported the same way, and nothing of the body is returned', () => {
    const body = Uint8Array.from([...delimited(COUNTER), 0x02, 0x0f, 0x01]);
    expect(errorOf(() => parseProtobuf(body))).toBe("proto: can't skip unknown wire type 7");
  });

  test('once failed, the parser keeps failing with the same error', () => {
    const parser = new ProtobufParser();
    expect(errorOf(() => parser.push(raw(0x02, 0x0f, 0x01)))).toBe("proto: can't skip unknown wire type 7");
    expect(errorOf(() => parser.push(delimited(COUNTER)))).toBe("proto: can't skip unknown wire type 7");
    expect(errorOf(() => parser.end())).toBe("proto: can't skip unknown wire type 7");
  });
});

// Go reads a varint of up to ten bytes whatever its value needs; protobufjs's uint32() lost its place in
// one longer than five bytes, so a body Go refuses was stored half read (issue 11, finding 3).
describe('ProtobufParser reads every varint as Go 1.5.1 does, canonical or not', () => {
  // Every kind of varint field: negative int32 and int64 (ten bytes canonically), sint32 and sint64 at
  // their extremes, 64-bit counts, packed and unpacked deltas.
  const EXTREMES: FamilyObject = {
    name: 'ex',
    type: 'HISTOGRAM',
    metric: [{
      label: labels(['a', '1']),
      histogram: {
        sampleCount: 2 ** 53 - 1,
        sampleSum: 1,
        bucket: [{ cumulativeCount: 2 ** 40, upperBound: 1, exemplar: { label: labels(['t', 'x']), value: 1, timestamp: { seconds: -5, nanos: -1 } } }],
        createdTimestamp: { seconds: 2 ** 40, nanos: 2 ** 31 - 1 },
        schema: -8,
        zeroCount: 0,
        negativeSpan: [{ offset: -(2 ** 31), length: 2 ** 32 - 1 }],
        negativeDelta: [-3, 2 ** 40, -(2 ** 50)],
        positiveSpan: [{ offset: 2 ** 31 - 1, length: 1 }],
        positiveDelta: [1],
      },
    }],
  };
  const body = delimited(COUNTER, GAUGE, SUMMARY, HISTOGRAM, FULL_NATIVE_HISTOGRAM, FLOAT_NATIVE_HISTOGRAM, EXTREMES);
  const expected = parseProtobuf(body);

  test.each([5, 6, 10])('every varint spelled in %i bytes decodes to the same families', (bytes) => {
    expect(parseProtobuf(withLongVarints(body, () => bytes))).toEqual(expected);
  });

  test('every varint spelled in a random length up to ten bytes decodes to the same families', () => {
    const next = seededRandom(11);
    for (let round = 0; round < 50; round++) {
      expect(parseProtobuf(withLongVarints(body, (canonical) => canonical + Math.floor(next() * (11 - canonical))))).toEqual(expected);
    }
  });

  /** One MetricFamily message of raw bytes, with its length prefix. */
  const message = (...bytes: number[]): Uint8Array => raw(...delimitedPrefix(bytes.length), ...bytes);
  const NAME_X = [0x0a, 0x01, 0x78];
  const GAUGE_ONE = [0x22, 0x0b, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f];

  test('the probe’s type field of six bytes (2^40) keeps its low 32 bits, as in Go: a counter holding a gauge', () => {
    const [family] = parseProtobuf(message(...NAME_X, 0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, ...GAUGE_ONE));
    expect([family!.type, family!.metrics[0]!.kindMismatch !== undefined]).toEqual(['counter', true]);
  });

  test('a label value length of 0x80 0x00 is an empty value followed by more fields', () => {
    // 127 bytes after the length: an unknown string field (3) of 125 bytes.
    const pair = [0x0a, 0x01, 0x61, 0x12, 0x80, 0x00, 0x1a, 0x7d, ...new Array<number>(125).fill(0x62)];
    const metric = [0x0a, ...delimitedPrefix(pair.length), ...pair, ...GAUGE_ONE.slice(2)];
    const [family] = parseProtobuf(message(...NAME_X, 0x18, 0x01, 0x22, ...delimitedPrefix(metric.length), ...metric));
    expect(family!.metrics[0]!.labels).toEqual(['a', '']);
  });

  test.each([
    ['an eleven-byte varint', [...NAME_X, 0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'unexpected EOF'],
    ['a ten-byte varint whose last byte is above 1', [...NAME_X, 0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02], 'unexpected EOF'],
    ['a string length past 32 bits', [...NAME_X, 0x12, 0x81, 0x80, 0x80, 0x80, 0x10, 0x68], 'unexpected EOF'],
    ['an unknown varint field of eleven bytes', [...NAME_X, 0x28, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'unexpected EOF'],
    // Go reads field number 2^29 + 1 here, unknown: it skips the name and stores a nameless family.
    ['a name tag past 32 bits', [0x8a, 0x80, 0x80, 0x80, 0x10, 0x01, 0x78], 'protobuf message 1: metric family has no name'],
  ])('%s', (_why, fields, error) => {
    expect(errorOf(() => parseProtobuf(message(...fields, ...GAUGE_ONE)))).toBe(error);
  });
});

/** A canonical varint length prefix. */
function delimitedPrefix(length: number): number[] {
  const bytes: number[] = [];
  for (; length >= 0x80; length = Math.floor(length / 0x80)) bytes.push((length & 0x7f) | 0x80);
  bytes.push(length);
  return bytes;
}

describe('ProtobufParser refuses what Go stores but cannot expose ([Rec] of SPEC §4.4)', () => {
  test.each([
    ['a family without name', delimited({ type: 'GAUGE', metric: [{ gauge: { value: 1 } }] }), 'protobuf message 1: metric family has no name'],
    ['a family with an empty name', delimited({ name: '', type: 'GAUGE' }), 'protobuf message 1: metric family has no name'],
    ['an empty message', raw(0x00), 'protobuf message 1: metric family has no name'],
    ['a name that is not a metric name', delimited({ name: '1bad-name', type: 'GAUGE' }), 'protobuf message 1: invalid metric name "1bad-name"'],
    ['a dotted (UTF-8 mode) name', delimited({ name: 'a.b', type: 'GAUGE' }), 'protobuf message 1: invalid metric name "a.b"'],
    ['an unknown type', delimited({ name: 'x', type: 9 }), 'protobuf message 1 (metric family "x"): unknown metric type 9'],
    [
      'a label value that is not UTF-8',
      delimited({ name: 'u8', type: 'GAUGE', metric: [{ label: labels(['l', raw(0xff, 0xef)]), gauge: { value: 1 } }] }),
      'protobuf message 1 (metric family "u8"): value of label "l" is not valid UTF-8: "\\xff\\xef"',
    ],
    [
      'an exemplar label value that is not UTF-8',
      delimited({ name: 'ex', metric: [{ counter: { value: 1, exemplar: { label: labels(['t', raw(0xc3)]), value: 1 } } }] }),
      'protobuf message 1 (metric family "ex"): value of exemplar label "t" is not valid UTF-8: "\\xc3"',
    ],
  ])('%s', (_why, body, message) => {
    expect(errorOf(() => parseProtobuf(body))).toBe(message);
  });

  test('the message number counts the messages of the body', () => {
    expect(errorOf(() => parseProtobuf(delimited(COUNTER, GAUGE, { name: '' })))).toBe('protobuf message 3: metric family has no name');
  });

  test('a label name or HELP that is not UTF-8 is refused', () => {
    // Family "x" with a LabelPair whose name is the byte 0xff, then one with HELP 0xfe.
    const badName = [0x0a, 0x01, 0x78, 0x22, 0x07, 0x0a, 0x05, 0x0a, 0x01, 0xff, 0x12, 0x00];
    expect(errorOf(() => parseProtobuf(raw(...framed(Uint8Array.from(badName)))))).toBe(
      'protobuf message 1 (metric family "x"): label name "\\xff" is not valid UTF-8',
    );
    const badHelp = [0x0a, 0x01, 0x78, 0x12, 0x01, 0xfe];
    expect(errorOf(() => parseProtobuf(raw(...framed(Uint8Array.from(badHelp)))))).toBe('protobuf message 1: HELP is not valid UTF-8');
  });

  test('a message longer than the cap is refused from its length alone', () => {
    const parser = new ProtobufParser({ maxMessageBytes: 10 });
    expect(errorOf(() => parser.push(raw(0x0b)))).toBe('protobuf message 1 is 11 bytes long, more than the limit of 10 bytes');
    expect(parseProtobuf(delimited({ name: 'ok' }), { maxMessageBytes: 4 })).toEqual([{ name: 'ok', help: undefined, type: 'counter', metrics: [] }]);
  });
});

describe('ProtobufParser takes the body in chunks cut anywhere', () => {
  const body = delimited(COUNTER, GAUGE, SUMMARY, FULL_NATIVE_HISTOGRAM, FLOAT_NATIVE_HISTOGRAM, HISTOGRAM);
  const whole = parseProtobuf(body);

  /** Feeds copies of the chunks and overwrites each after `push`: a parser keeping a view would see garbage. */
  function parseChunks(chunks: Uint8Array[]): MetricFamily[] {
    const parser = new ProtobufParser();
    for (const chunk of chunks) {
      const copy = chunk.slice();
      parser.push(copy);
      copy.fill(0xee);
    }
    return parser.end();
  }

  test('split at every offset', () => {
    for (let offset = 0; offset <= body.length; offset++) {
      expect(parseChunks([body.subarray(0, offset), body.subarray(offset)])).toEqual(whole);
    }
  });

  test.each([1, 2, 3, 7, 64])('chunks of %i bytes', (size) => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
    expect(parseChunks(chunks)).toEqual(whole);
  });

  test('a large message cut by chunks grows its buffer up to its length only', () => {
    const metric = Array.from({ length: 5000 }, (_, i) => ({ label: labels(['i', String(i)], ['pad', 'x'.repeat(20)]), gauge: { value: i } }));
    const big = delimited({ name: 'big', type: 'GAUGE', metric });
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < big.length; at += 1000) chunks.push(big.subarray(at, at + 1000));
    const [family] = parseChunks(chunks);
    expect([family!.metrics.length, family!.metrics[4999]!.value]).toEqual([5000, 4999]);
  });

  test('an empty body is an empty push', () => {
    expect(parseChunks([])).toEqual([]);
  });
});

describe('ProtobufParser on fuzzed bytes', () => {
  test('mutated bodies either parse or throw a ParseError, never anything else', () => {
    const body = delimited(COUNTER, SUMMARY, FULL_NATIVE_HISTOGRAM, HISTOGRAM);
    const next = seededRandom(42);
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const mutated = body.slice();
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
      const cut = next() < 0.3 ? Math.floor(next() * mutated.length) : mutated.length;
      try {
        parseProtobuf(mutated.subarray(0, cut));
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`round ${round}: ${String(error)}`);
        refused++;
      }
    }
    // Most mutations break something; a fuzzer that never hits the error paths tests nothing.
    expect(refused).toBeGreaterThan(1000);
  });

  test('random bytes either parse or throw a ParseError', () => {
    const next = seededRandom(7);
    for (let round = 0; round < 2000; round++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256));
      try {
        parseProtobuf(bytes);
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`round ${round}: ${String(error)}`);
      }
    }
  });
});
