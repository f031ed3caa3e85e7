// The text fast path against the ordinary path it stands in for: TextParser, sanitising, encodeFamilyText.
import { describe, expect, test } from 'bun:test';
import client from 'prom-client';
import type { EncodedFamily } from '../../src/model/group.ts';
import { groupKeyOf } from '../../src/model/group.ts';
import type { Labels } from '../../src/model/metric.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { sanitizeFamilies } from '../../src/store/sanitize.ts';
import { Store } from '../../src/store/store.ts';
import { GROUP_BODIES } from '../../bench/payloads.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const utf8 = new TextEncoder();
const text = new TextDecoder();
const GROUPING: Labels = ['instance', 'host-1', 'job', 'batch'];

/** What the ordinary path stores for `body`, as the fast path's shape; throws when the body is refused. */
function reference(body: Uint8Array, grouping: Labels): (EncodedFamily & { lossless: boolean })[] {
  return sanitizeFamilies(parseText(body), grouping).map((family) => {
    const encoding = encodeFamilyText(family);
    return { name: family.name, type: family.type, help: family.help, text: encoding.text, seriesHashes: encoding.seriesHashes, lossless: encoding.lossless };
  });
}

function readable(families: readonly EncodedFamily[]) {
  return families.map((f) => ({ name: f.name, type: f.type, help: f.help, text: text.decode(f.text), hashes: [...f.seriesHashes] }));
}

/** Transcodes `body` and, when the fast path answers, checks it against the ordinary path. Returns whether it answered. */
function checkAgainstReference(body: string | Uint8Array, grouping: Labels = GROUPING): boolean {
  const bytes = typeof body === 'string' ? utf8.encode(body) : body;
  const fast = transcodeText(bytes, grouping);
  if (fast === undefined) return false;
  const expected = reference(bytes, grouping);
  expect(expected.every((family) => family.lossless)).toBe(true);
  expect(readable(fast)).toEqual(readable(expected));
  return true;
}

async function promClientBody(): Promise<string> {
  const registry = new client.Registry();
  const counter = new client.Counter({ name: 'jobs_total', help: 'Jobs "done" so far.', labelNames: ['queue', 'outcome'], registers: [registry] });
  counter.inc({ queue: 'a', outcome: 'ok' }, 3);
  counter.inc({ queue: 'b\\"x', outcome: 'fail' }, 1.5);
  new client.Gauge({ name: 'temperature', help: 'T.', registers: [registry] }).set(-12.25);
  const histogram = new client.Histogram({ name: 'latency_seconds', help: 'L.', labelNames: ['route'], registers: [registry] });
  for (const v of [0.001, 0.02, 0.3, 4, 20]) histogram.observe({ route: '/x' }, v);
  histogram.observe({ route: '/y' }, 0.5);
  const summary = new client.Summary({ name: 'size_bytes', help: 'S.', percentiles: [0.5, 0.9, 0.99], registers: [registry] });
  for (let i = 1; i <= 100; i++) summary.observe(i * 1000);
  return registry.metrics();
}

describe('transcodeText takes the fast path for what clients push', () => {
  test('every pgbench body, under several groupings', () => {
    for (const grouping of [GROUPING, ['job', 'nightly'], ['a', 'x', 'job', 'j', 'zone', 'eu/west "1"']]) {
      for (const body of GROUP_BODIES) expect(checkAgainstReference(body, grouping)).toBe(true);
    }
  });

  test("prom-client's exposition: escapes, histograms, summaries, negative and fractional values", async () => {
    expect(checkAgainstReference(await promClientBody())).toBe(true);
  });

  test.each<[string, string]>([
    ['an empty body', ''],
    ['only comments', '# HELP x y\n# just a comment\n'],
    ['blanks everywhere Go allows them', '  x { a = "1" , b="2" , } 3\n\ty\t4\n'],
    ['CRLF line ends and no final newline', 'x 1\r\ny{a="1"} 2'],
    ['non-ASCII label values and HELP', '# HELP x Ümlaut ✓\nx{a="π ✓"} 1\n'],
    ['values Go prints differently', 'a 1e3\nb 1.50\nc +7\nd 0.00001\ne 1234567\nf 1.0e-5\ng NaN\nh +Inf\ni -inf\nj 12345678901234567\nk .5\n'],
    ['label names out of order, around the grouping labels', 'x{zz="1",aa="2",jz="3",instancf="4"} 1\n'],
    ['a summary whose _count comes before _sum, without quantiles', '# TYPE s summary\ns_count 2\ns_sum 3.5\n'],
    ['histogram lines in any order within a series', '# TYPE h histogram\nh_sum 1\nh_bucket{le="+Inf"} 2\nh_count 2\nh_bucket{le="0.5"} 1\n'],
    ['a histogram bucket line named like the family', '# TYPE h histogram\nh{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['untyped _count and _sum lines of an untyped family', 'x 1\nx_count 2\nx_sum 3\n'],
    ['a bound label on a _sum line', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum{le="3"} 1\nh_count 1\n'],
  ])('%s', (_name, body) => {
    expect(checkAgainstReference(body)).toBe(true);
  });
});

describe('transcodeText leaves the body to the ordinary path', () => {
  test.each<[string, string | Uint8Array, Labels?]>([
    ['a syntax error', 'x{a="1" 2\n'],
    ['a timestamp', 'x 1 1700000000000\n'],
    ['a blank after the value', 'x 1 \n'],
    ['an escape in HELP', '# HELP x a\\nb\nx 1\n'],
    ['a second HELP', '# HELP x a\n# HELP x b\nx 1\n'],
    ['TYPE after samples', 'x 1\n# TYPE x gauge\n'],
    ['an unknown or unusual TYPE word', '# TYPE x Gauge\nx 1\n'],
    ['a body label the grouping overrides', 'x{job="other"} 1\n'],
    ['instance in the body when the grouping has none', 'x{instance="i"} 1\n', ['job', 'j']],
    ['a reserved label name', 'x{__meta="1"} 1\n'],
    ['a repeated label name', 'x{a="1",a="2"} 1\n'],
    ['a bad escape in a label value', 'x{a="\\t"} 1\n'],
    ['invalid UTF-8 in a label value', new Uint8Array([...utf8.encode('x{a="'), 0xff, ...utf8.encode('"} 1\n')])],
    ['a negative zero value', 'x -0\n'],
    ['a fractional bucket count', '# TYPE h histogram\nh_bucket{le="+Inf"} 1.5\nh_sum 1\nh_count 1\n'],
    ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['a summary series without _sum', '# TYPE s summary\ns{quantile="0.5"} 1\ns_count 1\n'],
    ['a quantile line without a quantile', '# TYPE s summary\ns 1\ns_sum 1\ns_count 1\n'],
    ['a NaN bound', '# TYPE s summary\ns{quantile="NaN"} 1\ns_sum 1\ns_count 1\n'],
    ['a family whose lines are apart', 'x 1\ny 2\nx{a="1"} 3\n'],
    ['a family named like the gateway\'s own gauges', 'push_time_seconds 1\n'],
    ['a grouping label the store refuses', 'x 1\n', ['job', 'j', 'le', '1']],
  ])('%s', (_name, body, grouping = GROUPING) => {
    expect(transcodeText(typeof body === 'string' ? utf8.encode(body) : body, grouping)).toBeUndefined();
  });
});

describe('transcodeText on random bodies', () => {
  // Lines built from pieces that exercise every branch: names that attach by suffix, label sets in
  // any order with blanks, escapes and grouping names, values in every spelling, timestamps.
  const NAMES = ['x', 'x_count', 'x_sum', 'x_bucket', 's', 's_count', 's_sum', 'h', 'h_bucket', 'h_count', 'h_sum', 'g'];
  const LABELS = ['a="1"', 'b="2"', 'a = "1"', 'z="\\"q\\\\"', 'c="ü"', 'le="0.5"', 'le="+Inf"', 'quantile="0.9"', 'job="j"', 'd=""', 'e="\\n"'];
  const VALUES = ['1', '0', '-1', '2.5', '1e6', '1234567', '-7654321000', '100000000', '0001234567', '1234567890123456',
    '0.0001', '0.00001', 'NaN', '+Inf', '-0', '1.50', '3 17'];
  const HEADERS = ['# TYPE s summary', '# TYPE h histogram', '# TYPE x counter', '# HELP x some help', '# HELP h ✓', '# TYPE g gauge'];

  function randomBody(random: () => number): string {
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const lines: string[] = [];
    for (const header of HEADERS) if (random() < 0.5) lines.push(header);
    const series = 1 + Math.floor(random() * 12);
    for (let i = 0; i < series; i++) {
      const labels = Array.from({ length: Math.floor(random() * 3) }, () => pick(LABELS));
      const block = labels.length === 0 && random() < 0.7 ? '' : `{${labels.join(',')}}`;
      lines.push(`${pick(NAMES)}${block} ${pick(VALUES)}`);
    }
    return lines.join('\n') + (random() < 0.8 ? '\n' : '');
  }

  test('answer exactly as the ordinary path whenever they answer, and answer often', () => {
    const random = seededRandom(20261123);
    let answered = 0;
    const runs = 20_000;
    for (let run = 0; run < runs; run++) {
      const body = randomBody(random);
      try {
        if (checkAgainstReference(body)) answered++;
      } catch (error) {
        throw new Error(`run ${run}, body:\n${body}\n${error}`);
      }
    }
    // A fast path that gave up on everything would pass the comparison vacuously.
    expect(answered).toBeGreaterThan(runs / 20);
  });
});

describe('a store fed encoded pushes', () => {
  const groupingA = ['job', 'a'];
  const groupingB = ['job', 'b'];
  function store(): Store {
    return new Store({ checkConsistency: true, ownTypes: new Map() });
  }
  function push(target: Store, grouping: Labels, body: string, fast: boolean) {
    const bytes = utf8.encode(body);
    const families = fast ? transcodeText(bytes, grouping) : undefined;
    if (fast && families === undefined) throw new Error('the fast path gave up');
    return target.apply(fast
      ? { labels: grouping, encoded: { families: families!, structured: () => parseText(bytes) }, replace: true, timeMs: 1000 }
      : { labels: grouping, families: parseText(bytes), replace: true, timeMs: 1000 });
  }
  function contents(target: Store) {
    return target.groups().map((g) => ({
      key: g.key,
      failure: g.failureTime,
      families: [...g.families.values()].map((f) => [f.name, f.type, f.help, text.decode(f.text), [...f.seriesHashes], f.exact === undefined]),
    }));
  }

  test.each<[string, string, string]>([
    ['accepted', 'x{a="1"} 1\n', 'y 2\n'],
    ['refused: a series another group holds', 'x 1\n', 'x 2\n'],
    ['refused: a type another group holds', '# TYPE x counter\nx 1\n', '# TYPE x gauge\nx 2\n'],
    ['refused: a duplicate series in one body', 'y 1\n', 'x{a="1"} 1\nx{a="1"} 2\n'],
    ['accepted: a summary series whose lines come back later', 'y 1\n', '# TYPE s summary\ns_sum{a="1"} 1\ns_count{a="1"} 1\ns_sum{a="2"} 1\ns_count{a="2"} 1\ns_sum{a="1"} 5\ns_count{a="1"} 7\n'],
  ])('ends as the structured path does when %s', (_name, first, second) => {
    const fast = store();
    const slow = store();
    // The instance label makes the groups' own series differ, so only the pushed ones can clash.
    const a = [...groupingA.slice(0, 0), 'instance', '1', ...groupingA];
    const b = [...groupingB.slice(0, 0), 'instance', '2', ...groupingB];
    const results = [push(fast, a, first, true), push(fast, b, second, true)];
    expect(results).toEqual([push(slow, a, first, false), push(slow, b, second, false)]);
    expect(contents(fast)).toEqual(contents(slow));
    expect(groupKeyOf(b)).toBe(fast.groups()[1]!.key);
  });
});
