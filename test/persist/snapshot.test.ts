// The snapshot file: what is written reads back whole, and every damaged or foreign file is refused with its reason.
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { SNAPSHOT_VERSION, SnapshotError, isSnapshot, readSnapshot, snapshotParts } from '../../src/persist/snapshot.ts';
import { Store } from '../../src/store/store.ts';

function groupsOf(count: number): readonly Group[] {
  const store = new Store({ checkConsistency: true, ownTypes: new Map() });
  for (let i = 0; i < count; i++) {
    const result = store.apply({ labels: ['instance', `i${i}`, 'job', 'snap'], families: parseText(`# HELP a An a.\n# TYPE a counter\na{k="${i}"} ${i}\nb -0.5\n`), replace: true, timeMs: 1e12 + i });
    if (!result.ok) throw new Error(result.error);
  }
  return store.groups();
}

const bytesOf = (groups: readonly Group[], generation = 7): Uint8Array => Buffer.concat([...snapshotParts(groups, generation, new WeakMap())]);

describe('snapshot', () => {
  test('what is written reads back whole, with the journal generation it continues with', () => {
    const groups = groupsOf(20);
    const bytes = bytesOf(groups);
    expect(isSnapshot(bytes)).toBe(true);
    const snapshot = readSnapshot(bytes);
    expect(snapshot.journalGeneration).toBe(7);
    expect(snapshot.groups).toEqual([...groups]);
  });

  test('an empty store is a snapshot too', () => {
    expect(readSnapshot(bytesOf([]))).toEqual({ journalGeneration: 7, groups: [] });
  });

  test('cached heads give the same bytes', () => {
    const groups = groupsOf(3);
    const heads = new WeakMap();
    const first = Buffer.concat([...snapshotParts(groups, 1, heads)]);
    expect(Buffer.concat([...snapshotParts(groups, 1, heads)])).toEqual(first);
  });

  test('every prefix is refused', () => {
    const bytes = bytesOf(groupsOf(2));
    for (let length = 0; length < bytes.length; length++) expect(() => readSnapshot(bytes.subarray(0, length))).toThrow(SnapshotError);
  });

  test('a flipped byte anywhere is refused', () => {
    const bytes = bytesOf(groupsOf(2));
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Uint8Array.from(bytes);
      damaged[i]! ^= 0x10;
      expect(() => readSnapshot(damaged)).toThrow(SnapshotError);
    }
  });

  test('a newer version is refused naming both versions', () => {
    const bytes = Uint8Array.from(bytesOf([]));
    new DataView(bytes.buffer).setUint32(8, SNAPSHOT_VERSION + 1, true);
    expect(() => readSnapshot(bytes)).toThrow(`snapshot format version ${SNAPSHOT_VERSION + 1} is newer than this gateway's ${SNAPSHOT_VERSION}`);
  });

  test.each([
    ['an empty file', ''],
    ['text', 'some_metric 1\n'],
    ['a gob stream', '\x2a\xff\x81\x04\x01\x01\x18GroupingKeyToMetricGroup'],
  ])('%s is not a snapshot', (_what, text) => {
    const bytes = new TextEncoder().encode(text);
    expect(isSnapshot(bytes)).toBe(false);
    expect(() => readSnapshot(bytes)).toThrow('not a snapshot of this gateway (wrong magic bytes)');
  });
});
