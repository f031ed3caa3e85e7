// How fast do the text and protobuf parsers turn push bodies into families, whole vs cut into 64 KiB / 1 KiB chunks?
//
//   bun bench/parse.bench.ts
//
// Bodies: the pgbench push body (60 series, ~5.6 KB; the 64 seeded variants in turn) and one body with
// 60 000 series (1 000 groups' worth, ~6 MB) so that MB/s is not dominated by per-body setup. Chunks are
// views cut in advance, so only the parser's work is timed (including carrying a line across a cut).
// The large body also goes through parseBody, the async shell a PUT really goes through.
// Protobuf: the same families (each body parsed as text once, untimed, and encoded as a delimited body
// with protobufjs reflection, see protobuf-payloads.ts) through ProtobufParser, whole and in 64 KiB chunks.
// A protobuf body is smaller than its text, so compare series/s and the `protobuf vs text` time ratio
// (same families, same chunking), not MB/s. The protobuf decoder runs slower once the process has decoded
// many bodies in separate buffers (bench/README.md, hotspot 8): the large-body tasks follow the pgbench-body
// one, so they measure it in the state a server's decoder is in.
// Every iteration checks the family and series counts and throws if they are wrong.
// Targets (issue): ≥ 200 MB/s; 64 KiB chunks within 10 % of whole. Beside the parsers, the text fast path a
// push of an in-hand body runs (parse/text-transcoder.ts: parse, sanitise, encode and hash in one pass).
import { Bench } from 'tinybench';
import type { MetricFamily } from '../src/model/metric.ts';
import { parseBody } from '../src/parse/body.ts';
import { DEFAULT_PUSH_LIMITS } from '../src/model/push-limits.ts';
import { ProtobufParser } from '../src/parse/protobuf-parser.ts';
import { TextParser, parseText } from '../src/parse/text-parser.ts';
import { transcodeText } from '../src/parse/text-transcoder.ts';
import { encodeFamilyText } from '../src/stored/family-text.ts';
import { sanitizeFamilies } from '../src/store/sanitize.ts';
import type { EncodedFamily } from '../src/model/group.ts';
import { GROUP_BODIES, PAYLOAD_FAMILIES, SERIES_PER_GROUP, countSeries, expectedSeries, groupLabels, largeBody } from './payloads.ts';
import { delimitedBody } from './protobuf-payloads.ts';
import { meanMs, printResults, ratio, round3 } from './report.ts';

const LARGE_SERIES = 60_000;
const KIB = 1024;

interface Case {
  readonly name: string;
  readonly bytes: number; // per iteration
  readonly series: number; // per iteration
  readonly baseline: string; // the "whole" task of the same format it is compared with
  readonly text?: string; // for a protobuf task: the text task with the same families and chunking
}

function chunksOf(body: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
  return chunks;
}

function parseChunks(chunks: readonly Uint8Array[]): MetricFamily[] {
  const parser = new TextParser();
  for (const chunk of chunks) parser.push(chunk);
  return parser.end();
}

function parseProtobufChunks(chunks: readonly Uint8Array[]): MetricFamily[] {
  const parser = new ProtobufParser();
  for (const chunk of chunks) parser.push(chunk);
  return parser.end();
}

function verify(families: MetricFamily[], series: number): void {
  if (families.length !== PAYLOAD_FAMILIES) throw new Error(`expected ${PAYLOAD_FAMILIES} families, got ${families.length}`);
  const got = countSeries(families);
  if (got !== series) throw new Error(`expected ${series} series, got ${got}`);
}

function storedLength(families: readonly EncodedFamily[]): number {
  let length = 0;
  for (const family of families) length += family.text.length;
  return length;
}

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++]!);
      else controller.close();
    },
  });
}

const smallSeries = expectedSeries(SERIES_PER_GROUP);
const smallBytes = GROUP_BODIES.reduce((sum, body) => sum + body.length, 0) / GROUP_BODIES.length;
const smallChunked = GROUP_BODIES.map((body) => chunksOf(body, KIB));
const large = largeBody(LARGE_SERIES);
const largeSeries = expectedSeries(LARGE_SERIES);
const large64k = chunksOf(large, 64 * KIB);
const large1k = chunksOf(large, KIB);

// The same families as delimited protobuf, encoded once here (untimed); checked against the text parse.
function protobufOf(text: Uint8Array, series: number): Uint8Array {
  const body = delimitedBody(parseText(text));
  verify(parseProtobufChunks([body]), series);
  return body;
}
const smallProtobuf = GROUP_BODIES.map((body) => protobufOf(body, smallSeries));
const smallProtobufBytes = smallProtobuf.reduce((sum, body) => sum + body.length, 0) / smallProtobuf.length;
const largeProtobuf = protobufOf(large, largeSeries);
const largeProtobuf64k = chunksOf(largeProtobuf, 64 * KIB);

const bench = new Bench({ name: 'parse', time: 2000, warmupTime: 300, throws: true });
const cases: Case[] = [];
let variant = 0;

function add(item: Case, fn: () => unknown): void {
  cases.push(item);
  bench.add(item.name, fn);
}

const SMALL_WHOLE = `pgbench body (${SERIES_PER_GROUP} series): whole`;
add({ name: SMALL_WHOLE, bytes: smallBytes, series: smallSeries, baseline: SMALL_WHOLE }, () => {
  variant = (variant + 1) % GROUP_BODIES.length;
  verify(parseChunks([GROUP_BODIES[variant]!]), smallSeries);
});
// A 5.6 KB body is a single 64 KiB chunk, i.e. the "whole" case; so the small body is only cut at 1 KiB.
add({ name: 'pgbench body: 1 KiB chunks', bytes: smallBytes, series: smallSeries, baseline: SMALL_WHOLE }, () => {
  variant = (variant + 1) % GROUP_BODIES.length;
  verify(parseChunks(smallChunked[variant]!), smallSeries);
});
// What a push of an in-hand text body really runs: the fast path, which also sanitises, encodes and
// hashes (parse/text-transcoder.ts). Its stored lines are checked against the structured path's once,
// untimed; each timed run checks the family count and the stored length.
const decoder = new TextDecoder();
const smallStoredLengths = GROUP_BODIES.map((body, i) => {
  const expected = sanitizeFamilies(parseText(body), groupLabels(i)).map((family) => decoder.decode(encodeFamilyText(family).text)).join('');
  const fast = transcodeText(body, groupLabels(i));
  if (fast === undefined || fast.map((family) => decoder.decode(family.text)).join('') !== expected) {
    throw new Error(`the fast path does not store pgbench body ${i} as the structured path does`);
  }
  return storedLength(fast);
});
add({ name: 'pgbench body: text fast path (transcodeText)', bytes: smallBytes, series: smallSeries, baseline: SMALL_WHOLE }, () => {
  variant = (variant + 1) % GROUP_BODIES.length;
  const stored = transcodeText(GROUP_BODIES[variant]!, groupLabels(variant));
  if (stored?.length !== PAYLOAD_FAMILIES || storedLength(stored) !== smallStoredLengths[variant]) throw new Error('fast path result differs');
});
const LARGE_WHOLE = `large body (${LARGE_SERIES} series): whole`;
add({ name: LARGE_WHOLE, bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks([large]), largeSeries);
});
const LARGE_64K = 'large body: 64 KiB chunks';
add({ name: LARGE_64K, bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks(large64k), largeSeries);
});
add({ name: 'large body: 1 KiB chunks', bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks(large1k), largeSeries);
});
add({ name: 'large body: parseBody(stream of 64 KiB)', bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, async () => {
  verify(await parseBody(streamOf(large64k), { contentEncoding: null, limits: { ...DEFAULT_PUSH_LIMITS, maxBodyBytes: Infinity } }), largeSeries);
});
const PROTOBUF_SMALL_WHOLE = 'pgbench body: protobuf whole';
add({ name: PROTOBUF_SMALL_WHOLE, bytes: smallProtobufBytes, series: smallSeries, baseline: PROTOBUF_SMALL_WHOLE, text: SMALL_WHOLE }, () => {
  variant = (variant + 1) % smallProtobuf.length;
  verify(parseProtobufChunks([smallProtobuf[variant]!]), smallSeries);
});
const PROTOBUF_LARGE_WHOLE = 'large body: protobuf whole';
add({ name: PROTOBUF_LARGE_WHOLE, bytes: largeProtobuf.length, series: largeSeries, baseline: PROTOBUF_LARGE_WHOLE, text: LARGE_WHOLE }, () => {
  verify(parseProtobufChunks([largeProtobuf]), largeSeries);
});
add(
  { name: 'large body: protobuf 64 KiB chunks', bytes: largeProtobuf.length, series: largeSeries, baseline: PROTOBUF_LARGE_WHOLE, text: LARGE_64K },
  () => {
    verify(parseProtobufChunks(largeProtobuf64k), largeSeries);
  },
);

await bench.run();

printResults(
  `text and protobuf parse — pgbench body ${Math.round(smallBytes)} B avg (protobuf ${Math.round(smallProtobufBytes)} B), ` +
    `large body ${(large.length / 1e6).toFixed(2)} MB (protobuf ${(largeProtobuf.length / 1e6).toFixed(2)} MB)`,
  bench,
  cases.map((item) => {
    const ms = meanMs(bench, item.name);
    return {
      task: item.name,
      'MB/s': round3(item.bytes / 1e3 / ms),
      'series/s': round3((item.series * 1000) / ms),
      'time vs whole': item.baseline === item.name ? '1x' : ratio(meanMs(bench, item.baseline), ms),
      'protobuf vs text': item.text === undefined ? '' : ratio(meanMs(bench, item.text), ms),
    };
  }),
);
