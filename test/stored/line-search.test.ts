// Could a series of these stored lines carry a label? Never "no" for one that does; "yes" may be a false alarm.
import { describe, expect, test } from 'bun:test';
import { mayCarryLabel } from '../../src/stored/line-search.ts';

const encoder = new TextEncoder();

describe('mayCarryLabel', () => {
  // [why, stored lines, label name, answer]
  test.each<[string, string[], string, boolean]>([
    ['the first label of a line', ['m{instance="a",job="j"} 1\n'], 'instance', true],
    ['a later label of a line', ['m{a="1",instance="x",job="j"} 1\n'], 'instance', true],
    ['a label of the second text only', ['m{job="j"} 1\n', 'n{job="j",zone="z"} 2\n'], 'zone', true],
    ['no line has it', ['m{job="j"} 1\nn 2\n'], 'instance', false],
    ['only as the end of a longer name', ['m{job="j",xinstance="a"} 1\n'], 'instance', false],
    ['only as a metric name', ['instance 1\n'], 'instance', false],
    // The value `,instance=` and its closing quote read like the label: a false alarm, which costs a slower path.
    ['a value ending like the label', ['m{job=",instance="} 1\n'], 'instance', true],
    ['no texts', [], 'instance', false],
  ])('%s', (_why, texts, name, answer) => {
    expect(mayCarryLabel(texts.map((text) => encoder.encode(text)), name)).toBe(answer);
  });

  test('reads a text that is a view into a larger buffer only within its bounds', () => {
    const buffer = encoder.encode('m{instance="a"} 1\nm{job="j"} 2\n');
    expect(mayCarryLabel([buffer.subarray(18)], 'instance')).toBe(false);
    expect(mayCarryLabel([buffer.subarray(0, 18)], 'instance')).toBe(true);
  });
});
