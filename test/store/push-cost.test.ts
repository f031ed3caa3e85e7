// A push's work must not grow with the store (issue #4): counted in index operations and encodes, never timed.
import { describe, expect, test } from 'bun:test';
import { OWN_TYPES } from '../../src/http/self-metrics.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';
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

/** How a push reaches the store: structured families, or encoded by the text fast path. */
type Path = 'structured' | 'encoded';

/** A store of `groups` fleet-like groups. */
function fleet(groups: number, path: Path): Store {
  const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
  for (let i = 0; i < groups; i++) put(store, `w${i}`, path);
  return store;
}

const BODY_BYTES = new TextEncoder().encode(BODY);

function put(store: Store, instance: string, path: Path): void {
  const labels = ['instance', instance, 'job', 'etl'];
  const encoded = path === 'encoded' ? transcodeText(BODY_BYTES, labels) : undefined;
  if (path === 'encoded' && encoded === undefined) throw new Error('the fast path gave up');
  const result = store.apply(encoded === undefined
    ? { labels, families: parseText(BODY), replace: true, timeMs: 1000 }
    : { labels, encoded: { families: encoded, structured: () => parseText(BODY) }, replace: true, timeMs: 1000 });
  if (!result.ok) throw new Error(result.error);
}

/** Index operations and encodes spent by one more push of `instance` into a store of `groups` groups. */
function costOfOnePush(groups: number, instance: string, path: Path): { operations: number; encodes: number } {
  const store = fleet(groups, path);
  const operationsBefore = store.indexOperations;
  const encodesBefore = store.encodes;
  put(store, instance, path);
  return { operations: store.indexOperations - operationsBefore, encodes: store.encodes - encodesBefore };
}

// Encodes by the store itself (Store.encodes): the pushed families (structured path only; the fast path hands them
// over encoded) and the timestamp gauges of a new group.
describe.each<[Path, number]>([['structured', 3], ['encoded', 0]])('the cost of one push, %s', (path, familyEncodes) => {
  test('replacing a group costs the same in a store of 10 groups as in one of 3 000', () => {
    const small = costOfOnePush(10, 'w5', path);
    const large = costOfOnePush(3000, 'w5', path);
    expect(large).toEqual(small);
    // The push time gauge takes its new value in its old line; the failure gauge is kept as it was.
    expect(small.encodes).toBe(familyEncodes);
  });

  test('adding a new group costs the same in a store of 10 groups as in one of 3 000', () => {
    const small = costOfOnePush(10, 'new', path);
    const large = costOfOnePush(3000, 'new', path);
    expect(large).toEqual(small);
    expect(small.encodes).toBe(familyEncodes + 2);
  });

  // The check may read only what the push names: a store-wide re-gather (Go's way) would show here.
  test('index operations are bounded by the size of the push and of the group it replaces', () => {
    const { operations } = costOfOnePush(500, 'w1', path);
    const seriesInPush = 5 + 2; // three families' series, plus the two gauges
    expect(operations).toBeGreaterThan(0);
    expect(operations).toBeLessThan(10 * (seriesInPush + 5));
  });
});
