// The HELP/TYPE lines of a family in a text scrape: expectations printed by Go's expfmt.MetricFamilyToText (prometheus/common 0.39).
import { describe, expect, test } from 'bun:test';
import type { MetricType } from '../../src/model/metric.ts';
import { renderFamilyHeader } from '../../src/render/family-header.ts';

describe('renderFamilyHeader', () => {
  // [what it shows, name, help, type, Go's header lines]
  const headers: [string, string, string | undefined, MetricType, string][] = [
    ['no HELP line without help', 'aa', undefined, 'untyped', '# TYPE aa untyped\n'],
    ['HELP then TYPE', 'm1', 'help one', 'counter', '# HELP m1 help one\n# TYPE m1 counter\n'],
    ['HELP escapes backslash and newline but not quotes', 'm1', 'a \\ b\nc "q"', 'counter', '# HELP m1 a \\\\ b\\nc "q"\n# TYPE m1 counter\n'],
    ['an empty help still prints a HELP line', 'g', '', 'gauge', '# HELP g \n# TYPE g gauge\n'],
    ['summary', 's', undefined, 'summary', '# TYPE s summary\n'],
    ['histogram', 'h', undefined, 'histogram', '# TYPE h histogram\n'],
    ['a gauge histogram is announced as histogram', 'gh', undefined, 'gaugehistogram', '# TYPE gh histogram\n'],
  ];

  test.each(headers)('%s', (_, name, help, type, expected) => {
    expect(renderFamilyHeader(name, help, type)).toBe(expected);
  });
});
