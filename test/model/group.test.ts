// Grouping keys: one per label set, ordered as Go's 0xFF-joined keys.
import { describe, expect, test } from 'bun:test';
import { groupKeyOf } from '../../src/model/group.ts';

describe('groupKeyOf', () => {
  test('joins sorted names and values with U+FFFF', () => {
    expect(groupKeyOf(['instance', 'i-1', 'job', 'batch'])).toBe('instance\uffffi-1\uffffjob\uffffbatch');
  });

  test('gives a value holding U+FFFF a key no other label set has', () => {
    const one = ['a', 'x\uffffb\uffffy'];
    const two = ['a', 'x', 'b', 'y'];
    expect(groupKeyOf(one)).not.toBe(groupKeyOf(two));
    expect(groupKeyOf(['a', '\uffff'])).not.toBe(groupKeyOf(['a', '', '', '']));
  });

  test('orders keys by name, then value, as the scrape lists groups', () => {
    const sets = [['job', 'b'], ['job', 'a'], ['instance', 'z', 'job', 'a'], ['job', 'a\uffff'], ['job', 'ab']];
    const sorted = sets.map(groupKeyOf).sort();
    expect(sorted).toEqual([['instance', 'z', 'job', 'a'], ['job', 'a'], ['job', 'ab'], ['job', 'a\uffff'], ['job', 'b']].map(groupKeyOf));
  });
});
