// Go's name escaping schemes (model.EscapeName, UnescapeName) and what a UTF-8 family is.
import { describe, expect, test } from 'bun:test';
import { type NameEscaping, escapeFamily, escapeName, unescapeValuesName } from '../../src/model/name-escaping.ts';
import { hasUtf8Names } from '../../src/model/names.ts';

// [name, underscores, dots, values], from Go's metric_test.go cases and SPEC §6.2.
const ESCAPES: [string, string, string, string][] = [
  ['some.metric', 'some_metric', 'some_dot_metric', 'U__some_2e_metric'],
  ['mysystem.prod.west.cpu.load_total', 'mysystem_prod_west_cpu_load_total', 'mysystem_dot_prod_dot_west_dot_cpu_dot_load__total', 'U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total'],
  ['label with 😱', 'label_with__', 'label__with____', 'U__label_20_with_20__1f631_'],
  ['1leading', '_leading', '__leading', 'U___31_leading'],
  ['Πi', '_i', '__i', 'U___3a0_i'],
  // Legacy-valid names stay as they are in every scheme, `dots` too (Go escapes only invalid names).
  ['http_requests_total', 'http_requests_total', 'http_requests_total', 'http_requests_total'],
  ['a:b', 'a:b', 'a:b', 'a:b'],
];

describe('escapeName', () => {
  test.each(ESCAPES)('%s', (name, underscores, dots, values) => {
    expect(escapeName(name, 'underscores')).toBe(underscores);
    expect(escapeName(name, 'dots')).toBe(dots);
    expect(escapeName(name, 'values')).toBe(values);
    expect(escapeName(name, 'allow-utf-8')).toBe(name);
  });

  test('unescaping the values scheme gives the name back', () => {
    for (const [name, , , values] of ESCAPES) expect(unescapeValuesName(values)).toBe(name);
  });
});

describe('unescapeValuesName', () => {
  test.each([
    ['U__foo_2e_bar', 'foo.bar'],
    ['U__a__b', 'a_b'],
    ['U__x_1F631_', 'x😱'],
    ['plain', 'plain'],
    // Malformed: the name as sent.
    ['U__a_2e', 'U__a_2e'],
    ['U__a_', 'U__a_'],
    ['U__a_zz_', 'U__a_zz_'],
    ['U__a_1234567_', 'U__a_1234567_'],
    ['U__a_110000_', 'U__a_110000_'],
    ['U__a_dfff_', 'U__a_dfff_'],
  ])('%s → %s', (escaped, name) => {
    expect(unescapeValuesName(escaped)).toBe(name);
  });
});

describe('escapeFamily and hasUtf8Names', () => {
  const family = {
    name: 'm.x', help: 'h', type: 'gauge' as const,
    metrics: [{ labels: ['a.b', '1', 'job', 'j'], value: 1 }, { labels: ['job', 'k'], value: 2 }],
  };

  test('escapes the family name and label names, sharing series that need nothing', () => {
    const escaped = escapeFamily(family, 'underscores');
    expect(escaped.name).toBe('m_x');
    expect(escaped.metrics[0]!.labels).toEqual(['a_b', '1', 'job', 'j']);
    expect(escaped.metrics[1]).toBe(family.metrics[1]!);
    expect(family.metrics[0]!.labels).toEqual(['a.b', '1', 'job', 'j']);
    expect(escapeFamily(family, 'allow-utf-8')).toBe(family);
  });

  test.each<[string, string[], boolean]>([
    ['m', ['a', '1'], false],
    ['m.x', ['a', '1'], true],
    ['m', ['a.b', '1'], true],
    // A colon is legacy in metric names only.
    ['m:x', ['a', '1'], false],
    ['m', ['a:b', '1'], true],
  ])('hasUtf8Names(%s %j) is %s', (name, labels, expected) => {
    expect(hasUtf8Names({ name, help: undefined, type: 'untyped', metrics: [{ labels, value: 1 }] })).toBe(expected);
  });

  test('every scheme is covered', () => {
    const schemes: NameEscaping[] = ['allow-utf-8', 'underscores', 'dots', 'values'];
    expect(schemes.map((s) => escapeName('a.b', s))).toEqual(['a.b', 'a_b', 'a_dot_b', 'U__a_2e_b']);
  });
});
