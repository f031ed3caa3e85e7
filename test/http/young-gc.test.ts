// The young-generation collector paces itself by pushed bytes and leaves small processes to JSC.
import { describe, expect, test } from 'bun:test';
import { youngCollector } from '../../src/http/young-gc.ts';

/** A collector in a process of `residentBytes` that counts its collections. */
function counted(everyBytes: number, minResidentBytes: number, residentBytes: number) {
  let collections = 0;
  const pushed = youngCollector(everyBytes, minResidentBytes, () => collections++, () => residentBytes);
  return { pushed, collections: () => collections };
}

describe('youngCollector', () => {
  test('collects once per `everyBytes` of pushed bodies when the process is large', () => {
    const { pushed, collections } = counted(1000, 100, 500);
    for (let i = 0; i < 99; i++) pushed(100);
    expect(collections()).toBe(9);
    pushed(100);
    expect(collections()).toBe(10);
  });

  test('a body larger than the pace collects once, not once per `everyBytes` in it', () => {
    const { pushed, collections } = counted(1000, 100, 500);
    pushed(10_000);
    expect(collections()).toBe(1);
  });

  test('never collects while the process is below `minResidentBytes`', () => {
    const { pushed, collections } = counted(1000, 100, 99);
    for (let i = 0; i < 100; i++) pushed(1000);
    expect(collections()).toBe(0);
  });

  test('runs with JSC’s own collector and the real RSS', () => {
    const pushed = youngCollector(1, 0);
    expect(() => pushed(1)).not.toThrow();
  });
});
