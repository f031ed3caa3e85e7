// The text-format parser against Go expfmt 1.5.1: accepted forms, every error message, and chunked input.
// Every message and result below was checked against the real 1.5.1 gateway (SPEC §4.3), except the
// D1/D2 cases, where we accept on purpose what Go rejects.

import { describe, expect, test } from 'bun:test';
import type { Metric, MetricFamily } from '../../src/model/metric.ts';
import { ParseError } from '../../src/parse/parse-error.ts';
import { DEFAULT_PUSH_LIMITS, type PushLimits } from '../../src/model/push-limits.ts';
import { PushLimitError } from '../../src/parse/push-limit-error.ts';
import { TextParser, parseText } from '../../src/parse/text-parser.ts';
import { parseErrorOf } from '../helpers/parse-error.ts';

const encoder = new TextEncoder();

/** Body bytes: strings are UTF-8 encoded; `raw()` bodies carry bytes that are not valid UTF-8. */
type Body = string | Uint8Array;

function bytesOf(body: Body): Uint8Array {
  return typeof body === 'string' ? encoder.encode(body) : body;
}

/** One byte per char code (all < 256), for bodies with invalid UTF-8. */
function raw(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** Families flattened to one line per family and per series, so a whole body compares in one assertion. */
function summarize(families: MetricFamily[]): string[] {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`${family.type} ${family.name}` + (family.help === undefined ? '' : ` help=${JSON.stringify(family.help)}`));
    for (const metric of family.metrics) lines.push('  ' + describeMetric(metric));
  }
  return lines;
}

function describeMetric(metric: Metric): string {
  const pairs: string[] = [];
  for (let i = 0; i < metric.labels.length; i += 2) pairs.push(`${metric.labels[i]}=${JSON.stringify(metric.labels[i + 1])}`);
  let text = `{${pairs.join(',')}}`;
  if ('value' in metric) text += ` value=${num(metric.value!)}`;
  if ('quantiles' in metric) text += ` quantiles=[${metric.quantiles!.map((q) => `${num(q.quantile)}:${num(q.value)}`).join(' ')}]`;
  if ('buckets' in metric) text += ` buckets=[${metric.buckets!.map((b) => `${num(b.upperBound)}:${num(b.cumulativeCount)}`).join(' ')}]`;
  if ('count' in metric) text += ` count=${num(metric.count!)}`;
  if ('sum' in metric) text += ` sum=${num(metric.sum!)}`;
  if ('timestampMs' in metric) text += ` @${metric.timestampMs}`;
  const known = ['labels', 'value', 'quantiles', 'buckets', 'count', 'sum', 'timestampMs'];
  for (const key of Object.keys(metric)) if (!known.includes(key)) text += ` unexpected:${key}`;
  return text;
}

// The expected text of a string as summarize() shows it, written as a plain literal of the value.
const q = JSON.stringify;

function num(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * Feeds `body` in chunks of `size` bytes. Each chunk is a fresh copy that is overwritten right after
 * `push`, so a parser that kept a view of an old chunk would produce garbage.
 */
function parseInChunks(body: Body, size: number, limits?: PushLimits): MetricFamily[] {
  const bytes = bytesOf(body);
  const parser = new TextParser(limits);
  for (let offset = 0; offset < bytes.length; offset += size) {
    const chunk = bytes.slice(offset, offset + size);
    parser.push(chunk);
    chunk.fill(0xee);
  }
  return parser.end();
}

function parseSplitAt(body: Uint8Array, offset: number): MetricFamily[] {
  const parser = new TextParser();
  parser.push(body.slice(0, offset));
  parser.push(body.slice(offset));
  return parser.end();
}

/** The ParseError `parse` throws, as `{ line, message }`; fails the test if it throws none or another kind. */
function errorOf(parse: () => unknown): { line: number; message: string } {
  const { line, message } = parseErrorOf(parse);
  return { line, message };
}

function lineError(line: number, detail: string): { line: number; message: string } {
  return { line, message: `text format parsing error in line ${line}: ${detail}` };
}

// Every oddity real pushers produce, in one body. The last block has CRLF line ends (D2) and the body
// has no final newline (D1); everything before was also pushed to Go 1.5.1 and gave the same families.
const REALISTIC_LF_LINES = [
  '# A push carrying every oddity seen from real clients (SPEC §4.3).',
  '# HELP   http_requests_total   Total requests; \\\\ backslash, escaped \\\\n, real\\nnewline, "quotes", Grüße 🎉  ',
  '#   TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027',
  'http_requests_total{ method = "get" , code="404", } 3',
  '\t http_requests_total{}\t+Inf',
  '#TYPE up gauge',
  'up{job="node",instance="10.0.0.1:9100"}1',
  '# EOF',
  '# UNIT up seconds',
  '#  just a comment: "quotes", \\ backslash',
  'process:cpu:seconds{user="Björn 🎉",path="C:\\\\dir\\n\\"x\\""} -1.5e-3',
  '# HELP empty_help',
  'empty_help 0',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="0.1",svc="a"} 1',
  'latency_seconds_bucket{svc="a",le="1.0"} 2.7',
  'latency_seconds_sum{svc="a"} 1.25',
  'latency_seconds_count{svc="a"} 3',
  'latency_seconds_bucket{svc="b",le="1e3"} -1',
  '# TYPE rpc_seconds summary',
  'rpc_seconds{quantile="0.50"} 0.25',
  'rpc_seconds{quantile="0.99"} NaN',
  'rpc_seconds_sum 12.5',
  'rpc_seconds_count 40',
  '# TYPE om counter',
  'om_total 5',
  'om_created 1700000000',
  'http_requests_total{method="post",code="500"} 7 1700000000000',
  'weird{quantile="0.5",le="+Inf"} -inf',
  'weird{quantile="0.5",le="+Inf"} nan',
  '# HELP nodejs_eventloop_lag_seconds Lag of event loop in seconds.',
  '# TYPE nodejs_eventloop_lag_seconds gauge',
  'nodejs_eventloop_lag_seconds Nan',
  '',
  '# HELP nodejs_heap_size_total_bytes Process heap size from Node.js in bytes.',
  '# TYPE nodejs_heap_size_total_bytes gauge',
  'nodejs_heap_size_total_bytes 6.5e+07',
];
const REALISTIC_CRLF_LINES = [
  '# HELP windows_cpu_time_total CPU time.',
  '# TYPE windows_cpu_time_total COUNTER',
  'windows_cpu_time_total{core="0,0",mode="idle"} 12345.5',
  '   ',
  'windows_cpu_time_total{core="0,1",mode="idle"} .5',
];
const REALISTIC = encoder.encode(REALISTIC_LF_LINES.join('\n') + '\n' + REALISTIC_CRLF_LINES.join('\r\n'));

const REALISTIC_SUMMARY = [
  `counter http_requests_total help=${q('Total requests; \\ backslash, escaped \\n, real\nnewline, "quotes", Grüße 🎉  ')}`,
  '  {method="post",code="200"} value=1027',
  '  {method="get",code="404"} value=3',
  '  {} value=Infinity',
  '  {method="post",code="500"} value=7 @1700000000000', // the timestamp is kept for the store to refuse
  'gauge up',
  '  {job="node",instance="10.0.0.1:9100"} value=1',
  'untyped process:cpu:seconds',
  `  {user="Björn 🎉",path=${q('C:\\dir\n"x"')}} value=-0.0015`,
  'untyped empty_help', // `# HELP name` without text gives no HELP, not ''
  '  {} value=0',
  'histogram latency_seconds', // no +Inf bucket: the renderer adds it; counts truncated to integers
  '  {svc="a"} buckets=[0.1:1 1:2] count=3 sum=1.25',
  '  {svc="b"} buckets=[1000:18446744073709552000]',
  'summary rpc_seconds',
  '  {} quantiles=[0.5:0.25 0.99:NaN] count=40 sum=12.5',
  'untyped om_total', // not part of `om`: names must match exactly, and the empty `om` vanishes
  '  {} value=5',
  'untyped om_created',
  '  {} value=1700000000',
  'untyped weird', // duplicate series are the store's business
  '  {quantile="0.5",le="+Inf"} value=-Infinity',
  '  {quantile="0.5",le="+Inf"} value=NaN',
  'gauge nodejs_eventloop_lag_seconds help="Lag of event loop in seconds."',
  '  {} value=NaN',
  'gauge nodejs_heap_size_total_bytes help="Process heap size from Node.js in bytes."',
  '  {} value=65000000',
  'counter windows_cpu_time_total help="CPU time."',
  '  {core="0,0",mode="idle"} value=12345.5',
  '  {core="0,1",mode="idle"} value=0.5',
];

describe('TextParser on a realistic body', () => {
  test('parses the whole body into the expected families', () => {
    expect(summarize(parseText(REALISTIC))).toEqual(REALISTIC_SUMMARY);
  });

  test('gives the same result when split into two chunks at every byte offset', () => {
    // Covers cuts inside multi-byte characters, between \r and \n, and inside escapes.
    for (let offset = 0; offset <= REALISTIC.length; offset++) {
      expect(summarize(parseSplitAt(REALISTIC, offset))).toEqual(REALISTIC_SUMMARY);
    }
  });

  test.each([1, 2, 3, 7, 64])('gives the same result in %i-byte chunks', (size) => {
    expect(summarize(parseInChunks(REALISTIC, size))).toEqual(REALISTIC_SUMMARY);
  });

  test('accepts a string body as well as bytes', () => {
    expect(summarize(parseText(new TextDecoder().decode(REALISTIC)))).toEqual(REALISTIC_SUMMARY);
  });
});

// [why the case exists, body, expected summary]
const ACCEPTED: [string, Body, string[]][] = [
  ['D1: a last line without \\n is complete when the body ends (Go: unexpected end of input stream)', 'a 1', ['untyped a', '  {} value=1']],
  ['D1: a last comment line without \\n', 'a 1\n# HELP a text', ['untyped a help="text"', '  {} value=1']],
  ['D2: \\r\\n ends a line (Go: expected float as value, got "1\\r")', 'a 1\r\n', ['untyped a', '  {} value=1']],
  ['D2: \\r\\n after a TYPE word (Go: unknown metric type "counter\\r")', '# TYPE c counter\r\nc 1\r\n', ['counter c', '  {} value=1']],
  ['D2: \\r\\n after a HELP text', '# HELP c some help\r\nc 1\r\n', ['untyped c help="some help"', '  {} value=1']],
  ['an empty body is an empty push', '', []],
  ['blank lines and lines of blanks are skipped', '\n \t \n\na 1\n\n', ['untyped a', '  {} value=1']],
  ['families without samples are dropped', '# TYPE g gauge\n# HELP h help\ng_sum 1\n', ['untyped g_sum', '  {} value=1']],
  ['a gauge `_sum` sample is its own untyped family', '# TYPE g gauge\ng_sum 1\ng 2\n', ['gauge g', '  {} value=2', 'untyped g_sum', '  {} value=1']],
  ['HELP keeps inner and trailing blanks', '# HELP h  two  spaces  \nh 1\n', ['untyped h help="two  spaces  "', '  {} value=1']],
  ['`# HELP name ` with only blanks gives no HELP', '# HELP h \t\nh 1\n', ['untyped h', '  {} value=1']],
  ['a HELP after a nameless HELP is the first one', '# HELP h\n# HELP h text\nh 1\n', ['untyped h help="text"', '  {} value=1']],
  ['HELP may come after the samples', 'h 1\n# HELP h late\n', ['untyped h help="late"', '  {} value=1']],
  ['HELP keeps invalid UTF-8 as U+FFFD (Go keeps the raw byte)', raw('# HELP h a\xffb\nh 1\n'), ['untyped h help="a\uFFFDb"', '  {} value=1']],
  ['TYPE keywords are case-insensitive', '# TYPE a CoUnTeR\na 1\n', ['counter a', '  {} value=1']],
  ['TYPE words go through Unicode upper-casing: ſ is S', '# TYPE s ſummary\ns_sum 1\n', ['summary s', '  {} quantiles=[] sum=1']],
  ['TYPE words go through Unicode upper-casing: ı is I', '# TYPE h hıstogram\nh_sum 1\n', ['histogram h', '  {} buckets=[] sum=1']],
  ['Go drops every backslash of a TYPE word', '# TYPE x gau\\ge\\\nx 1\n', ['gauge x', '  {} value=1']],
  ['`#TYPE` without a space is still a TYPE line', '#TYPE x counter\nx 1\n', ['counter x', '  {} value=1']],
  ['comments, `# EOF`, `# UNIT` and bare HELP/TYPE keywords are ignored', '# EOF\n# UNIT x s\n#\n# \n#HELP\n# TYPE\n# TYPE x\n#HELPx y z\n', []],
  ['a comment may be indented', '   # HELP x y\n  x 1\n', ['untyped x help="y"', '  {} value=1']],
  ['spaces around = and , and a trailing comma', 'a{b = "1" , c= "2" ,d="3" , } 1\n', ['untyped a', '  {b="1",c="2",d="3"} value=1']],
  ['empty braces, and blanks inside them', 'a{} 1\nb{ } 2\n', ['untyped a', '  {} value=1', 'untyped b', '  {} value=2']],
  ['no blank between labels and value; blank between name and labels', 'a{b="1"}1\nc {d="2"} 2\n', ['untyped a', '  {b="1"} value=1', 'untyped c', '  {d="2"} value=2']],
  ['tabs separate like spaces', 'a{b\t=\t"1"}\t\t1\t\t5\n', ['untyped a', '  {b="1"} value=1 @5']],
  ['label value escapes \\\\ \\" \\n', 'a{b="x\\\\y\\"z\\nw"} 1\n', ['untyped a', `  {b=${q('x\\y"z\nw')}} value=1`]],
  ['control characters and a BOM are valid label values', 'a{b="\u0001\u007f\uFEFFx"} 1\n', ['untyped a', '  {b="\\u0001\u007f\uFEFFx"} value=1']],
  ['names with colons and underscores', 'a:b:c 1\n:a 2\n_ 3\n', ['untyped a:b:c', '  {} value=1', 'untyped :a', '  {} value=2', 'untyped _', '  {} value=3']],
  ['the parser accepts `__`-prefixed label names; the store refuses them', 'a{__a="1",_="2"} 1\n', ['untyped a', '  {__a="1",_="2"} value=1']],
  ['`quantile` on an untyped sample is an ordinary label', 'a{quantile="x"} 1\n', ['untyped a', '  {quantile="x"} value=1']],
  ['the same name in two blocks is one family', 'a 1\nb 2\na{x="y"} 3\n', ['untyped a', '  {} value=1', '  {x="y"} value=3', 'untyped b', '  {} value=2']],
  ['duplicate series are not a parse error', 'a 1\na 2\n', ['untyped a', '  {} value=1', '  {} value=2']],
  ['timestamps are kept: sign and leading zeros allowed, int64 range', 'a 1 +123\nb 1 -9223372036854775808\nc 1 0009223372036854775807\n',
    ['untyped a', '  {} value=1 @123', 'untyped b', '  {} value=1 @-9223372036854776000', 'untyped c', '  {} value=1 @9223372036854776000']],
  ['summary series are keyed by label set in any order, quantile aside', '# TYPE s summary\ns{a="1",b="2",quantile="0.5"} 1\ns_sum{b="2",a="1"} 7\ns{a="",quantile="0.5"} 3\ns{quantile="0.5"} 4\n',
    ['summary s', '  {a="1",b="2"} quantiles=[0.5:1] sum=7', '  {a=""} quantiles=[0.5:3]', '  {} quantiles=[0.5:4]']],
  ['a summary line without suffix or quantile creates the series but loses the value', '# TYPE s summary\ns{a="1"} 7\n', ['summary s', '  {a="1"} quantiles=[]']],
  ['quantile="NaN" is Go\'s "no quantile": the value is lost', '# TYPE s summary\ns{quantile="NaN"} 1\ns{quantile="0.1"} 2\n', ['summary s', '  {} quantiles=[0.1:2]']],
  ['a second quantile label replaces the first', '# TYPE s summary\ns{quantile="1",x="y",quantile="2"} 5\n', ['summary s', '  {x="y"} quantiles=[2:5]']],
  ['`_count` wins over a quantile label', '# TYPE s summary\ns_count{quantile="0.5"} 3\n', ['summary s', '  {} quantiles=[] count=3']],
  ['a timestamp on any line of a summary lands on the series', '# TYPE s summary\ns{quantile="1"} 5 1\ns_sum 6\n', ['summary s', '  {} quantiles=[1:5] sum=6 @1']],
  ['`_bucket` attaches to histograms only', '# TYPE s summary\ns_bucket 1\n', ['untyped s_bucket', '  {} value=1']],
  ['le on the bare histogram name is a bucket; le on _sum is ignored', '# TYPE h histogram\nh{le="1"} 5\nh_sum{le="2"} 6\n', ['histogram h', '  {} buckets=[1:5] sum=6']],
  ['a bucket line without le creates the series but loses the value', '# TYPE h histogram\nh_bucket 3\n', ['histogram h', '  {} buckets=[]']],
  ['1.5.1 casts counts to uint64 as amd64 does', '# TYPE h histogram\nh_count NaN\nh_bucket{le="1"} 1e20\nh_bucket{le="2"} -0.5\nh_bucket{le="3"} -2.5\nh_bucket{le="+Inf"} Inf\n',
    ['histogram h', '  {} buckets=[1:9223372036854776000 2:0 3:18446744073709552000 Infinity:9223372036854776000] count=9223372036854776000']],
  ['le and quantile are floats: 1e3 and +Inf', '# TYPE h histogram\nh_bucket{le="1e3"} 1\nh_bucket{le="+Inf"} 2\n', ['histogram h', '  {} buckets=[1000:1 Infinity:2]']],
  ['HELP and TYPE naming `x_count` of a summary x refer to x', '# TYPE s summary\n# HELP s_count help\ns_count 1\n', ['summary s help="help"', '  {} quantiles=[] count=1']],
];

describe('TextParser accepts what Go 1.5.1 accepts', () => {
  test.each(ACCEPTED)('%s', (_why, body, expected) => {
    expect(summarize(parseText(bytesOf(body)))).toEqual(expected);
    expect(summarize(parseInChunks(body, 1))).toEqual(expected);
  });
});

// [value as written, value parsed] — Go's ParseFloat minus p, P and _.
const FLOATS: [string, number][] = [
  ['1', 1], ['-1', -1], ['+3', 3], ['.5', 0.5], ['1.', 1], ['-0', -0], ['00012', 12],
  ['1E3', 1000], ['1e+3', 1000], ['+.5e-3', 0.0005], ['12345.678e2', 1234567.8], ['-1.5e-3', -0.0015],
  ['9007199254740993', 9007199254740992], // beyond 2^53: rounded to nearest even like Go
  ['0.1', 0.1], ['123456789012345678901234567890', 1.2345678901234568e29], ['1e-7', 1e-7], ['3.0e22', 3e22], ['4.5e23', 4.5e23],
  ['1.7976931348623158e308', 1.7976931348623157e308], // the largest double, reached by rounding
  ['4.9e-325', 0], ['1e-400', 0], ['0.1e-9999999999', 0], // underflow is not an error
  ['NaN', NaN], ['nan', NaN], ['Nan', NaN], ['Inf', Infinity], ['+Infinity', Infinity], ['-inf', -Infinity], ['iNfInItY', Infinity],
];

describe('TextParser reads sample values', () => {
  test.each(FLOATS)('%s', (text, expected) => {
    const [family] = parseText(`a ${text}\n`);
    expect(family!.metrics[0]!.value).toBe(expected);
  });
});

// [why the case exists, body, line, message after the `line N:` prefix]
const REJECTED: [string, Body, number, string][] = [
  ['trailing blank after the value is an empty timestamp', 'q 1 \n', 1, 'expected integer as timestamp, got ""'],
  ['two trailing blanks', 'q  1  \n', 1, 'expected integer as timestamp, got ""'],
  ['a word as value', 'a one\n', 1, 'expected float as value, got "one"'],
  ['hex is not a value', 'q 0x1F\n', 1, 'expected float as value, got "0x1F"'],
  ['digit separators are refused', 'q 1_000\n', 1, 'expected float as value, got "1_000"'],
  ['hex floats are refused', 'q 0x10p2\n', 1, 'expected float as value, got "0x10p2"'],
  ['overflow is an error', 'q 1e400\n', 1, 'expected float as value, got "1e400"'],
  ['negative overflow', 'q -1.7976931348623159e308\n', 1, 'expected float as value, got "-1.7976931348623159e308"'],
  ['NaN takes no sign', 'q +nan\n', 1, 'expected float as value, got "+nan"'],
  ['a prefix of infinity is not inf', 'q infin\n', 1, 'expected float as value, got "infin"'],
  ['an exponent needs digits', 'q 1e+\n', 1, 'expected float as value, got "1e+"'],
  ['a point alone is no number', 'q .\n', 1, 'expected float as value, got "."'],
  ['no value at all', 'a\n', 1, 'expected float as value, got ""'],
  ['no value after labels', 'a{b="1"} \n', 1, 'expected float as value, got ""'],
  ['a second closing brace becomes the value', 'a{b="1"}} 1\n', 1, 'expected float as value, got "}"'],
  ['the value token is quoted like Go %q', raw('a \xff\x01\xc2\xa0\xe2\x80\xa8\xf0\x9f\x8e\x89\xf3\xa0\x80\x81\n'), 1, 'expected float as value, got "\\xff\\x01\\u00a0\\u2028🎉\\U000e0001"'],
  ['a name may not start with a digit', '1abc 1\n', 1, 'invalid metric name'],
  ['a name is ASCII', 'ü 1\n', 1, 'invalid metric name'],
  ['quoted names are newer than 1.5.1', '{"some.metric"} 1\n', 1, 'invalid metric name'],
  ['no label name after {', 'bad{ 1\n', 1, 'invalid label name for metric "bad"'],
  ['a label name may not start with a digit', 'a{1b="x"} 1\n', 1, 'invalid label name for metric "a"'],
  ['an empty label between commas', 'a{b="1",,} 1\n', 1, 'invalid label name for metric "a"'],
  ['quoted label names are newer than 1.5.1', 'm{"a.b"="1"} 1\n', 1, 'invalid label name for metric "m"'],
  ['a dash in a label name', 'x{a-b="1"} 1\n', 1, "expected '=' after label name, found '-'"],
  ['the line ends after a label name', 'a{b\n', 1, "expected '=' after label name, found '\\n'"],
  ['a non-printable byte is quoted as a rune', raw('a{b\xa0} 1\n'), 1, "expected '=' after label name, found '\\u00a0'"],
  ['a NUL byte is quoted as \\x00', raw('a{b\x00} 1\n'), 1, "expected '=' after label name, found '\\x00'"],
  ['a repeated label name', 'x{a="1",a="2"} 1\n', 1, 'duplicate label names for metric "x"'],
  ['a label name repeated in a wide series', `x{${Array.from({ length: 80 }, (_, i) => `n${i}="1",`).join('')}n70="2"} 1\n`, 1, 'duplicate label names for metric "x"'],
  ['__name__ is reserved', 'x{__name__="y"} 1\n', 1, 'label name "__name__" is reserved'],
  ['a label value must be quoted', 'a{b=1} 1\n', 1, `expected '"' at start of label value, found '1'`],
  ['labels need commas', 'a{b="1" c="2"} 1\n', 1, 'unexpected end of label value "1"'],
  ['the line ends after a label value', 'a{b="1"\n', 1, 'unexpected end of label value "1"'],
  ['an unknown label value escape', 'x{a="\\q"} 1\n', 1, "invalid escape sequence '\\q'"],
  ['a backslash before a non-ASCII byte shows that byte as a rune (%c)', raw('a{b="\\\xc3"} 1\n'), 1, "invalid escape sequence '\\\u00c3'"],
  ['a backslash at the end of the line escapes the newline', 'a{b="x\\\ny"} 1\n', 1, "invalid escape sequence '\\\n'"],
  ['a label value cannot span lines', 'a{b="x\ny"} 1\n', 1, 'label value "x" contains unescaped new-line'],
  ['invalid UTF-8 in a label value', raw('x{a="\xff"} 1\n'), 1, 'invalid label value "\\xff"'],
  ['a UTF-16 surrogate encoded in UTF-8', raw('a{b="\xed\xa0\x80"} 1\n'), 1, 'invalid label value "\\xed\\xa0\\x80"'],
  ['an overlong encoding', raw('a{b="\xc0\x80"} 1\n'), 1, 'invalid label value "\\xc0\\x80"'],
  ['a code point above U+10FFFF', raw('a{b="\xf4\x90\x80\x80"} 1\n'), 1, 'invalid label value "\\xf4\\x90\\x80\\x80"'],
  ['a truncated sequence', raw('a{b="x\xf0\x9f\x8e"} 1\n'), 1, 'invalid label value "x\\xf0\\x9f\\x8e"'],
  ['HELP knows no \\t', '# HELP h a\\tb\n', 1, "invalid escape sequence '\\t'"],
  ['HELP knows no \\" either', '# HELP h a\\"b\nh 1\n', 1, `invalid escape sequence '\\"'`],
  ['a backslash at the end of a HELP line', '# HELP a x\\\n', 1, "invalid escape sequence '\\\n'"],
  ['a second TYPE', '# TYPE c counter\nc 1\n# TYPE c gauge\n', 3, 'second TYPE line for metric name "c", or TYPE reported after samples'],
  ['TYPE after samples', 'c 1\n# TYPE c counter\n', 2, 'second TYPE line for metric name "c", or TYPE reported after samples'],
  ['TYPE for `_sum` of a summary is a second TYPE of the summary', '# TYPE s summary\n# TYPE s_sum gauge\n', 2, 'second TYPE line for metric name "s", or TYPE reported after samples'],
  ['a second HELP', '# HELP h one\n# HELP h two\n', 2, 'second HELP line for metric name "h"'],
  ['an unknown type', '# TYPE x foo\n', 1, 'unknown metric type "foo"'],
  // [Rec] §4.6: Go 1.5.1 accepts it, drops the values and then cuts every scrape short.
  ['a gauge histogram', 'a 1\n# TYPE gh gauge_histogram\ngh 3\n', 2, 'gauge histograms are not supported: push "gh" as a histogram'],
  ['trailing blanks stay in the type word', '# TYPE  dbl   counter  \n', 1, 'unknown metric type "counter  "'],
  ['backslashes vanish from the quoted type word', '# TYPE x foo\\bar\n', 1, 'unknown metric type "foobar"'],
  ['control characters in the type word', '# TYPE x \u0007"\'\n', 1, `unknown metric type "\\a\\"'"`],
  ['only ı and ſ upper-case into ASCII; the ﬆ ligature does not', '# TYPE x hiﬆogram\n', 1, 'unknown metric type "hiﬆogram"'],
  ['quantiles are floats', '# TYPE s summary\ns{quantile="x"} 1\n', 2, `expected float as value for 'quantile' label, got "x"`],
  ['le values are floats', '# TYPE h histogram\nh_bucket{le="abc"} 1\n', 2, `expected float as value for 'le' label, got "abc"`],
  ['le refuses digit separators too', '# TYPE h histogram\nh_bucket{le="1_0"} 1\n', 2, `expected float as value for 'le' label, got "1_0"`],
  ['a name in a comment must be followed by a blank', '# HELP x-y z\n', 1, 'invalid metric name in comment'],
  ['a name in a comment may not start with a digit', '# HELP 1x y\n', 1, 'invalid metric name in comment'],
  ['quoted names in comments are newer than 1.5.1', '# HELP "x.y" h\n', 1, 'invalid metric name in comment'],
  ['a timestamp is an integer', 'a 1 1e3\n', 1, 'expected integer as timestamp, got "1e3"'],
  ['a timestamp fits int64', 'a 1 9223372036854775808\n', 1, 'expected integer as timestamp, got "9223372036854775808"'],
  ['a timestamp fits int64, below too', 'x 1 -9223372036854775809\n', 1, 'expected integer as timestamp, got "-9223372036854775809"'],
  ['a blank after the timestamp', 'a 1 123 \n', 1, 'spurious string after timestamp: " "'],
  ['a third field', 'a 1 2 3\n', 1, 'spurious string after timestamp: " 3"'],
  ['backslashes vanish from the spurious string', 'a 1 123 \\x\n', 1, 'spurious string after timestamp: " x"'],
  ['a lone \\r at the very end is no line end (D2 covers \\r\\n only)', 'a 1\r', 1, 'expected float as value, got "1\\r"'],
  ['errors count lines from 1, blank ones included', '\n\n# c\na 1\nb x\n', 5, 'expected float as value, got "x"'],
];

describe('TextParser rejects what Go 1.5.1 rejects, with its message and line', () => {
  test.each(REJECTED)('%s', (_why, body, line, detail) => {
    const expected = lineError(line, detail);
    expect(errorOf(() => parseText(bytesOf(body)))).toEqual(expected);
    expect(errorOf(() => parseInChunks(body, 1))).toEqual(expected);
  });

  test.each(REJECTED)('%s, also after earlier lines and chunks', (_why, body, line, detail) => {
    // Three good lines first: the error lands in a later chunk and three lines further down.
    const prefix = encoder.encode('filler{a="1"} 1\nfiller{a="2"} 2\n# HELP filler f\n');
    const bytes = bytesOf(body);
    const whole = new Uint8Array(prefix.length + bytes.length);
    whole.set(prefix);
    whole.set(bytes, prefix.length);
    expect(errorOf(() => parseInChunks(whole, 7))).toEqual(lineError(line + 3, detail));
  });
});

describe('TextParser chunk handling', () => {
  test('throws from push as soon as a complete line is wrong', () => {
    const parser = new TextParser();
    parser.push(encoder.encode('a 1\nb 2'));
    expect(errorOf(() => parser.push(encoder.encode('\nc x\nd')))).toEqual(lineError(3, 'expected float as value, got "x"'));
  });

  test('waits for the line end before judging a line', () => {
    // `a 1` could still become `a 12`; with D1 the clean end makes it a line.
    const parser = new TextParser();
    parser.push(encoder.encode('a 1'));
    expect(summarize(parser.end())).toEqual(['untyped a', '  {} value=1']);
  });

  test('rethrows the same error on every call after a failure', () => {
    const parser = new TextParser();
    const first = errorOf(() => parser.push(encoder.encode('a x\n')));
    expect(errorOf(() => parser.push(encoder.encode('b 1\n')))).toEqual(first);
    expect(errorOf(() => parser.end())).toEqual(first);
  });

  test('refuses to be used after end', () => {
    const parser = new TextParser();
    parser.end();
    expect(() => parser.push(encoder.encode('a 1\n'))).toThrow('TextParser: used after end()');
  });

  test('accepts empty chunks anywhere', () => {
    const parser = new TextParser();
    for (const part of ['', 'a', '', ' 1', '\n', '']) parser.push(encoder.encode(part));
    expect(summarize(parser.end())).toEqual(['untyped a', '  {} value=1']);
  });
});

// The limits bound what one push may make the parser hold (issue #11, SPEC D5): each is a 413 naming the
// line, the limit and its flag, whatever the chunking.
describe('TextParser limits', () => {
  const limitsWith = (limits: Partial<PushLimits>): PushLimits => ({ ...DEFAULT_PUSH_LIMITS, ...limits });
  const limited = limitsWith({ maxLineBytes: 8 });

  /** The PushLimitError message a parse ends in; fails the test if it ends otherwise. */
  function limitErrorOf(parse: () => unknown): string {
    try {
      parse();
    } catch (error) {
      if (!(error instanceof PushLimitError)) throw error;
      return error.message;
    }
    throw new Error('expected a PushLimitError, but parsing succeeded');
  }

  test('accepts a line of exactly the limit, not counting its \\n', () => {
    expect(summarize(parseText('abc 1234\n', limited))).toEqual(['untyped abc', '  {} value=1234']);
  });

  test.each([1, 3, 64])('rejects a longer line with its number and the limit, in %i-byte chunks', (size) => {
    expect(limitErrorOf(() => parseInChunks('a 1\nabc 12345\n', size, limited))).toBe('line 2 is longer than the limit of 8 bytes (--push.max-line-bytes)');
  });

  test('rejects a long unfinished line before its end arrives, so memory stays bounded', () => {
    const parser = new TextParser(limited);
    parser.push(encoder.encode('a 1\nabc 1'));
    expect(limitErrorOf(() => parser.push(encoder.encode('2345')))).toBe('line 2 is longer than the limit of 8 bytes (--push.max-line-bytes)');
  });

  test('counts a \\r before \\n, so the verdict never depends on where chunks are cut', () => {
    expect(limitErrorOf(() => parseText('abc 1234\r\n', limited))).toBe('line 1 is longer than the limit of 8 bytes (--push.max-line-bytes)');
    expect(limitErrorOf(() => parseInChunks('abc 1234\r\n', 1, limited))).toBe('line 1 is longer than the limit of 8 bytes (--push.max-line-bytes)');
  });

  test('applies to a last line without \\n', () => {
    expect(limitErrorOf(() => parseText('abc 12345', limited))).toBe('line 1 is longer than the limit of 8 bytes (--push.max-line-bytes)');
  });

  test('defaults to 1 MiB', () => {
    const name = 'a'.repeat(1024 * 1024 - 2);
    expect(parseText(`${name} 1\n`)[0]!.name).toBe(name);
    expect(limitErrorOf(() => parseText(`${name}a 1\n`))).toBe('line 1 is longer than the limit of 1048576 bytes (--push.max-line-bytes)');
  });

  test.each([
    // Every sample line counts, a histogram's buckets, _sum and _count too: each is a series once scraped.
    ['samples', { maxSeries: 3 }, 'a 1\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n', 'line 5: more samples than the limit of 3 per push (--push.max-series)'],
    // le and quantile are not counted: they are part of the sample, not of the series.
    ['labels', { maxLabels: 2 }, '# TYPE h histogram\nh_bucket{a="1",b="2",le="+Inf"} 1\nx{a="1",b="2",c="3"} 1\n', 'line 3: 3 labels on one series, more than the limit of 2 (--push.max-labels-per-series)'],
    ['label name', { maxLabelNameBytes: 3 }, 'x{abc="1"} 1\nx{abcd="1"} 1\n', 'line 2: label name of 4 bytes, longer than the limit of 3 (--push.max-label-name-bytes)'],
    // Measured unescaped, in bytes: `\\n` is one byte and `é` two.
    ['label value', { maxLabelValueBytes: 4 }, 'x{a="\\n\\n\\n\\n"} 1\nx{a="éé."} 1\n', 'line 2: label value of 5 bytes, longer than the limit of 4 (--push.max-label-value-bytes)'],
  ] as const)('refuses a body past its %s limit at the line that passes it', (_what, limits, body, message) => {
    for (const size of [1, 5, 1000]) expect(limitErrorOf(() => parseInChunks(body, size, limitsWith(limits)))).toBe(message);
  });

  test('stops at the sample limit instead of holding every sample of a large body', () => {
    const parser = new TextParser(limitsWith({ maxSeries: 1000 }));
    const chunk = encoder.encode('a 1\n'.repeat(600));
    parser.push(chunk);
    expect(limitErrorOf(() => parser.push(chunk))).toBe('line 1001: more samples than the limit of 1000 per push (--push.max-series)');
    // The parser stays refused: nothing more is read into it.
    expect(limitErrorOf(() => parser.push(chunk))).toBe('line 1001: more samples than the limit of 1000 per push (--push.max-series)');
  });
});

describe('ParseError', () => {
  test('words a line error like Go', () => {
    const error = new ParseError(7, 'invalid metric name');
    expect(error.message).toBe('text format parsing error in line 7: invalid metric name');
    expect(error.line).toBe(7);
    expect(error).toBeInstanceOf(Error);
  });

  test('keeps an error without a line as it is', () => {
    const error = ParseError.withoutLine('unexpected EOF');
    expect(error.message).toBe('unexpected EOF');
    expect(error.line).toBe(0);
  });
});
