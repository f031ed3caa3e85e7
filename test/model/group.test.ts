// Grouping keys: one per label set, ordered as Go's 0xFF-joined keys.
import { describe, expect, test } from 'bun:test';
import { MANY_LABELS, groupKeyOf, sortLabels } from '../../src/model/group.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

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

describe('sortLabels', () => {
  /** `count` label pairs with distinct names in a shuffled order. */
  function shuffled(count: number, seed: number): string[] {
    const random = seededRandom(seed);
    const names = Array.from({ length: count }, (_, i) => `l${i.toString(36)}_${Math.floor(random() * 1e6)}`);
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [names[i], names[j]] = [names[j]!, names[i]!];
    }
    return names.flatMap((name) => [name, `v_${name}`]);
  }

  test.each([0, 1, 2, 5, MANY_LABELS, MANY_LABELS + 1, 200, 5000])('sorts %i pairs by name, each value staying with its name', (count) => {
    const labels = shuffled(count, count + 1);
    const expected = [...labels.keys()].filter((k) => k % 2 === 0).map((k) => labels[k]!).sort().flatMap((name) => [name, `v_${name}`]);
    expect(sortLabels(labels)).toBe(labels);
    expect(labels).toEqual(expected);
  });
});
