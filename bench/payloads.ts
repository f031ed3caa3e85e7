// Seeded fleet-like push bodies for the micro-benchmarks: the bytes pgbench pushes (payload-generator.ts), with
// the seed and size pgbench uses by default, so both measure the same bodies.
import type { Labels, MetricFamily } from '../src/model/metric.ts';
import { FAMILY_NAMES, batchJobBody, encodedBodies, groupingOf, planSeries, plannedSeries } from './payload-generator.ts';

/** The harness defaults (`--series-per-group 60`, `--seed 1`), so these are the bodies pgbench PUTs. */
export const SERIES_PER_GROUP = 60;
export const SEED = 1;
/** Families in every generated body (two gauges, a labelled gauge, a counter, a histogram, a summary). */
export const PAYLOAD_FAMILIES = FAMILY_NAMES.length;

const encoder = new TextEncoder();
const pool = encodedBodies(SERIES_PER_GROUP, SEED);

/** The 64 pre-encoded variants pgbench cycles through (~5.6 KB each). Shared: do not mutate. */
export const GROUP_BODIES: readonly Uint8Array[] = pool;

/** The body pgbench PUTs for group `i` (variant `i mod 64`). */
export function groupBody(i: number): Uint8Array {
  return pool[i % pool.length]!;
}

/** Group `i`'s grouping labels, sorted, as pgbench's path `/metrics/job/<job>/instance/<instance>` gives them. */
export function groupLabels(i: number): Labels {
  const { job, instance } = groupingOf(i);
  return ['instance', instance, 'job', job];
}

/**
 * One body with `series` series of the same six families (the extra series go to the labelled gauge and
 * counter, all distinct): `largeBody(60_000)` is 1 000 groups' worth of series in one push.
 */
export function largeBody(series: number): Uint8Array {
  return encoder.encode(batchJobBody(series, SEED, 0));
}

/** How many series (sample lines) the generator puts in a body asked for `seriesPerBody` series. */
export function expectedSeries(seriesPerBody: number): number {
  return plannedSeries(planSeries(seriesPerBody));
}

/** Sample lines the families stand for, counted as pgbench does: a histogram's buckets, `_sum` and `_count` each count. */
export function countSeries(families: readonly MetricFamily[]): number {
  let series = 0;
  for (const family of families) {
    for (const metric of family.metrics) {
      if (family.type === 'histogram') series += (metric.buckets?.length ?? 0) + 2;
      else if (family.type === 'summary') series += (metric.quantiles?.length ?? 0) + 2;
      else series += 1;
    }
  }
  return series;
}

const PAYLOAD_LINE = Buffer.from('\njob_');

/**
 * Pushed sample lines in an exposition body: lines starting with `job_`, the prefix of every FAMILY_NAMES entry. A
 * body always starts with a `#` line, so every such line follows a newline.
 */
export function countPayloadLines(body: Uint8Array): number {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let count = 0;
  for (let at = buffer.indexOf(PAYLOAD_LINE); at >= 0; at = buffer.indexOf(PAYLOAD_LINE, at + 1)) count++;
  return count;
}
