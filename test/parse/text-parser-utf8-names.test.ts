// The newest Go's quoted-name syntax under --push.enable-utf8-names (SPEC §4.3): what it reads, what it refuses, and that without the flag nothing changes.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { TextParser, parseText } from '../../src/parse/text-parser.ts';
import { parseErrorOf } from '../helpers/parse-error.ts';

const encoder = new TextEncoder();

/** Families as `name{labels} value` lines (histograms and summaries by their counts), one per series. */
function lines(families: MetricFamily[]): string[] {
  return families.flatMap((family) => [
    `${family.type} ${family.name}${family.help === undefined ? '' : ` help=${family.help}`}`,
    ...family.metrics.map((m) => `  ${JSON.stringify(m.labels)} ${m.value ?? `count=${m.count} sum=${m.sum}`}`),
  ]);
}

function utf8Parse(body: string): MetricFamily[] {
  return parseText(body, undefined, true);
}

const errorOf = (parse: () => unknown): string => parseErrorOf(parse).message;

// [why, body, the families read]
const ACCEPTED: [string, string, string[]][] = [
  ['a quoted name alone in braces', '{"some.metric"} 1\n', ['untyped some.metric', '  [] 1']],
  ['a quoted name and labels in braces', '{"some.metric",a="1"} 2\n', ['untyped some.metric', '  ["a","1"] 2']],
  ['blanks around the name in braces', '{ "some.metric" , a="1" } 2\n', ['untyped some.metric', '  ["a","1"] 2']],
  ['a quoted label name', 'm{"a.b"="1"} 1\n', ['untyped m', '  ["a.b","1"] 1']],
  ['a quoted name before the braces', '"x.y"{"ü"="2"} 3\n', ['untyped x.y', '  ["ü","2"] 3']],
  ['escapes in quoted names', '{"a\\"b\\\\c\\nd","e\\"f"="1"} 1\n', ['untyped a"b\\c\nd', '  ["e\\"f","1"] 1']],
  ['a legacy name, quoted or bare, in braces', '{"m"} 1\n{m,a="1"} 2\n', ['untyped m', '  [] 1', '  ["a","1"] 2']],
  ['HELP and TYPE with a quoted name', '# HELP "x.y" some help\n# TYPE "x.y" counter\n{"x.y"} 3\n', ['counter x.y help=some help', '  [] 3']],
  ['a histogram under quoted names', '# TYPE "h.x" histogram\n{"h.x_bucket",le="1"} 2\n{"h.x_bucket",le="+Inf"} 2\n{"h.x_sum"} 3\n{"h.x_count"} 2\n',
    ['histogram h.x', '  [] count=2 sum=3']],
  ['a quoted le is the bound', '# TYPE h histogram\nh_bucket{"le"="+Inf"} 2\nh_count 2\nh_sum 1\n', ['histogram h', '  [] count=2 sum=1']],
];

// [why, body, line, message]
const REFUSED: [string, string, number, string][] = [
  ['an empty quoted name', 'a 1\n{""} 1\n', 2, 'invalid metric name'],
  ['an empty quoted label name', 'm{""="1"} 1\n', 1, 'invalid label name for metric "m"'],
  ['an empty quoted name in a comment', '# HELP "" x\n', 1, 'invalid metric name in comment'],
  ['a quoted name with an unknown escape', 'm{"a\\q"="1"} 1\n', 1, "invalid escape sequence '\\q'"],
  ['a quoted label name never closed', 'm{"abc=1} 1\n', 1, 'label name "abc=1} 1" contains unescaped new-line'],
  ['a quoted metric name never closed', '{"abc 1\n', 1, 'metric name "abc 1" contains unescaped new-line'],
  ['a label where the name should be', '{"a"="1"} 1\n', 1, 'invalid metric name'],
  ['nothing after the name in braces', '{"m" 1\n', 1, "unexpected end of metric name '1'"],
  ['the reserved __name__, quoted', 'm{"__name__"="x"} 1\n', 1, 'label name "__name__" is reserved'],
  ['a quoted name not followed by a blank in a comment', '# TYPE "x"y counter\n', 1, 'invalid metric name in comment'],
];

describe('TextParser with UTF-8 names', () => {
  test.each(ACCEPTED)('reads %s', (_why, body, expected) => {
    expect(lines(utf8Parse(body))).toEqual(expected);
  });

  test.each(ACCEPTED)('reads %s split at every byte offset', (_why, body) => {
    const bytes = encoder.encode(body);
    const whole = lines(utf8Parse(body));
    for (let offset = 1; offset < bytes.length; offset++) {
      const parser = new TextParser(undefined, true);
      parser.push(bytes.slice(0, offset));
      parser.push(bytes.slice(offset));
      expect(lines(parser.end())).toEqual(whole);
    }
  });

  test.each(REFUSED)('refuses %s', (_why, body, line, message) => {
    expect(errorOf(() => utf8Parse(body))).toBe(`text format parsing error in line ${line}: ${message}`);
  });

  test('refuses a quoted name that is not valid UTF-8', () => {
    const body = Uint8Array.from([...encoder.encode('m{"a'), 0xff, ...encoder.encode('"="1"} 1\n')]);
    expect(errorOf(() => parseText(body, undefined, true))).toBe('text format parsing error in line 1: invalid label name for metric "m"');
    const name = Uint8Array.from([...encoder.encode('{"a'), 0xc3, ...encoder.encode('"} 1\n')]);
    expect(errorOf(() => parseText(name, undefined, true))).toBe('text format parsing error in line 1: invalid metric name');
  });
});

describe('TextParser without the flag (Go 1.5.1)', () => {
  test.each<[string, string]>([
    ['{"some.metric"} 1\n', 'invalid metric name'],
    ['m{"a.b"="1"} 1\n', 'invalid label name for metric "m"'],
    ['# HELP "x.y" h\n', 'invalid metric name in comment'],
    ['"x.y" 1\n', 'invalid metric name'],
  ])('refuses %j as 1.5.1 does', (body, message) => {
    expect(errorOf(() => parseText(body))).toBe(`text format parsing error in line 1: ${message}`);
  });
});
