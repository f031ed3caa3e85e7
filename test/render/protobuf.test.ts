// renderProtobufExposition: delimited MetricFamily messages from cached per-family bytes, merged like the text scrape.
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { renderExposition } from '../../src/render/exposition.ts';
import type { OwnFamily } from '../../src/render/family-merge.ts';
import { encodeMetricFields, renderProtobufExposition } from '../../src/render/protobuf.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { type FamilyObject, decodeDelimited, delimited, labels } from '../helpers/metrics-proto.ts';
import { FULL_NATIVE_HISTOGRAM } from '../helpers/protobuf-families.ts';
import { storeWith } from '../helpers/pushed-store.ts';

const GAUGES = ['push_failure_time_seconds', 'push_time_seconds'];

/** The scrape decoded, without the time gauges (their values vary). */
function protobufScrape(groups: readonly Group[], own: OwnFamily[] = []): FamilyObject[] {
  const body = Buffer.concat(renderProtobufExposition(groups, own));
  return decodeDelimited(body).filter((family) => !GAUGES.includes(family.name as string));
}

const series = (...pairs: [string, string][]) => labels(...pairs).map(({ name, value }) => ({ name, value: new TextDecoder().decode(value) }));

describe('renderProtobufExposition', () => {
  test('families pushed as text come back as protobuf, from their text lines', () => {
    const store = storeWith([
      ['t', parseText('# HELP c A counter.\n# TYPE c counter\nc{a="1"} 3\n# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 3\ns_count 2\n' +
        '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1.5\nh_count 2\nu 7\n')],
    ]);
    // The text is lossless, so the store kept no structured copy: the scrape parsed the lines back.
    expect([...store.groups()[0]!.families.values()].every((family) => family.exact === undefined)).toBe(true);
    expect(protobufScrape(store.groups())).toEqual([
      { name: 'c', help: 'A counter.', type: 'COUNTER', metric: [{ label: series(['a', '1'], ['instance', ''], ['job', 't']), counter: { value: 3 } }] },
      {
        name: 'h',
        type: 'HISTOGRAM',
        metric: [{
          label: series(['instance', ''], ['job', 't']),
          histogram: { sampleCount: 2, sampleSum: 1.5, bucket: [{ cumulativeCount: 1, upperBound: 1 }, { cumulativeCount: 2, upperBound: Infinity }] },
        }],
      },
      {
        name: 's',
        type: 'SUMMARY',
        metric: [{ label: series(['instance', ''], ['job', 't']), summary: { sampleCount: 2, sampleSum: 3, quantile: [{ quantile: 0.5, value: 1 }] } }],
      },
      { name: 'u', type: 'UNTYPED', metric: [{ label: series(['instance', ''], ['job', 't']), untyped: { value: 7 } }] },
    ]);
  });

  test('protobuf-only fields come back exactly as pushed (with the grouping labels)', () => {
    const pushed: FamilyObject[] = [
      FULL_NATIVE_HISTOGRAM,
      {
        name: 'fh',
        type: 'HISTOGRAM',
        metric: [{ histogram: { sampleCountFloat: 2.5, sampleSum: 1, bucket: [{ cumulativeCountFloat: 1.5, upperBound: 1 }], zeroCountFloat: 0.5, positiveSpan: [{ offset: 0, length: 1 }], positiveCount: [1] } }],
      },
      { name: 'ce', type: 'COUNTER', metric: [{ counter: { value: 1, exemplar: { label: labels(['t', 'z']), value: 1 }, createdTimestamp: { seconds: 9 } } }] },
      { name: 'se', type: 'SUMMARY', metric: [{ summary: { sampleCount: 1, sampleSum: -0, createdTimestamp: { nanos: 3 } } }] },
      { name: 'gz', type: 'GAUGE', metric: [{ gauge: {} }] },
    ];
    const store = storeWith([['p', parseProtobuf(delimited(...pushed))]]);
    const grouping = [{ name: 'instance', value: '' }, { name: 'job', value: 'p' }];
    const expected = decodeDelimited(delimited(...pushed)).map((family) => ({
      ...family,
      metric: (family.metric as Record<string, unknown>[]).map((metric) => ({ ...metric, label: grouping })),
    }));
    const byName = (a: FamilyObject, b: FamilyObject) => ((a.name as string) < (b.name as string) ? -1 : 1);
    expect(protobufScrape(store.groups())).toEqual(expected.toSorted(byName));
  });

  test('families, their order, HELP and series order are those of the text scrape', () => {
    const store = storeWith([
      ['b', parseText('# HELP m first\n# TYPE m gauge\nm{x="1"} 1\nz 1\n')],
      ['a', parseText('# HELP m second\n# TYPE m gauge\nm{x="2"} 2\nm{x="3"} 3\n# TYPE e gauge\n')],
    ]);
    const own: OwnFamily[] = [{ name: 'm', help: 'own help', type: 'gauge', text: encodeFamilyText({ name: 'm', help: 'own help', type: 'gauge', metrics: [{ labels: [], value: 0 }] }).text }];
    const text = Buffer.concat([...renderExposition(store.groups(), own)]).toString();
    const textFamilies = [...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    const textSeries = text.split('\n').filter((line) => line.startsWith('m'));
    const proto = protobufScrape(store.groups(), own);
    expect(proto.map((family) => family.name)).toEqual(textFamilies.filter((name) => !GAUGES.includes(name!)));
    const m = proto.find((family) => family.name === 'm')!;
    expect(m.help).toBe('own help');
    expect((m.metric as { gauge: { value: number } }[]).map((metric) => metric.gauge.value)).toEqual(textSeries.map((line) => Number(line.split(' ')[1])));
  });

  test('a stored family is encoded once; a scrape after it was replaced encodes the new one', () => {
    const store = storeWith([['a', parseText('x 1\n')], ['b', parseText('x 2\n')]]);
    const first = renderProtobufExposition(store.groups(), []);
    const second = renderProtobufExposition(store.groups(), []);
    expect(second.length).toBe(first.length);
    // Per family: length prefix, header, then one chunk per group. `x` sorts last, after the time gauges.
    const xParts = (parts: Uint8Array[]) => parts.slice(-2);
    expect(xParts(second).every((part, i) => part === xParts(first)[i])).toBe(true);
    store.apply({ labels: ['job', 'b'], families: parseText('x 3\n'), replace: false, timeMs: 5000 });
    const third = renderProtobufExposition(store.groups(), []);
    expect(xParts(third)[0]).toBe(xParts(first)[0]!);
    expect(xParts(third)[1]).not.toBe(xParts(first)[1]!);
    const values = decodeDelimited(Buffer.concat(third)).find((family) => family.name === 'x')!.metric as { untyped: { value: number } }[];
    expect(values.map((metric) => metric.untyped.value)).toEqual([1, 3]);
  });

  test('a family without series is not exposed', () => {
    const store = storeWith([['a', parseProtobuf(delimited({ name: 'empty', type: 'GAUGE' }, { name: 'full', type: 'GAUGE', metric: [{ gauge: { value: 1 } }] }))]]);
    expect(protobufScrape(store.groups()).map((family) => family.name)).toEqual(['full']);
  });
});

describe('encodeMetricFields', () => {
  test('writes fields in number order, as Go does, so equal input gives equal bytes', () => {
    const body = delimited({ name: 'g', type: 'GAUGE', metric: [{ label: labels(['a', '1']), gauge: { value: 1.5 } }, { gauge: { value: 2 } }] });
    const [family] = parseProtobuf(body);
    const fields = encodeMetricFields(family!.type, family!.metrics);
    // The message is name (3 bytes) + type (2 bytes) + the metric fields.
    expect([...body.subarray(1 + 3 + 2)]).toEqual([...fields]);
  });

  test('a series whose value does not match its type gets no value message', () => {
    const [family] = parseProtobuf(delimited({ name: 'g', type: 'GAUGE', metric: [{ label: labels(['a', '1']), counter: { value: 1 } }] }));
    // The same metric field as a family message holding only it, minus that message's length prefix.
    expect([...encodeMetricFields('gauge', family!.metrics)]).toEqual([...delimited({ metric: [{ label: labels(['a', '1']) }] }).subarray(1)]);
  });
});
