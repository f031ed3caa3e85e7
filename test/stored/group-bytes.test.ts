// A group through its bytes and back: everything the store holds survives, -0 in a structured copy included.
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { decodeGroup, encodeGroup } from '../../src/stored/group-bytes.ts';

const roundTrip = (group: Group): Group => decodeGroup(Buffer.concat(encodeGroup(group)));
import { parseText } from '../../src/parse/text-parser.ts';
import { Store } from '../../src/store/store.ts';
import { delimited } from '../helpers/metrics-proto.ts';

/** A store holding `pushes`: each `[grouping labels, text body]` PUT in order. */
function pushedStore(pushes: [string[], string][]): Store {
  const store = new Store({ checkConsistency: true, ownTypes: new Map() });
  pushes.forEach(([labels, body], i) => {
    const result = store.apply({ labels, families: parseText(body), replace: true, timeMs: 1_700_000_000_000 + 1.5 * i });
    if (!result.ok) throw new Error(result.error);
  });
  return store;
}

describe('group bytes', () => {
  test('every group of a store decodes to an equal group', () => {
    const store = pushedStore([
      [['job', 'a'], 'a 1\n# TYPE s summary\ns{quantile="0.5"} -1\ns_sum 2\ns_count 3\n# HELP h why\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n'],
      [['instance', 'x/y', 'job', 'b'], 'b{c="ü\\"\\n"} NaN\n'],
    ]);
    expect(store.groups().length).toBe(2);
    for (const group of store.groups()) expect(roundTrip(group)).toEqual(group);
  });

  test('a structured copy keeps -0, native buckets and float counts', () => {
    const store = pushedStore([]);
    const body = delimited(
      { name: 'z', type: 'GAUGE', metric: [{ gauge: { value: -0 } }] },
      { name: 'n', type: 'HISTOGRAM', metric: [{ histogram: { sampleCountFloat: 2.5, sampleSum: -0, schema: 3, zeroThreshold: 1e-3, positiveSpan: [{ offset: 1, length: 2 }], positiveCount: [1, 1.5] } }] },
    );
    const result = store.apply({ labels: ['job', 'p'], families: parseProtobuf(body), replace: true, timeMs: 1_700_000_000_123 });
    expect(result).toEqual({ ok: true });
    const group: Group = store.groups()[0]!;
    expect(group.families.get('z')!.exact).toBeDefined();
    const back = roundTrip(group);
    expect(back).toEqual(group);
    expect(Object.is(back.families.get('z')!.exact!.metrics[0]!.value, -0)).toBe(true);
    expect(Object.is(back.families.get('n')!.exact!.metrics[0]!.sum, -0)).toBe(true);
  });

  test.each([
    ['garbage', new Uint8Array([1, 2, 3])],
    ['an empty buffer', new Uint8Array(0)],
  ])('%s is refused with an error', (_what, bytes) => {
    expect(() => decodeGroup(bytes)).toThrow();
  });

  test('every prefix and every extension of a group\'s bytes is refused', () => {
    const bytes = Buffer.concat(encodeGroup(pushedStore([[['job', 'a'], 'a 1\nb{c="d"} 2\n']]).groups()[0]!));
    for (let length = 0; length < bytes.length; length++) expect(() => decodeGroup(bytes.subarray(0, length))).toThrow();
    expect(() => decodeGroup(Buffer.concat([bytes, new Uint8Array(1)]))).toThrow('1 bytes too many');
  });
});
