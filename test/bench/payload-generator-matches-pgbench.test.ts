// bench/payload-generator.ts against the generator it stands in for, ../shared/pgbench/payload.ts: byte for byte over
// seeds, sizes (on both sides of every family's threshold), variants and iterations, and the same group paths.
// Runs only where pgbench sits beside the repository (issue #13: a clone alone must pass npm test); elsewhere the
// one skipped test names the missing file.
import { describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { batchJobBody, encodedBodies, groupPath, planSeries, plannedSeries } from '../../bench/payload-generator.ts';

/** The part of pgbench's generator compared here. */
interface PgbenchPayload {
  makeBody(seriesPerGroup: number, seed: number, variant: number, iteration?: number): string;
  groupPath(i: number): string;
  layout(seriesPerGroup: number): unknown;
  seriesCount(layout: unknown): number;
  BodyPool: new (seriesPerGroup: number, seed: number, size?: number) => { readonly bodies: Uint8Array[] };
}

const PGBENCH_PAYLOAD = new URL('../../../shared/pgbench/payload.ts', import.meta.url);

// A computed specifier on purpose: pgbench is written for looser compiler settings, and a static import would pull
// it into our strict `tsc` run (and fail every run without it).
const pgbench = existsSync(PGBENCH_PAYLOAD) ? ((await import(PGBENCH_PAYLOAD.href)) as PgbenchPayload) : undefined;

// 2^32 - 1 and a negative seed exercise the float-then-int32 seed mix; 1 is pgbench's default.
const SEEDS = [1, 2, 7, 12345, 2 ** 32 - 1, -3];
// Around the thresholds: 1–2 gauges only, the summary alone (7), the histogram but no summary (30–34), both (35+).
const SIZES = [0, 1, 2, 3, 6, 7, 8, 29, 30, 31, 34, 35, 36, 60, 61, 100, 1000];
const VARIANTS = [0, 1, 9, 63, 64, 1000];
const ITERATIONS = [0, 1, 17];

if (pgbench === undefined) {
  test.skip(`cross-check with pgbench skipped: ${PGBENCH_PAYLOAD.pathname} is absent`, () => {});
} else {
  const theirs = pgbench;
  describe('payload-generator matches pgbench', () => {
    test.each(SEEDS)('every size, variant and iteration gives the same body, seed %p', (seed) => {
      const differing: string[] = [];
      for (const size of SIZES) {
        for (const variant of VARIANTS) {
          for (const iteration of ITERATIONS) {
            if (batchJobBody(size, seed, variant, iteration) !== theirs.makeBody(size, seed, variant, iteration)) differing.push(`${size}/${variant}/${iteration}`);
          }
        }
      }
      expect(differing).toEqual([]);
    });

    test('a 60 000-series body, as the parse benchmark pushes, is the same', () => {
      expect(batchJobBody(60_000, 1, 0)).toBe(theirs.makeBody(60_000, 1, 0));
    });

    test('the pool of 64 encoded bodies is the same', () => {
      expect(encodedBodies(60, 1)).toEqual(new theirs.BodyPool(60, 1).bodies);
    });

    test('series counts and group paths are the same', () => {
      for (let size = -1; size <= 200; size++) expect(plannedSeries(planSeries(size))).toBe(theirs.seriesCount(theirs.layout(size)));
      for (let i = 0; i < 3000; i++) expect(groupPath(i)).toBe(theirs.groupPath(i));
    });
  });
}
