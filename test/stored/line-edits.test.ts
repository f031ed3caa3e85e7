// A stored line with a new value: the same bytes encodeFamilyText writes for the family with that value.
import { describe, expect, test } from 'bun:test';
import type { Labels } from '../../src/model/metric.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { withValue } from '../../src/stored/line-edits.ts';

const decoder = new TextDecoder();

function gaugeLine(labels: Labels, value: number): Uint8Array {
  return encodeFamilyText({ name: 'push_time_seconds', help: undefined, type: 'gauge', metrics: [{ labels, value }] }).text;
}

describe('withValue', () => {
  // [why, labels, old value, new value]
  test.each<[string, Labels, number, number]>([
    ['a timestamp after the zero of a new group', ['instance', '', 'job', 'j'], 0, 1.7953713469292624e9],
    ['a shorter value than before', ['job', 'j'], 1.7953713469292624e9, 5],
    ['a label value holding spaces and an escaped quote', ['job', 'a "b" c'], 1, 2.5],
    ['no labels', [], 1, -Infinity],
  ])('%s', (_why, labels, before, after) => {
    const old = gaugeLine(labels, before);
    const copy = old.slice();
    expect(decoder.decode(withValue(old, after))).toBe(decoder.decode(gaugeLine(labels, after)));
    expect(old).toEqual(copy);
  });

  test('returns fresh bytes that a later edit does not overwrite', () => {
    const first = withValue(gaugeLine(['job', 'j'], 0), 1);
    withValue(gaugeLine(['job', 'k'], 0), 2);
    expect(decoder.decode(first)).toBe('push_time_seconds{job="j"} 1\n');
  });

  test('grows past its reusable buffer for a long line', () => {
    const long = 'x'.repeat(10_000);
    expect(decoder.decode(withValue(gaugeLine(['job', long], 0), 3))).toBe(`push_time_seconds{job="${long}"} 3\n`);
  });
});
