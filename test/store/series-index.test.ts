// The series-hash multiset must count exactly like a Map would, through growth and many deletions.
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
    index.addAll(new Float64Array([42, 7, 42]));
    expect([index.count(42), index.count(7), index.count(8)]).toEqual([2, 1, 0]);
    index.removeAll(new Float64Array([42, 42, 7]));
    expect([index.count(42), index.count(7)]).toEqual([0, 0]);
  });

  // Hashes are 53-bit: ones equal in their low 32 bits share a probe start and must still stay apart;
  // 0 is a valid hash, not a free slot.
  test('keeps apart hashes that collide in their low bits, and hash 0', () => {
    const index = new SeriesIndex();
    const colliding = [0, 2 ** 32, 2 ** 33, 2 ** 52 + 2 ** 32];
    index.addAll(new Float64Array(colliding));
    index.removeAll(new Float64Array([2 ** 32]));
    expect(colliding.map((h) => index.count(h))).toEqual([1, 0, 1, 1]);
  });

  // A seeded random walk through growth, deletions and re-additions, checked against a Map.
  test.each([1, 2, 3])('counts like a Map through 200 000 random adds and removes (seed %d)', (seed) => {
    const next = random(seed);
    const index = new SeriesIndex();
    const model = new Map<number, number>();
    const pool = Array.from({ length: 20_000 }, () => Math.floor(next() * 2 ** 53));
    for (let step = 0; step < 200_000; step++) {
      const hash = pool[Math.floor(next() * pool.length)]!;
      const held = model.get(hash) ?? 0;
      if (held > 0 && next() < 0.5) {
        index.removeAll(new Float64Array([hash]));
        if (held === 1) model.delete(hash);
        else model.set(hash, held - 1);
      } else {
        index.addAll(new Float64Array([hash]));
        model.set(hash, held + 1);
      }
    }
    for (const hash of pool) expect(index.count(hash)).toBe(model.get(hash) ?? 0);
  });
});
