// The grouping labels as the fast path merges them into stored lines: sorted, with instance="", escaped; or none when a label rule is broken.
import { describe, expect, test } from 'bun:test';
import { groupingPairs } from '../../src/stored/grouping-pairs.ts';

const decoder = new TextDecoder();

/** The pairs as strings: `[name, name="value"]` each. */
function pairsOf(grouping: string[]): [string, string][] | undefined {
  return groupingPairs(grouping)?.map(({ name, pair }) => [decoder.decode(name), decoder.decode(pair)]);
}

describe('groupingPairs', () => {
  test('adds instance="" in its sorted place when the grouping has no instance', () => {
    expect(pairsOf(['a', '1', 'job', 'j'])).toEqual([['a', 'a="1"'], ['instance', 'instance=""'], ['job', 'job="j"']]);
  });

  test('keeps a grouping instance and escapes values as the text format prints them', () => {
    expect(pairsOf(['instance', 'i\n"\\', 'job', 'ü'])).toEqual([['instance', 'instance="i\\n\\"\\\\"'], ['job', 'job="ü"']]);
  });

  test('answers the same pairs for the same grouping again', () => {
    expect(groupingPairs(['job', 'again'])).toBe(groupingPairs(['job', 'again']));
  });

  // [why, grouping]: the store words these refusals, the fast path leaves them to it.
  test.each([
    ['a histogram bound name', ['job', 'j', 'le', '1']],
    ['a summary bound name', ['job', 'j', 'quantile', '1']],
    ['a reserved name', ['__name__', 'x', 'job', 'j']],
    ['names out of order', ['job', 'j', 'a', '1']],
  ])('none for %s', (_why, grouping) => {
    expect(groupingPairs(grouping)).toBeUndefined();
  });
});
