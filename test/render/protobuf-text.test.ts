// renderProtobufTextExposition: the `encoding=text` / `compact-text` debug scrapes, byte for byte as Go 1.5.1 printed them.
// Every expected text below was captured from the 1.5.1 gateway for the same push (series pushed in Go's sorted order).
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { renderProtobufTextExposition } from '../../src/render/protobuf-text.ts';
import { type FamilyObject, delimited, labels } from '../helpers/metrics-proto.ts';
import { MIXED_HISTOGRAM, NATIVE_HISTOGRAM } from '../helpers/protobuf-families.ts';
import { storeWith } from '../helpers/pushed-store.ts';

/** The groups of a store holding one push of `families` (protobuf objects or a text body) to {job="n"}. */
function groupsOf(families: FamilyObject[] | string): readonly Group[] {
  return storeWith([['n', typeof families === 'string' ? parseText(families) : parseProtobuf(delimited(...families))]]).groups();
}

/** The debug scrape without the time gauges, one string per family. */
function render(groups: readonly Group[], compact: boolean): string[] {
  return renderProtobufTextExposition(groups, [], compact)
    .map((bytes) => new TextDecoder().decode(bytes))
    .filter((text) => !/^name: ?"push_/.test(text));
}

const GROUP_LABELS = 'label:<name:"instance" value:"" > label:<name:"job" value:"n" > ';

const FLOAT: FamilyObject = {
  name: 'fh',
  type: 'HISTOGRAM',
  metric: [{ histogram: { sampleCountFloat: 20.5, sampleSum: 9, schema: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveCount: [20.5] } }],
};
// Quoting (octal for bytes outside printable ASCII) and Go's float spellings.
const QUOTING: FamilyObject = {
  name: 'q',
  help: 'h "x" \\ y\nz\tü',
  type: 'GAUGE',
  metric: [
    ...[Infinity, -Infinity, -0, 1e-7, 1e21, 123456, 1234567].map((value, i) => ({ label: labels(['v', String(i + 2)]), gauge: { value } })),
    { label: labels(['v', 'a"b\\c\nd\te\rf ü €']), gauge: { value: NaN } },
  ],
};
const BIG_COUNT: FamilyObject = {
  name: 'sq',
  type: 'SUMMARY',
  metric: [{ summary: { sampleCount: 2 ** 60, sampleSum: 0.1, quantile: [{ quantile: 0.5, value: NaN }] } }],
};

describe('renderProtobufTextExposition, compact-text', () => {
  test('native, mixed and float histograms', () => {
    expect(render(groupsOf([FLOAT, MIXED_HISTOGRAM, NATIVE_HISTOGRAM]), true)).toEqual([
      `name:"fh" type:HISTOGRAM metric:<${GROUP_LABELS}histogram:<sample_count_float:20.5 sample_sum:9 schema:0 positive_span:<offset:0 length:1 > positive_count:20.5 > > \n`,
      `name:"mh" type:HISTOGRAM metric:<${GROUP_LABELS}histogram:<sample_count:5 sample_sum:9 bucket:<cumulative_count:2 upper_bound:1 ` +
        'exemplar:<label:<name:"t" value:"x" > value:0.5 timestamp:<seconds:5 nanos:7 > > > schema:0 positive_span:<offset:0 length:1 > positive_delta:5 > > \n',
      `name:"nh" help:"native" type:HISTOGRAM metric:<${GROUP_LABELS}histogram:<sample_count:20 sample_sum:99.23 schema:1 zero_threshold:0.001 zero_count:2 ` +
        'negative_span:<offset:1 length:1 > negative_delta:2 positive_span:<offset:0 length:2 > positive_delta:3 positive_delta:-1 > > \n',
    ]);
  });

  test('strings are quoted and floats spelled as Go does', () => {
    const series = (v: string, value: string) => `metric:<${GROUP_LABELS}label:<name:"v" value:"${v}" > gauge:<value:${value} > > `;
    expect(render(groupsOf([QUOTING, BIG_COUNT]), true)).toEqual([
      'name:"q" help:"h \\"x\\" \\\\ y\\nz\\t\\303\\274" type:GAUGE ' +
        series('2', 'inf') + series('3', '-inf') + series('4', '-0') + series('5', '1e-07') + series('6', '1e+21') + series('7', '123456') +
        series('8', '1.234567e+06') + series('a\\"b\\\\c\\nd\\te\\rf \\303\\274 \\342\\202\\254', 'nan') + '\n',
      `name:"sq" type:SUMMARY metric:<${GROUP_LABELS}summary:<sample_count:1152921504606846976 sample_sum:0.1 quantile:<quantile:0.5 value:nan > > > \n`,
    ]);
  });

  test('families pushed as text', () => {
    expect(render(groupsOf('# TYPE c counter\nc{a="1"} 3\n'), true)).toEqual([
      `name:"c" type:COUNTER metric:<label:<name:"a" value:"1" > ${GROUP_LABELS}counter:<value:3 > > \n`,
    ]);
  });
});

describe('renderProtobufTextExposition, text', () => {
  test('one field per line, nested messages indented, a blank line after each family', () => {
    expect(render(groupsOf([NATIVE_HISTOGRAM]), false)).toEqual([
      [
        'name: "nh"',
        'help: "native"',
        'type: HISTOGRAM',
        'metric: <',
        '  label: <',
        '    name: "instance"',
        '    value: ""',
        '  >',
        '  label: <',
        '    name: "job"',
        '    value: "n"',
        '  >',
        '  histogram: <',
        '    sample_count: 20',
        '    sample_sum: 99.23',
        '    schema: 1',
        '    zero_threshold: 0.001',
        '    zero_count: 2',
        '    negative_span: <',
        '      offset: 1',
        '      length: 1',
        '    >',
        '    negative_delta: 2',
        '    positive_span: <',
        '      offset: 0',
        '      length: 2',
        '    >',
        '    positive_delta: 3',
        '    positive_delta: -1',
        '  >',
        '>',
        '',
        '',
      ].join('\n'),
    ]);
  });
});
