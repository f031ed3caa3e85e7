// bench/plot.ts on two small synthetic pgbench files: well-formed SVG, one line per series, larger values drawn
// higher and further right, failed cases named in the legend but never drawn.
import { describe, expect, test } from 'bun:test';
import { type Plot, type Run, renderPlots } from '../../bench/plot.ts';

const options = { seriesPerGroup: 60, pushFreshKeys: 100 };

const push = (round: number, server: string, groups: number, cpu: number, status = 'ok') => ({
  round, scenario: 'push', groups, server, status, figures: { server_cpu_ms_per_push: cpu, pushes_per_s: 1000 / cpu },
});
const scrape = (round: number, server: string, groups: number, text: number, gzip: number, status = 'ok') => ({
  round, scenario: 'scrape', groups, server, status, figures: { text_p50_ms: text, text_gzip_p50_ms: gzip },
});

// `go` is in both files (so labelled by file), `ts` only in the first. The timeouts carry a figure on purpose:
// a plotter that ignored the status would draw it.
const RUNS: Run[] = [
  {
    name: 'compare',
    data: {
      options,
      results: [
        push(1, 'ts', 0, 0.2), push(2, 'ts', 0, 0.3), push(1, 'ts', 1000, 0.4),
        push(1, 'go', 0, 5), push(1, 'go', 1000, 100), push(1, 'go', 10000, 999, 'timeout'), push(2, 'go', 10000, 999, 'skipped'),
        scrape(1, 'ts', 1000, 10, 3), scrape(1, 'ts', 10000, 150, 15),
        scrape(1, 'go', 1000, 200, 250), scrape(1, 'go', 10000, 9999, 9999, 'timeout'),
        { round: 1, scenario: 'memory', groups: 1000, server: 'ts', status: 'ok', figures: { rss_populated_MiB: 80 } },
      ],
    },
  },
  { name: 'baseline', data: { options, results: [push(1, 'go', 0, 6)] } },
];

function plotNamed(plots: Plot[], file: string): string {
  const plot = plots.find((p) => p.file === file);
  if (plot === undefined) throw new Error(`no ${file} among ${plots.map((p) => p.file).join(', ')}`);
  return plot.svg;
}

/** Throws unless every tag is closed in order and no text holds a raw `<` or a bare `&`. */
function checkWellFormed(svg: string): void {
  const open: string[] = [];
  for (const [tag, close, name, selfClose] of svg.matchAll(/<(\/?)([a-z]+)\b[^<>]*?(\/?)>/g)) {
    if (selfClose) continue;
    if (!close) open.push(name!);
    else if (open.pop() !== name) throw new Error(`unbalanced ${tag}`);
  }
  expect(open).toEqual([]);
  const text = svg.replace(/<[^<>]*>/g, '');
  expect(text).not.toContain('<');
  expect(text).not.toMatch(/&(?!#\d+;|[a-z]+;)/);
}

/** Each marker's pixel position and the value its tooltip states (`label: 1k groups, 0.4 ms`). */
function markers(svg: string): { label: string; cx: number; cy: number; x: string; y: number }[] {
  return [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>(.*?): (\S+) \w+, ([\d.]+) ms<\/title>/g)].map(
    ([, cx, cy, label, x, y]) => ({ label: label!, cx: Number(cx), cy: Number(cy), x: x!, y: Number(y) }),
  );
}

const SIZE = { '100': 100, '1k': 1e3, '10k': 1e4, '60k': 6e4, '600k': 6e5 } as Record<string, number>;

describe('renderPlots', () => {
  const plots = renderPlots(RUNS);
  const pushSvg = plotNamed(plots, 'push-cpu-vs-groups.svg');
  const scrapeSvg = plotNamed(plots, 'scrape-time-vs-series.svg');

  test('writes two standalone, well-formed SVG documents', () => {
    expect(plots.map((p) => p.file)).toEqual(['push-cpu-vs-groups.svg', 'scrape-time-vs-series.svg']);
    for (const svg of [pushSvg, scrapeSvg]) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      checkWellFormed(svg);
    }
  });

  test('labels a server by file only when its name comes from several files', () => {
    for (const label of ['ts', 'go (compare)', 'go (baseline)']) expect(pushSvg).toContain(`>${label}`);
    expect(pushSvg).not.toContain('ts (compare)');
    for (const label of ['ts text', 'ts text+gzip', 'go (compare) text', 'go (compare) text+gzip']) expect(scrapeSvg).toContain(`>${label}`);
  });

  test('draws one line per series, G=0 at the small store size and series = groups × seriesPerGroup', () => {
    expect(pushSvg.match(/<polyline /g)?.length).toBe(3);
    expect(scrapeSvg.match(/<polyline /g)?.length).toBe(4);
    expect(markers(pushSvg).filter((m) => m.label === 'ts')).toEqual([
      expect.objectContaining({ x: '100', y: 0.25 }), // median of the two rounds
      expect.objectContaining({ x: '1k', y: 0.4 }),
    ]);
    expect(markers(scrapeSvg).filter((m) => m.label === 'ts text').map((m) => m.x)).toEqual(['60k', '600k']);
  });

  test('places larger values higher up and further right (log scales)', () => {
    for (const svg of [pushSvg, scrapeSvg]) {
      const all = markers(svg);
      expect(all.length).toBeGreaterThan(4);
      for (const a of all) {
        for (const b of all) {
          if (a.y > b.y) expect(a.cy).toBeLessThan(b.cy);
          if (SIZE[a.x]! > SIZE[b.x]!) expect(a.cx).toBeGreaterThan(b.cx);
        }
      }
    }
  });

  test('leaves out cases that did not finish and names them in the legend', () => {
    expect(markers(pushSvg).some((m) => m.x === '10k' || m.y === 999)).toBe(false);
    expect(pushSvg).toContain('go (compare) [timeout at 10k groups]');
    expect(markers(scrapeSvg).some((m) => m.x === '600k' && m.label.startsWith('go'))).toBe(false);
    expect(scrapeSvg).toContain('go (compare) text [timeout at 600k series]');
  });

  test('throws when nothing can be plotted', () => {
    const failedOnly: Run = { name: 'failed', data: { options, results: [push(1, 'go', 10000, 999, 'timeout')] } };
    expect(() => renderPlots([failedOnly])).toThrow(/no plottable data/);
    expect(() => renderPlots([{ name: 'other', data: { rows: [] } }])).toThrow(/other: not a pgbench result file/);
  });
});
