// How fast does the text parser turn push bodies into families, whole vs cut into 64 KiB / 1 KiB chunks?
//
//   bun bench/parse.bench.ts
//
// Bodies: the pgbench push body (60 series, ~5.6 KB; the 64 seeded variants in turn) and one body with
// 60 000 series (1 000 groups' worth, ~6 MB) so that MB/s is not dominated by per-body setup. Chunks are
// views cut in advance, so only the parser's work is timed (including carrying a line across a cut).
// The last task pushes the large body through parseBody, the async shell a PUT really goes through.
// Every iteration checks the family and series counts and throws if they are wrong.
// Targets (issue): ≥ 200 MB/s; 64 KiB chunks within 10 % of whole.
import { Bench } from 'tinybench';
import type { MetricFamily } from '../src/model/metric.ts';
import { parseBody } from '../src/parse/body.ts';
import { TextParser } from '../src/parse/text-parser.ts';
import { GROUP_BODIES, PAYLOAD_FAMILIES, SERIES_PER_GROUP, countSeries, expectedSeries, largeBody } from './payloads.ts';
import { meanMs, printResults, ratio, round3 } from './report.ts';

const LARGE_SERIES = 60_000;
const KIB = 1024;

interface Case {
  readonly name: string;
  readonly bytes: number; // per iteration
  readonly series: number; // per iteration
  readonly baseline: string; // the "whole" task it is compared with
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

function verify(families: MetricFamily[], series: number): void {
  if (families.length !== PAYLOAD_FAMILIES) throw new Error(`expected ${PAYLOAD_FAMILIES} families, got ${families.length}`);
  const got = countSeries(families);
  if (got !== series) throw new Error(`expected ${series} series, got ${got}`);
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

const bench = new Bench({ name: 'text parse', time: 2000, warmupTime: 300, throws: true });
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
const LARGE_WHOLE = `large body (${LARGE_SERIES} series): whole`;
add({ name: LARGE_WHOLE, bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks([large]), largeSeries);
});
add({ name: 'large body: 64 KiB chunks', bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks(large64k), largeSeries);
});
add({ name: 'large body: 1 KiB chunks', bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, () => {
  verify(parseChunks(large1k), largeSeries);
});
add({ name: 'large body: parseBody(stream of 64 KiB)', bytes: large.length, series: largeSeries, baseline: LARGE_WHOLE }, async () => {
  verify(await parseBody(streamOf(large64k), { contentEncoding: null, maxBytes: Infinity }), largeSeries);
});

await bench.run();

printResults(
  `text parse — pgbench body ${Math.round(smallBytes)} B avg, large body ${(large.length / 1e6).toFixed(2)} MB`,
  bench,
  cases.map((item) => {
    const ms = meanMs(bench, item.name);
    return {
      task: item.name,
      'MB/s': round3(item.bytes / 1e3 / ms),
      'series/s': round3((item.series * 1000) / ms),
      'time vs whole': item.baseline === item.name ? '1x' : ratio(meanMs(bench, item.baseline), ms),
    };
  }),
);
