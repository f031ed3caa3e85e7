// bench/payload-generator.ts on its own (no pgbench needed): the same arguments give the same bytes, a body holds
// exactly the series it was asked for, all distinct, in families our text parser accepts, and group paths are distinct.
import { describe, expect, test } from 'bun:test';
import { FAMILY_NAMES, batchJobBody, encodedBodies, groupPath, groupingOf, planSeries, plannedSeries } from '../../bench/payload-generator.ts';
import { countPayloadLines, countSeries } from '../../bench/payloads.ts';
import { parseText } from '../../src/parse/text-parser.ts';

// Around every family's threshold (the histogram needs 30, both fixed-size families 35), and the benchmarks' sizes.
const SIZES = [1, 2, 3, 7, 29, 30, 34, 35, 60, 1000, 60_000];

describe('payload-generator', () => {
  test('the same arguments give the same body; seed, variant and iteration each change it', () => {
    const body = batchJobBody(60, 1, 3, 2);
    expect(batchJobBody(60, 1, 3, 2)).toBe(body);
    for (const other of [batchJobBody(60, 2, 3, 2), batchJobBody(60, 1, 4, 2), batchJobBody(60, 1, 3, 1)]) expect(other).not.toBe(body);
    expect(encodedBodies(60, 1, 4)).toEqual([0, 1, 2, 3].map((k) => new TextEncoder().encode(batchJobBody(60, 1, k, k))));
  });

  test('a plan holds exactly the series asked for, at least one', () => {
    for (let size = -2; size <= 500; size++) expect(plannedSeries(planSeries(size))).toBe(Math.max(1, size));
    expect(plannedSeries(planSeries(7.9))).toBe(7);
  });

  test.each(SIZES)('a body of %p series parses into that many distinct series, families in FAMILY_NAMES order', (size) => {
    const body = batchJobBody(size, 1, 5, 1);
    const families = parseText(body);
    expect(countSeries(families)).toBe(size);
    expect(countPayloadLines(new TextEncoder().encode(body))).toBe(size);
    const names = families.map((family) => family.name);
    expect(names).toEqual(FAMILY_NAMES.filter((name) => names.includes(name)));
    for (const family of families) {
      const labelSets = family.metrics.map((metric) => metric.labels.join('\u0000'));
      expect(new Set(labelSets).size).toBe(labelSets.length);
    }
  });

  test('a body of 60 series holds all six families with their types', () => {
    const families = parseText(batchJobBody(60, 1, 0));
    expect(families.map((family) => [family.name, family.type])).toEqual([
      ['job_last_success_unixtime', 'gauge'],
      ['job_last_duration_seconds', 'gauge'],
      ['job_rows_processed', 'gauge'],
      ['job_records_total', 'counter'],
      ['job_stage_duration_seconds', 'histogram'],
      ['job_batch_size_bytes', 'summary'],
    ]);
  });

  test('group paths are distinct, twenty instances per job', () => {
    const paths = Array.from({ length: 1000 }, (_, i) => groupPath(i));
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths[21]).toBe('/metrics/job/nightly_etl_0001/instance/worker-01.batch.internal');
    expect(groupingOf(39).job).toBe(groupingOf(20).job);
    expect(groupingOf(40).job).not.toBe(groupingOf(39).job);
  });
});
