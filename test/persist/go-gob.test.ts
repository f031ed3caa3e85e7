// The decoder of the Go gateway's persistence file: files the real Go gateway 1.5.1 wrote (one committed, one written
// at test time), every truncation and byte flip of a real file, and refusals of what the Go gateway does not write.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { type GoGroup, decodeGoPersistence, looksLikeGoPersistence } from '../../src/persist/go-gob.ts';
import { type FamilyObject, PROTOBUF_CONTENT_TYPE, decodeDelimited, delimited } from '../helpers/metrics-proto.ts';
import { COUNTER, FULL_NATIVE_HISTOGRAM } from '../helpers/protobuf-families.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import type { Gateway } from '../helpers/start-server.ts';

/**
 * Written by `/usr/bin/prometheus-pushgateway` 1.5.1 (Debian) with `--persistence.file=<it>
 * --persistence.interval=1h`, after these pushes, then SIGTERM (the file is written on shutdown):
 *   POST /metrics/job/fixture/path@base64/L3Zhci90bXA=   (path="/var/tmp")
 *        # HELP jobs_done_total Jobs done.\n# TYPE jobs_done_total counter\njobs_done_total{kind="a"} 3\n
 *   POST /metrics/job/fixture/instance/host-1            # TYPE temperature_celsius gauge\ntemperature_celsius 21.5\n
 *   POST /metrics/job/failed                             # TYPE jobs_done_total gauge\njobs_done_total 1\n
 *        → 400 (a counter elsewhere): the group holds only the push time gauges, the failure time set
 */
const FIXTURE = new Uint8Array(readFileSync(join(import.meta.dir, '..', 'fixtures', 'go-1.5.1-three-groups.gob')));

/** Go time → ms as the file holds it: whole Unix seconds, then nanoseconds (read with xxd from the fixture). */
const goTimeMs = (seconds: number, nanos: number): number => seconds * 1000 + nanos / 1e6;

const PREFIX = 'go persistence file: ';

/** The message of the decoder's error for `bytes`; fails the test when it returns or throws anything else. */
function refusal(bytes: Uint8Array): string {
  try {
    decodeGoPersistence(bytes);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(PREFIX)) return error.message;
    throw error;
  }
  throw new Error('expected decodeGoPersistence to refuse the input');
}

/** Decodes the input when it can; an error other than the decoder's own fails the test. */
function decodeOrRefuse(bytes: Uint8Array): GoGroup[] | string {
  try {
    return decodeGoPersistence(bytes);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(PREFIX)) return error.message;
    throw error;
  }
}

/** One family's protobuf bytes as a plain object (through the tests' protobufjs reflection, not src/). */
function familyOf(protobuf: Uint8Array): FamilyObject {
  const prefix: number[] = [];
  for (let length = protobuf.length; ; length >>>= 7) {
    if (length < 0x80) {
      prefix.push(length);
      break;
    }
    prefix.push((length & 0x7f) | 0x80);
  }
  const families = decodeDelimited(new Uint8Array([...prefix, ...protobuf]));
  expect(families).toHaveLength(1);
  return families[0]!;
}

/** A group's families by name, decoded. */
function familiesOf(group: GoGroup): Map<string, { pushedAtMs: number; family: FamilyObject }> {
  return new Map(group.families.map((family) => [family.name, { pushedAtMs: family.pushedAtMs, family: familyOf(family.protobuf) }]));
}

/** The group with exactly these flat labels; fails when there is none. */
function groupWith(groups: GoGroup[], labels: string[]): GoGroup {
  const group = groups.find((candidate) => JSON.stringify(candidate.labels) === JSON.stringify(labels));
  if (group === undefined) throw new Error(`no group ${JSON.stringify(labels)} among ${JSON.stringify(groups.map((g) => g.labels))}`);
  return group;
}

/** The gauge value of a push_time_seconds / push_failure_time_seconds family. */
const gaugeValue = (family: FamilyObject): number => (family.metric as { gauge: { value?: number } }[])[0]!.gauge.value ?? 0;

/** Where each gob message of a stream starts, where its body (after the length) starts, and where it ends. */
function messagesOf(bytes: Uint8Array): { start: number; body: number; end: number }[] {
  const messages: { start: number; body: number; end: number }[] = [];
  for (let at = 0; at < bytes.length; ) {
    const first = bytes[at]!;
    let length = first;
    let body = at + 1;
    if (first >= 0x80) {
      length = 0;
      for (let i = 0; i < 256 - first; i++) length = length * 256 + bytes[body++]!;
    }
    messages.push({ start: at, body, end: body + length });
    at = body + length;
  }
  return messages;
}

/** `bytes` with the first occurrence of `from` (one char per byte) replaced by `to` of the same length. */
function patched(bytes: Uint8Array, from: string, to: string): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(from, 'latin1'));
  if (at < 0 || from.length !== to.length) throw new Error(`cannot patch "${from}"`);
  const copy = bytes.slice();
  copy.set(Buffer.from(to, 'latin1'), at);
  return copy;
}

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

// Gob streams of other types, written by Go 1.19's encoding/gob: `gob.NewEncoder(w).Encode(v)` for
const MAP_STRING_INT = hex('0eff81040102ff8200010c0104000007ff820001016102'); // map[string]int{"a": 1}
const OTHER_STRUCT = hex('19ff83030101054f7468657201ff84000101010141010400000005ff84010e00'); // type Other struct{ A int }; Other{A: 7}
// type Group struct{ Labels map[string]string; Metrics map[string]int }; map[string]Group{"k": {{"job": "j"}, {"m": 1}}}
const METRICS_OF_INTS = hex(
  '0fff89040102ff8a00010c01ff86000025ff85030102ff8600010201064c6162656c7301ff880001074d65747269637301ff8200000021ff87040101116d61705b737472696e675d737472696e6701ff8800010c010c00000eff81040102ff8200010c0104000014ff8a0001016b0101036a6f62016a0101016d0200',
);

describe('decodeGoPersistence on a file of Go 1.5.1', () => {
  const groups = decodeGoPersistence(FIXTURE);

  test('gives every group with its labels sorted by name and its families with their push times', () => {
    const summary = groups.map((group) => ({ labels: group.labels, families: group.families.map((f) => [f.name, f.pushedAtMs]) }));
    const jobs = goTimeMs(1796580140, 951307922);
    const temperature = goTimeMs(1796580140, 977730137);
    const failed = goTimeMs(1796580141, 2694524);
    // Go writes its maps in random order: this is the order this file happens to hold.
    expect(summary).toEqual([
      {
        labels: ['job', 'fixture', 'path', '/var/tmp'],
        families: [['push_failure_time_seconds', jobs], ['jobs_done_total', jobs], ['push_time_seconds', jobs]],
      },
      {
        labels: ['instance', 'host-1', 'job', 'fixture'],
        families: [['temperature_celsius', temperature], ['push_time_seconds', temperature], ['push_failure_time_seconds', temperature]],
      },
      { labels: ['job', 'failed'], families: [['push_failure_time_seconds', failed], ['push_time_seconds', failed]] },
    ]);
  });

  test('gives each family as one MetricFamily message, not length-delimited, with the values pushed', () => {
    const jobs = familiesOf(groupWith(groups, ['job', 'fixture', 'path', '/var/tmp']));
    expect(jobs.get('jobs_done_total')!.family).toEqual({
      name: 'jobs_done_total',
      help: 'Jobs done.',
      type: 'COUNTER',
      metric: [{
        label: [{ name: 'instance', value: '' }, { name: 'job', value: 'fixture' }, { name: 'kind', value: 'a' }, { name: 'path', value: '/var/tmp' }],
        counter: { value: 3 },
      }],
    });
    const temperature = familiesOf(groupWith(groups, ['instance', 'host-1', 'job', 'fixture'])).get('temperature_celsius')!.family;
    expect(temperature.metric).toEqual([{ label: [{ name: 'instance', value: 'host-1' }, { name: 'job', value: 'fixture' }], gauge: { value: 21.5 } }]);
    // The first byte of every family is the tag of field 1 (name), not a length.
    for (const group of groups) for (const family of group.families) expect(family.protobuf[0]).toBe(0x0a);
  });

  test('a group made by a failed push only holds a zero push time and its failure time', () => {
    const failed = familiesOf(groupWith(groups, ['job', 'failed']));
    expect([...failed.keys()].sort()).toEqual(['push_failure_time_seconds', 'push_time_seconds']);
    expect(gaugeValue(failed.get('push_time_seconds')!.family)).toBe(0);
    const failure = failed.get('push_failure_time_seconds')!;
    expect(gaugeValue(failure.family) * 1000).toBeCloseTo(failure.pushedAtMs, 3);
  });

  test('is recognised by looksLikeGoPersistence, from its first message alone', () => {
    expect(looksLikeGoPersistence(FIXTURE)).toBe(true);
    expect(looksLikeGoPersistence(FIXTURE.subarray(0, messagesOf(FIXTURE)[0]!.end))).toBe(true);
  });
});

describe('decodeGoPersistence refuses', () => {
  const messages = messagesOf(FIXTURE);
  const store = messages.at(-1)!;

  test('every cut-off copy of a real file, saying where it ends', () => {
    expect(messages.at(-1)!.end).toBe(FIXTURE.length);
    for (let length = 0; length < FIXTURE.length; length++) {
      const cut = messages.find((message) => length >= message.start && length < message.end)!;
      let expected: string;
      if (length === 0) expected = 'the file is empty at byte 0';
      else if (length === cut.start) expected = `unexpected end of data (type definitions but no store) at byte ${length}`;
      else if (length < cut.body) expected = `unexpected end of data at byte ${length}`;
      else expected = `unexpected end of data (a message of ${cut.end - cut.body} bytes, ${length - cut.body} left) at byte ${cut.body}`;
      expect(refusal(FIXTURE.subarray(0, length))).toBe(PREFIX + expected);
    }
  });

  test('bytes after the store', () => {
    expect(refusal(new Uint8Array([...FIXTURE, 0]))).toBe(`${PREFIX}unexpected data after the store at byte ${FIXTURE.length}`);
  });

  test('a type defined twice, as gob does', () => {
    const first = FIXTURE.subarray(0, messages[0]!.end);
    expect(refusal(new Uint8Array([...first, ...FIXTURE]))).toBe(`${PREFIX}type 71 defined twice at byte ${first.length + 1}`);
  });

  test.each([
    // The group struct's fields, renamed in the stream's type definitions.
    ['Labels', 'Lables', 65],
    ['Metrics', 'Metricz', 65],
    // The family struct's fields.
    ['Timestamp', 'Timestamq', 67],
    ['GobbableMetricFamily', 'GobbableMetricFamilx', 67],
  ])('a struct whose field %s is named %s', (field, renamed, typeId) => {
    // A field name is sent as its length and its bytes: the prefix keeps longer names (NameToTimestamped…) out.
    const lengthPrefixed = (name: string): string => String.fromCharCode(name.length) + name;
    const message = `type ${typeId} is not the Pushgateway's schema: it has no field "${field}"`;
    expect(refusal(patched(FIXTURE, lengthPrefixed(field), lengthPrefixed(renamed)))).toBe(`${PREFIX}${message} at byte ${store.body}`);
  });

  test('a time.Time of an unknown version', () => {
    // The first family's Timestamp: length 15, version 1, seconds 0x0ee2…
    const at = Buffer.from(FIXTURE).indexOf(Buffer.from([0x0f, 0x01, 0x00, 0x00, 0x00, 0x0e]));
    const copy = FIXTURE.slice();
    copy[at + 1] = 3;
    expect(refusal(copy)).toBe(`${PREFIX}a time.Time of unknown version 3 at byte ${at}`);
  });

  test('a label value that is not UTF-8 (Go 1.5.1 stores such values: SPEC D4)', () => {
    // Labels {"path": "/var/tmp"}: the value's length byte follows the name; the grouping key holds it too, 0xFF-separated.
    const at = Buffer.from(FIXTURE).indexOf(Buffer.from('\x04path\x08/var', 'latin1')) + 5;
    const copy = FIXTURE.slice();
    copy[at + 2] = 0xc3;
    expect(refusal(copy)).toBe(`${PREFIX}the value of label "path" is not valid UTF-8 at byte ${at}`);
  });

  test.each([
    ['map[string]int', MAP_STRING_INT, "not the Pushgateway's schema: gob's basic type 2 where a struct belongs at byte 16"],
    ['a struct', OTHER_STRUCT, `type 66 "Other" is not the Pushgateway's schema: it is a struct type, not a map at byte 27`],
    ['groups whose Metrics are ints', METRICS_OF_INTS, "not the Pushgateway's schema: gob's basic type 2 where a struct belongs at byte 104"],
  ])('a gob stream of another type: %s', (_name, bytes, message) => {
    expect(refusal(bytes)).toBe(PREFIX + message);
    expect(looksLikeGoPersistence(bytes)).toBe(false);
  });

  test('an empty file, and what our own snapshots or other formats could start with', () => {
    expect(refusal(new Uint8Array())).toBe(`${PREFIX}the file is empty at byte 0`);
    const others = [
      new Uint8Array(),
      pack({ format: 'pushgateway-bun', version: 1, groups: [] }),
      new TextEncoder().encode('PGBUN\x00\x01 snapshot'),
      new TextEncoder().encode('{"groups":[]}\n'),
      new TextEncoder().encode('some_metric 42\n'),
    ];
    for (const bytes of others) {
      refusal(bytes);
      expect(looksLikeGoPersistence(bytes)).toBe(false);
    }
  });

  test('random garbage, alone or after the real type definitions, without hanging', () => {
    const random = seededRandom(8);
    const typeDefinitions = FIXTURE.subarray(0, store.start);
    for (let i = 0; i < 400; i++) {
      const garbage = Uint8Array.from({ length: 1 + Math.floor(random() * 2048) }, () => Math.floor(random() * 256));
      refusal(garbage);
      expect(looksLikeGoPersistence(garbage)).toBe(false);
      refusal(new Uint8Array([...typeDefinitions, ...garbage]));
    }
  });
});

describe('decodeGoPersistence on a real file with one byte changed', () => {
  test('refuses it or decodes it, at every offset, never throwing another error', () => {
    let refused = 0;
    for (let at = 0; at < FIXTURE.length; at++) {
      for (const mask of [0xff, 0x01, 0x80]) {
        const copy = FIXTURE.slice();
        copy[at]! ^= mask;
        if (typeof decodeOrRefuse(copy) === 'string') refused++;
      }
    }
    // Most flips break the structure; some land in a value (a name, a time, a family's bytes) and decode.
    expect(refused).toBeGreaterThan(FIXTURE.length);
  });
});

describe('decodeGoPersistence on the file the Go gateway 1.5.1 writes at shutdown', () => {
  const { tempFile, startGo, stop, cleanup } = persistenceSandbox('go-gob-');
  let gw: Gateway | undefined;
  let groups: GoGroup[];
  let looksLikeIt: boolean;
  /** [ms before the request, ms after its response] per push, for the family timestamps. */
  const windows: Record<string, [number, number]> = {};

  const pathValue = '/var/tmp/a b';
  const TEXT_BODY = [
    '# HELP jobs_done_total Jobs done.',
    '# TYPE jobs_done_total counter',
    'jobs_done_total{kind="a"} 3',
    '# TYPE queue_depth gauge',
    'queue_depth -2.5',
    '# TYPE latency_seconds summary',
    'latency_seconds{quantile="0.5"} 0.25',
    'latency_seconds{quantile="0.99"} 1.5',
    'latency_seconds_sum 10',
    'latency_seconds_count 20',
    '# TYPE size_bytes histogram',
    'size_bytes_bucket{le="100"} 1',
    'size_bytes_bucket{le="1000"} 4',
    'size_bytes_bucket{le="+Inf"} 5',
    'size_bytes_sum 2600',
    'size_bytes_count 5',
    '',
  ].join('\n');

  async function push(name: string, method: string, path: string, body: string | Uint8Array, status: number, contentType?: string): Promise<void> {
    const before = Date.now();
    const response = await fetch(gw!.url + path, { method, body, headers: contentType ? { 'content-type': contentType } : {} });
    const text = await response.text();
    windows[name] = [before, Date.now()];
    if (response.status !== status) throw new Error(`${name}: ${response.status} ${text}`);
  }

  beforeAll(async () => {
    const file = tempFile();
    gw = await startGo(file, ['--persistence.interval=1h']);
    const base64 = Buffer.from(pathValue).toString('base64url');
    await push('text', 'PUT', `/metrics/job/text_job/path@base64/${base64}`, TEXT_BODY, 200);
    await push('first', 'POST', `/metrics/job/twice/site/${encodeURIComponent('zürich')}`, '# TYPE first gauge\nfirst 1\n', 200);
    await Bun.sleep(20);
    await push('second', 'POST', `/metrics/job/twice/site/${encodeURIComponent('zürich')}`, 'second 2\n', 200);
    // A gauge where text_job has a counter: refused, but the group is made, marked as failed.
    await push('failed', 'POST', '/metrics/job/failed_only', '# TYPE jobs_done_total gauge\njobs_done_total 1\n', 400);
    await push('proto', 'PUT', '/metrics/job/proto_job', delimited(COUNTER, FULL_NATIVE_HISTOGRAM), 200, PROTOBUF_CONTENT_TYPE);
    await stop(gw); // SIGTERM: the Go gateway writes the file once more on its way out.
    const bytes = new Uint8Array(readFileSync(file));
    looksLikeIt = looksLikeGoPersistence(bytes);
    groups = decodeGoPersistence(bytes);
  }, 30_000);

  afterAll(cleanup);

  /** Asserts that a family's push time falls within the window of push `name` (Date.now() is whole ms). */
  function expectPushedDuring(pushedAtMs: number, name: string): void {
    const [before, after] = windows[name]!;
    expect(pushedAtMs).toBeGreaterThanOrEqual(before);
    expect(pushedAtMs).toBeLessThan(after + 1);
  }

  test('holds every group, a base64 value with "/" and a non-ASCII value among the labels', () => {
    expect(looksLikeIt).toBe(true);
    expect(groups.map((group) => group.labels).sort()).toEqual([
      ['job', 'failed_only'],
      ['job', 'proto_job'],
      ['job', 'text_job', 'path', pathValue],
      ['job', 'twice', 'site', 'zürich'],
    ]);
  });

  test('keeps each text family as pushed, with the grouping labels and instance="" added', () => {
    const families = familiesOf(groupWith(groups, ['job', 'text_job', 'path', pathValue]));
    expect([...families.keys()].sort()).toEqual([
      'jobs_done_total', 'latency_seconds', 'push_failure_time_seconds', 'push_time_seconds', 'queue_depth', 'size_bytes',
    ]);
    const grouping = [{ name: 'instance', value: '' }, { name: 'job', value: 'text_job' }, { name: 'path', value: pathValue }];
    expect(families.get('jobs_done_total')!.family).toEqual({
      name: 'jobs_done_total',
      help: 'Jobs done.',
      type: 'COUNTER',
      metric: [{ label: [...grouping.slice(0, 2), { name: 'kind', value: 'a' }, grouping[2]], counter: { value: 3 } }],
    });
    expect(families.get('queue_depth')!.family.metric).toEqual([{ label: grouping, gauge: { value: -2.5 } }]);
    expect(families.get('latency_seconds')!.family).toMatchObject({
      type: 'SUMMARY',
      metric: [{ label: grouping, summary: { sampleCount: 20, sampleSum: 10, quantile: [{ quantile: 0.5, value: 0.25 }, { quantile: 0.99, value: 1.5 }] } }],
    });
    expect(families.get('size_bytes')!.family).toMatchObject({
      type: 'HISTOGRAM',
      metric: [{
        label: grouping,
        histogram: { sampleCount: 5, sampleSum: 2600, bucket: [
          { cumulativeCount: 1, upperBound: 100 },
          { cumulativeCount: 4, upperBound: 1000 },
          { cumulativeCount: 5, upperBound: Infinity }, // Go keeps the +Inf bucket of a text push
        ] },
      }],
    });
    for (const { pushedAtMs } of families.values()) expectPushedDuring(pushedAtMs, 'text');
    expect(gaugeValue(families.get('push_time_seconds')!.family) * 1000).toBeCloseTo(families.get('push_time_seconds')!.pushedAtMs, 3);
  });

  test('keeps the time of each push per family: two POSTs to one group', () => {
    const families = familiesOf(groupWith(groups, ['job', 'twice', 'site', 'zürich']));
    expectPushedDuring(families.get('first')!.pushedAtMs, 'first');
    expectPushedDuring(families.get('second')!.pushedAtMs, 'second');
    expectPushedDuring(families.get('push_time_seconds')!.pushedAtMs, 'second');
    expect(families.get('second')!.family).toMatchObject({ name: 'second', type: 'UNTYPED', metric: [{ untyped: { value: 2 } }] });
  });

  test('keeps a group that only a failed push made', () => {
    const families = familiesOf(groupWith(groups, ['job', 'failed_only']));
    expect([...families.keys()].sort()).toEqual(['push_failure_time_seconds', 'push_time_seconds']);
    expect(gaugeValue(families.get('push_time_seconds')!.family)).toBe(0);
    const failure = families.get('push_failure_time_seconds')!;
    expectPushedDuring(failure.pushedAtMs, 'failed');
    expectPushedDuring(gaugeValue(failure.family) * 1000, 'failed');
  });

  test('keeps a protobuf push whole, native histogram and fields Go 1.5.1 does not know included', () => {
    const families = familiesOf(groupWith(groups, ['job', 'proto_job']));
    expect(families.get('c')!.family).toEqual({
      name: 'c',
      help: 'A counter.',
      type: 'COUNTER',
      metric: [{ label: [{ name: 'a', value: '1' }, { name: 'instance', value: '' }, { name: 'job', value: 'proto_job' }], counter: { value: 3 } }],
    });
    const native = families.get('nh')!;
    expectPushedDuring(native.pushedAtMs, 'proto');
    // createdTimestamp and the native exemplars are newer than Go 1.5.1's client_model: kept as unknown fields.
    expect(native.family).toEqual({
      name: 'nh',
      help: 'native',
      type: 'HISTOGRAM',
      metric: [{
        label: [{ name: 'instance', value: '' }, { name: 'job', value: 'proto_job' }],
        histogram: {
          sampleCount: 20,
          sampleSum: 99.23,
          bucket: [{ cumulativeCount: 5, upperBound: 1, exemplar: { label: [{ name: 'trace', value: 'x' }], value: 0.5, timestamp: { seconds: 5, nanos: 7 } } }],
          createdTimestamp: { seconds: 100, nanos: 1 },
          schema: -2,
          zeroThreshold: 0.001,
          zeroCount: 2,
          negativeSpan: [{ offset: -1, length: 2 }],
          negativeDelta: [3, -1],
          positiveSpan: [{ offset: 0, length: 1 }, { offset: 2, length: 1 }],
          positiveDelta: [4, 1],
          exemplars: [{ label: [{ name: 'trace', value: 'y' }], value: 7, timestamp: { seconds: 6 } }],
        },
      }],
    });
  });
});
