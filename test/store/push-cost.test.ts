// A push's work must not grow with the store (issue #4): counted in index operations and encodes, never timed.
import { describe, expect, test } from 'bun:test';
import type { MetricFamily } from '../../src/model/metric.ts';
import { OWN_TYPES } from '../../src/http/self-metrics.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { encodeFamilyText } from '../../src/render/text.ts';
import { Store } from '../../src/store/store.ts';

const BODY = `# TYPE job_rows gauge
job_rows{table="a"} 1
job_rows{table="b"} 2
# TYPE job_records_total counter
job_records_total{stage="x"} 3
# TYPE job_seconds histogram
job_seconds_bucket{le="1"} 1
job_seconds_bucket{le="+Inf"} 2
job_seconds_sum 3
job_seconds_count 2
`;

/** A store of `groups` fleet-like groups whose encoder counts its calls. */
function fleet(groups: number, check = true): { store: Store; encodes: () => number } {
  let encodes = 0;
  const store = new Store({
    encode: (family: MetricFamily) => {
      encodes++;
      return encodeFamilyText(family);
    },
    checkConsistency: check,
    ownTypes: OWN_TYPES,
  });
  for (let i = 0; i < groups; i++) put(store, `w${i}`);
  return { store, encodes: () => encodes };
}

function put(store: Store, instance: string): void {
  const result = store.apply({ labels: ['instance', instance, 'job', 'etl'], families: parseText(BODY), replace: true, timeMs: 1000 });
  if (!result.ok) throw new Error(result.error);
}

/** Index operations and encodes spent by one more push of `instance` into a store of `groups` groups. */
function costOfOnePush(groups: number, instance: string): { operations: number; encodes: number } {
  const { store, encodes } = fleet(groups);
  const operationsBefore = store.indexOperations;
  const encodesBefore = encodes();
  put(store, instance);
  return { operations: store.indexOperations - operationsBefore, encodes: encodes() - encodesBefore };
}

describe('the cost of one push', () => {
  test('replacing a group costs the same in a store of 10 groups as in one of 3 000', () => {
    const small = costOfOnePush(10, 'w5');
    const large = costOfOnePush(3000, 'w5');
    expect(large).toEqual(small);
    // Three families plus the push time gauge are encoded; the group's failure gauge is kept as it was.
    expect(small.encodes).toBe(4);
  });

  test('adding a new group costs the same in a store of 10 groups as in one of 3 000', () => {
    const small = costOfOnePush(10, 'new');
    const large = costOfOnePush(3000, 'new');
    expect(large).toEqual(small);
    expect(small.encodes).toBe(5);
  });

  // The check may read only what the push names: a store-wide re-gather (Go's way) would show here.
  test('index operations are bounded by the size of the push and of the group it replaces', () => {
    const { operations } = costOfOnePush(500, 'w1');
    const seriesInPush = 5 + 2; // three families' series, plus the two gauges
    expect(operations).toBeGreaterThan(0);
    expect(operations).toBeLessThan(10 * (seriesInPush + 5));
  });
});
