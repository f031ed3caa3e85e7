// The identity hash of a series (family name + label block as printed) behind the duplicate-series check.
import { describe, expect, test } from 'bun:test';
import { seriesHash, seriesSeed } from '../../src/model/series-hash.ts';

const utf8 = new TextEncoder();

/** The hash of family `name` and label block `block` (`a="1",b="2"`, as the text format prints it). */
function hashOf(name: string, block: string): number {
  const bytes = utf8.encode(`##${block}##`); // padded: the hash must read only its range
  return seriesHash(seriesSeed(name), bytes, 2, bytes.length - 2);
}

describe('seriesHash', () => {
  // [why the two must differ, first series, second series]
  test.each<[string, [string, string], [string, string]]>([
    ['another name', ['a', 'job="j"'], ['b', 'job="j"']],
    ['another value', ['a', 'job="j1"'], ['a', 'job="j2"']],
    ['name and value swapped', ['a', 'x="y"'], ['a', 'y="x"']],
    ['a boundary moved between the name and the labels', ['ab', 'c="d"'], ['a', 'bc="d"']],
    ['an empty value against no label at all', ['a', 'x=""'], ['a', '']],
    ['characters past Latin-1', ['a', 'l="Π"'], ['a', 'l="Ŕ"']],
    ['instance="" from the URL against none', ['a', 'instance="",job="j"'], ['a', 'job="j"']],
    ['an escaped quote against a backslash', ['a', 'l="\\""'], ['a', 'l="\\\\"']],
  ])('tells apart %s', (_why, [nameA, blockA], [nameB, blockB]) => {
    expect(hashOf(nameA, blockA)).not.toBe(hashOf(nameB, blockB));
  });

  test('depends only on the bytes of its range, not on the buffer they sit in', () => {
    const bytes = utf8.encode('job="j"');
    const elsewhere = utf8.encode('xxjob="j"yy');
    const seed = seriesSeed('a');
    expect(seriesHash(seed, bytes, 0, bytes.length)).toBe(seriesHash(seed, elsewhere, 2, 9));
    expect(seriesHash(seed, bytes, 0, bytes.length)).toBe(hashOf('a', 'job="j"'));
  });

  test('is an exact non-negative integer below 2^53, so a Map and a Float64Array keep it whole', () => {
    for (const [name, block] of [['', ''], ['a', 'job="j"'], ['x'.repeat(1000), `l="${'ü'.repeat(500)}"`]] as [string, string][]) {
      const hash = hashOf(name, block);
      expect(Number.isSafeInteger(hash)).toBe(true);
      expect(hash).toBeGreaterThanOrEqual(0);
      expect(new Float64Array([hash])[0]).toBe(hash);
    }
  });

  test('gives 200,000 similar series 200,000 different hashes', () => {
    // Fleet-like series differing in one short value: the case a weak hash would collapse.
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      seen.add(hashOf('http_requests_total', `instance="host-${i}",job="node"`));
      seen.add(hashOf('http_requests_total', `instance="",job="j${i}"`));
    }
    expect(seen.size).toBe(200_000);
  });
});
