// A group through its bytes and back: everything the store holds survives, -0 in a structured copy included.
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { Packr, unpack } from 'msgpackr';
import { SERIES_HASH_VERSION } from '../../src/model/series-hash.ts';
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

  describe('a group\'s own TTL (format version 3)', () => {
    const withTtl = (expireAfterMs: number | undefined): Group => {
      const store = new Store({ checkConsistency: true, ownTypes: new Map() });
      store.apply({ labels: ['job', 'a'], families: parseText('a 1\n'), replace: true, timeMs: 1_700_000_000_000, expireAfterMs });
      return store.groups()[0]!;
    };
    const headOf = (group: Group) => unpack(encodeGroup(group)[1]!) as unknown[];

    test.each([0, 1500, 3_600_000])('%p ms survives the round trip', (ms) => {
      const back = roundTrip(withTtl(ms));
      expect(back).toEqual(withTtl(ms));
      expect(back.expireAfterMs).toBe(ms);
    });

    test('a group without one keeps the version 2 head, and reads back without one', () => {
      expect(headOf(withTtl(undefined))).toHaveLength(5);
      expect(roundTrip(withTtl(undefined)).expireAfterMs).toBeUndefined();
    });

    test('a negative TTL or one that is not a number is refused', () => {
      for (const bad of [-1, 'x']) {
        const head = headOf(withTtl(5));
        head[5] = bad;
        const bytes = encodeGroup(withTtl(5));
        const packed = new Packr({ useRecords: false, moreTypes: false }).pack(head);
        const length = Buffer.alloc(4);
        length.writeUInt32LE(packed.length);
        expect(() => decodeGroup(Buffer.concat([length, packed, ...bytes.slice(2)]))).toThrow('not a stored group');
      }
    });
  });

  describe('series hashes', () => {
    const group = (): Group => pushedStore([[['job', 'a'], 'a 1\nb{c="d"} 2\nb{c="e"} 3\n']]).groups()[0]!;
    /** The group's bytes with its head rewritten by `edit` (the texts and hashes after it unchanged). */
    function withHead(bytes: Uint8Array, edit: (head: unknown[]) => unknown[]): Buffer {
      const headLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
      const head = edit(unpack(bytes.subarray(4, 4 + headLength)) as unknown[]);
      const packed = new Packr({ useRecords: false, moreTypes: false }).pack(head);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(packed.length);
      return Buffer.concat([length, packed, bytes.subarray(4 + headLength)]);
    }
    /** Every stored hash after the texts replaced by 1, 2, 3, … */
    function withForgedHashes(bytes: Buffer, series: number): Buffer {
      const forged = Buffer.from(bytes);
      const at = forged.length - series * 8;
      for (let i = 0; i < series; i++) forged.writeDoubleLE(i + 1, at + i * 8);
      return forged;
    }
    const hashesOf = (g: Group) => [...g.families.values()].map((family) => [...family.seriesHashes]);

    test('are read back as stored, not computed again', () => {
      const original = group();
      const counts = hashesOf(original).map((hashes) => hashes.length);
      expect(counts).toEqual([1, 2, 1, 1]); // a, b and the two push-time gauges
      const bytes = Buffer.concat(encodeGroup(original));
      expect(hashesOf(decodeGroup(withForgedHashes(bytes, 5)))).toEqual([[1], [2, 3], [4], [5]]);
    });

    test('of another hash version are computed again from the text', () => {
      const original = group();
      const bytes = withHead(Buffer.concat(encodeGroup(original)), (head) => [...head.slice(0, 4), SERIES_HASH_VERSION + 1]);
      expect(hashesOf(decodeGroup(withForgedHashes(bytes, 5)))).toEqual(hashesOf(original));
    });

    test('of another hash version are computed again from the structure of a UTF-8 family, whose lines are escaped', () => {
      const store = new Store({ checkConsistency: true, ownTypes: new Map(), utf8Names: true });
      const result = store.apply({ labels: ['dotted.k', 'v', 'job', 'a'], families: parseText('m{"a.b"="1"} 1\nm{a_b="1"} 2\n', undefined, true), replace: true, timeMs: 1 });
      expect(result.ok).toBe(true);
      const original = store.groups()[0]!;
      const bytes = withHead(Buffer.concat(encodeGroup(original)), (head) => [...head.slice(0, 4), SERIES_HASH_VERSION + 1]);
      const decoded = decodeGroup(withForgedHashes(bytes, 4));
      expect(hashesOf(decoded)).toEqual(hashesOf(original));
      expect(new Set(hashesOf(decoded)[0]).size).toBe(2);
    });

    test('of format version 1 (no hashes, no version in the head) are computed from the text', () => {
      const original = group();
      const [length, head, ...rest] = encodeGroup(original);
      const texts = rest.slice(0, original.families.size);
      const v1 = withHead(Buffer.concat([length!, head!, ...texts]), (h) => [h[0], h[1], h[2], (h[3] as unknown[][]).map((f) => f.slice(0, 6))]);
      expect(decodeGroup(v1)).toEqual(original);
    });

    test('a decoded group holds copies, not views of the bytes it came from (a Buffer slices to views)', () => {
      const bytes = Buffer.concat(encodeGroup(group()));
      for (const family of decodeGroup(bytes).families.values()) {
        expect(family.text.buffer).not.toBe(bytes.buffer);
        expect(family.seriesHashes.buffer).not.toBe(bytes.buffer);
      }
    });
  });
});
