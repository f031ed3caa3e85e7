import { describe, expect, test } from 'bun:test';
import { boundedMemo } from '../../src/model/bounded-memo.ts';

describe('boundedMemo', () => {
  test('computes each key once while it is kept, undefined results included', () => {
    const calls: string[] = [];
    const memo = boundedMemo(8, (key: string) => {
      calls.push(key);
      return key === 'none' ? undefined : key.toUpperCase();
    });
    expect([memo('a'), memo('a'), memo('none'), memo('none')]).toEqual(['A', 'A', undefined, undefined]);
    expect(calls).toEqual(['a', 'none']);
  });

  test('empties itself when full, so keys are computed again after that', () => {
    let computed = 0;
    const memo = boundedMemo(3, (key: number) => (computed++, key * 2));
    for (const key of [1, 2, 3]) memo(key);
    expect(computed).toBe(3);
    memo(1);
    expect(computed).toBe(3);
    memo(4); // full: emptied, then 4 kept
    memo(1);
    expect(computed).toBe(5);
  });
});
