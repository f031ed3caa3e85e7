// The identity hash of a series (family name + sorted labels) behind the duplicate-series index.
import { describe, expect, test } from 'bun:test';
import { seriesHash } from '../../src/store/series-hash.ts';

describe('seriesHash', () => {
  // [why the two must differ, first series, second series]
  test.each<[string, [string, string[]], [string, string[]]]>([
    ['another name', ['a', ['job', 'j']], ['b', ['job', 'j']]],
    ['another value', ['a', ['job', 'j1']], ['a', ['job', 'j2']]],
    ['name and value swapped', ['a', ['x', 'y']], ['a', ['y', 'x']]],
    ['a boundary moved between two label strings', ['a', ['ab', 'c']], ['a', ['a', 'bc']]],
    ['a boundary moved between the name and a label', ['ab', ['c', 'd']], ['a', ['bc', 'd']]],
    ['an empty value against no label at all', ['a', ['x', '']], ['a', []]],
    ['an extra empty label pair', ['a', ['x', '1']], ['a', ['', '', 'x', '1']]],
    ['the empty name without labels against one empty label pair', ['', []], ['', ['', '']]],
    ['characters past Latin-1', ['a', ['l', 'Π']], ['a', ['l', 'Ŕ']]],
    ['a character and its low byte', ['a', ['l', 'Ā']], ['a', ['l', '\u0000']]],
    ['instance="" from the URL against none', ['a', ['instance', '', 'job', 'j']], ['a', ['job', 'j']]],
  ])('tells apart %s', (_why, [nameA, labelsA], [nameB, labelsB]) => {
    expect(seriesHash(nameA, labelsA)).not.toBe(seriesHash(nameB, labelsB));
  });

  test('is the same for the same series, whether the arrays are shared or not', () => {
    const labels = ['instance', '', 'job', 'j'];
    expect(seriesHash('a', labels)).toBe(seriesHash('a', [...labels]));
    expect(seriesHash('a', labels)).toBe(seriesHash('a', labels));
  });

  test('is an exact non-negative integer below 2^53, so a Map and a Float64Array keep it whole', () => {
    for (const [name, labels] of [['', []], ['a', ['job', 'j']], ['x'.repeat(1000), ['l', 'ü'.repeat(500)]]] as [string, string[]][]) {
      const hash = seriesHash(name, labels);
      expect(Number.isSafeInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(new Float64Array([hash])[0]).toBe(hash);
    }
  });

  test('gives 200,000 similar series 200,000 different hashes', () => {
    // Fleet-like series differing in one short value: the case a weak hash would collapse.
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      seen.add(seriesHash('http_requests_total', ['instance', `host-${i}`, 'job', 'node']));
      seen.add(seriesHash('http_requests_total', ['instance', '', 'job', `j${i}`]));
    }
    expect(seen.size).toBe(200_000);
  });
});
