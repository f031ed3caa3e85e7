// The series-hash multiset must count exactly like a Map would, and know a sole holder, through growth and many deletions.
import { describe, expect, test } from 'bun:test';
import { SeriesIndex } from '../../src/store/series-index.ts';

function random(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('SeriesIndex', () => {
  test('an absent hash counts 0, an added one 1, a twice-added one 2', () => {
    const index = new SeriesIndex();
    expect(index.count(42)).toBe(0);
    index.addAll(new Float64Array([42, 7, 42]), 1);
    expect([index.count(42), index.count(7), index.count(8)]).toEqual([2, 1, 0]);
    index.removeAll(new Float64Array([42, 42, 7]), 1);
    expect([index.count(42), index.count(7)]).toEqual([0, 0]);
  });

  // Hashes are 53-bit: ones equal in their low 32 bits share a probe start and must still stay apart;
  // 0 is a valid hash, not a free slot.
  test('keeps apart hashes that collide in their low bits, and hash 0', () => {
    const index = new SeriesIndex();
    const colliding = [0, 2 ** 32, 2 ** 33, 2 ** 52 + 2 ** 32];
    index.addAll(new Float64Array(colliding), 1);
    index.removeAll(new Float64Array([2 ** 32]), 1);
    expect(colliding.map((h) => index.count(h))).toEqual([1, 0, 1, 1]);
  });

  test('knows whether an owner other than a given one holds a hash', () => {
    const index = new SeriesIndex();
    expect(index.isHeldBeyond(42, 3)).toBe(false);
    index.addAll(new Float64Array([42]), 3);
    expect([index.isHeldBeyond(42, 3), index.isHeldBeyond(42, 5)]).toEqual([false, true]);
    index.addAll(new Float64Array([42]), 5);
    index.addAll(new Float64Array([42]), 2 ** 32 - 1);
    expect([index.isHeldBeyond(42, 3), index.isHeldBeyond(42, 5)]).toEqual([true, true]);
    index.removeAll(new Float64Array([42]), 3);
    index.removeAll(new Float64Array([42]), 2 ** 32 - 1);
    expect([index.count(42), index.isHeldBeyond(42, 5), index.isHeldBeyond(42, 3)]).toEqual([1, false, true]);
  });

  // A seeded random walk through growth, deletions and re-additions by several owners, checked against
  // a Map of holders.
  test.each([1, 2, 3])('counts like a Map through 200 000 random adds and removes (seed %d)', (seed) => {
    const next = random(seed);
    const index = new SeriesIndex();
    const model = new Map<number, number[]>();
    const pool = Array.from({ length: 20_000 }, () => Math.floor(next() * 2 ** 53));
    for (let step = 0; step < 200_000; step++) {
      const hash = pool[Math.floor(next() * pool.length)]!;
      const holders = model.get(hash) ?? [];
      if (holders.length > 0 && next() < 0.5) {
        const owner = holders.splice(Math.floor(next() * holders.length), 1)[0]!;
        index.removeAll(new Float64Array([hash]), owner);
        if (holders.length === 0) model.delete(hash);
      } else {
        const owner = 1 + Math.floor(next() * (2 ** 32 - 1));
        index.addAll(new Float64Array([hash]), owner);
        model.set(hash, [...holders, owner]);
      }
    }
    for (const hash of pool) {
      const holders = model.get(hash) ?? [];
      expect(index.count(hash)).toBe(holders.length);
      if (holders.length > 0) expect(index.isHeldBeyond(hash, holders[0]!)).toBe(holders.length > 1);
    }
  });
});
