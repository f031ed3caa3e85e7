// Stored lines read back: the same series as the text parser gives, and the same hashes as the encoder made.
import { describe, expect, test } from 'bun:test';
import type { Metric, MetricType } from '../../src/model/metric.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { decodeFamilyLines, seriesHashesOfLines } from '../../src/stored/family-lines.ts';

/** Bodies with every shape a stored family can have; each family is encoded, then read back. */
const BODIES: Record<string, string> = {
  'plain values without labels': 'a 1\nb -2.5e-07\nc NaN\nd +Inf\ne -Inf\nf 1e+21\n',
  'labels, escapes and UTF-8': 'g{a="x",b="q\\"uo\\\\te",c="new\\nline",d="ünï}{,=",e=""} 3\n',
  // A leading BOM is a character of the value, as in Go: not a byte-order mark to drop.
  'a value starting with a BOM': 'bom{a="\ufeffx"} 1\nbom{a="\ufeff\\"y"} 2\n',
  'untyped and gauge series': '# TYPE u untyped\nu{x="1"} 1\nu{x="2"} 2\n# TYPE g gauge\ng 0.1\n',
  'summary with and without labels': '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.99"} 2\ns_sum 3\ns_count 4\n' +
    's{a="1",quantile="0.5"} 5\ns_sum{a="1"} 6\ns_count{a="1"} 7\ns_sum{a="2"} 8\ns_count{a="2"} 9\n',
  'histogram with and without labels': '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n' +
    'h_bucket{a="z\\"}",le="1"} 4\nh_bucket{a="z\\"}",le="+Inf"} 5\nh_sum{a="z\\"}"} 6\nh_count{a="z\\"}"} 5\n',
  'a histogram named like a suffix': '# TYPE x_count histogram\nx_count_bucket{le="+Inf"} 1\nx_count_sum 1\nx_count_count 1\n',
};

describe('stored family lines', () => {
  for (const [what, body] of Object.entries(BODIES)) {
    test(`${what}: decoded as the text parser reads them, hashed as the encoder did`, () => {
      const families = parseText(body);
      expect(families.length).toBeGreaterThan(0);
      for (const family of families) {
        for (const metric of family.metrics) metric.labels = sortPairs(metric.labels);
        const encoding = encodeFamilyText(family);
        expect(encoding.lossless).toBe(true);
        expect(decodeFamilyLines(family.name, family.type, encoding.text)).toEqual(parsedBack(family.name, family.type, encoding.text));
        expect(decodeFamilyLines(family.name, family.type, encoding.text)).toEqual(family.metrics);
        expect([...seriesHashesOfLines(family.name, family.type, encoding.text)]).toEqual([...encoding.seriesHashes]);
      }
    });
  }

  test('a gauge histogram is read as the histogram its lines are', () => {
    const text = new TextEncoder().encode('gh_bucket{job="j",le="1"} 1\ngh_bucket{job="j",le="+Inf"} 2\ngh_sum{job="j"} 3\ngh_count{job="j"} 2\n');
    expect(decodeFamilyLines('gh', 'gaugehistogram', text)).toEqual(decodeFamilyLines('gh', 'histogram', text));
    expect([...seriesHashesOfLines('gh', 'gaugehistogram', text)]).toEqual([...seriesHashesOfLines('gh', 'histogram', text)]);
  });
});

/** The series the text parser reads from the family's TYPE line followed by its stored lines. */
function parsedBack(name: string, type: MetricType, text: Uint8Array): Metric[] {
  const body = `# TYPE ${name} ${type}\n${new TextDecoder().decode(text)}`;
  return parseText(body).find((family) => family.name === name)?.metrics ?? [];
}

function sortPairs(labels: string[]): string[] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push([labels[i]!, labels[i + 1]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return pairs.flat();
}
