// Draws pgbench results as two log–log SVG charts, hand-written (no dependencies):
// push-cpu-vs-groups.svg (server CPU per push against the groups in the store) and
// scrape-time-vs-series.svg (scrape p50, text and text+gzip, against the series in the store).
//
//   bun bench/plot.ts [--out DIR] FILE.json...        (DIR defaults to bench/results)
//   npm run bench:plot -- bench/results/*.json ../shared/pgbench/baseline/go-baseline*.json
//
// A point is the median over rounds per (file, server, scenario, groups). A server name found in more than one
// file is labelled `name (file)`, so runs made at different times (another machine load, another commit) are not
// joined into one line. Cases that did not finish (timeout, error) have no figures: the legend names them.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** One parsed pgbench JSON file; `name` (its file name without `.json`) tells apart servers of the same name. */
export interface Run {
  readonly name: string;
  readonly data: unknown;
}

/** One chart: the file name to write it under and its SVG text. */
export interface Plot {
  readonly file: string;
  readonly svg: string;
}

/** The parts of a pgbench result file used here (shared/pgbench/README.md describes the rest). */
interface RunData {
  readonly options: { readonly seriesPerGroup: number; readonly pushFreshKeys?: number };
  readonly results: readonly Result[];
}

interface Result {
  readonly scenario: string;
  readonly groups: number;
  readonly server: string;
  readonly status: string;
  readonly figures?: Readonly<Record<string, unknown>>;
}

/** A figure of one scenario drawn as one line per server, and where a case lies on the x axis. */
interface Measure {
  readonly scenario: string;
  readonly figure: string;
  readonly variant: string; // appended to the server's label
  readonly dashed: boolean; // also a hollow marker, so a line of one point still shows its variant
  readonly x: (groups: number, data: RunData) => number;
}

interface Chart {
  readonly file: string;
  readonly title: string;
  readonly subtitle: string;
  readonly xLabel: string;
  readonly xUnit: string;
  readonly yLabel: string;
  readonly measures: readonly Measure[];
}

interface Point {
  readonly x: number;
  readonly y: number;
}

/** One line: its median points and, at each x where no round finished, the status the case ended with. */
interface Series {
  readonly label: string;
  readonly colour: string;
  readonly dashed: boolean;
  readonly points: readonly Point[];
  readonly failures: ReadonlyMap<number, string>;
}

// G = 0 pushes cycle over `pushFreshKeys` new groups (100 by default): that is the store's size.
const pushStoreSize = (groups: number, data: RunData) => (groups === 0 ? (data.options.pushFreshKeys ?? 100) : groups);
const seriesInStore = (groups: number, data: RunData) => groups * data.options.seriesPerGroup;

const CHARTS: readonly Chart[] = [
  {
    file: 'push-cpu-vs-groups.svg',
    title: 'Server CPU per push against store size',
    subtitle: 'push scenario, median over rounds; G=0 (pushes cycling over a few new keys) is drawn at its key count',
    xLabel: 'groups in the store',
    xUnit: 'groups',
    yLabel: 'server CPU ms per push',
    measures: [{ scenario: 'push', figure: 'server_cpu_ms_per_push', variant: '', dashed: false, x: pushStoreSize }],
  },
  {
    file: 'scrape-time-vs-series.svg',
    title: 'Scrape time against series in the store',
    subtitle: 'p50 of GET /metrics, median over rounds; solid line, filled marker: text; dashed, hollow: text+gzip',
    xLabel: 'series in the store',
    xUnit: 'series',
    yLabel: 'scrape p50 ms',
    measures: [
      { scenario: 'scrape', figure: 'text_p50_ms', variant: ' text', dashed: false, x: seriesInStore },
      { scenario: 'scrape', figure: 'text_gzip_p50_ms', variant: ' text+gzip', dashed: true, x: seriesInStore },
    ],
  },
];

const WIDTH = 720;
const PLOT = { left: 76, right: WIDTH - 24, top: 58, bottom: 332 };
const LEGEND_TOP = PLOT.bottom + 58;
const LEGEND_ROW = 18;
const CHAR_WIDTH = 6.8; // mean width of a 12 px sans-serif character: enough to keep legend columns apart
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** The charts that have at least one point; throws when none has (wrong files, or every case failed). */
export function renderPlots(runs: readonly Run[]): Plot[] {
  const parsed = runs.map((run) => ({ run, data: runData(run) }));
  const label = labeller(parsed);
  const colours = new Map<string, string>();
  const colour = (server: string) => {
    if (!colours.has(server)) colours.set(server, PALETTE[colours.size % PALETTE.length]!);
    return colours.get(server)!;
  };
  const plots = CHARTS.flatMap((chart) => {
    const series = collect(parsed, chart.measures, label, colour);
    return series.some((s) => s.points.length > 0) ? [{ file: chart.file, svg: renderChart(chart, series) }] : [];
  });
  if (plots.length === 0) {
    throw new Error(`no plottable data: no finished push or scrape case in ${runs.map((r) => r.name).join(', ') || 'no files'}`);
  }
  return plots;
}

function runData(run: Run): RunData {
  const data = run.data as Partial<RunData> | null;
  if (!Array.isArray(data?.results) || typeof data.options?.seriesPerGroup !== 'number') {
    throw new Error(`${run.name}: not a pgbench result file (needs results[] and options.seriesPerGroup)`);
  }
  return data as RunData;
}

/** `name`, or `name (file)` when servers of that name come from more than one file. */
function labeller(parsed: readonly { run: Run; data: RunData }[]): (server: string, file: string) => string {
  const files = new Map<string, Set<string>>();
  for (const { run, data } of parsed) {
    for (const r of data.results) files.set(r.server, (files.get(r.server) ?? new Set()).add(run.name));
  }
  return (server, file) => ((files.get(server)?.size ?? 0) > 1 ? `${server} (${file})` : server);
}

/** One series per (server label, measure), in the order the results first name them. */
function collect(
  parsed: readonly { run: Run; data: RunData }[],
  measures: readonly Measure[],
  label: (server: string, file: string) => string,
  colour: (server: string) => string,
): Series[] {
  const lines = new Map<string, { server: string; measure: Measure; cases: Map<number, { values: number[]; statuses: Set<string> }> }>();
  for (const { run, data } of parsed) {
    for (const r of data.results) {
      for (const measure of measures) {
        if (r.scenario !== measure.scenario) continue;
        const server = label(r.server, run.name);
        const key = server + measure.variant;
        const line = lines.get(key) ?? { server, measure, cases: new Map() };
        lines.set(key, line);
        const x = measure.x(r.groups, data);
        const c = line.cases.get(x) ?? { values: [], statuses: new Set() };
        line.cases.set(x, c);
        const value = r.figures?.[measure.figure];
        if (r.status !== 'ok') c.statuses.add(r.status);
        else if (typeof value === 'number' && value > 0) c.values.push(value); // log scale: 0 has no place
      }
    }
  }
  const series = [...lines].map(([key, { server, measure, cases }]) => {
    const sorted = [...cases].sort(([a], [b]) => a - b);
    return {
      label: key,
      colour: colour(server),
      dashed: measure.dashed,
      points: sorted.filter(([, c]) => c.values.length > 0).map(([x, c]) => ({ x, y: median(c.values) })),
      failures: new Map(sorted.filter(([, c]) => c.values.length === 0 && c.statuses.size > 0).map(([x, c]) => [x, failureOf(c.statuses)])),
    };
  });
  return series.filter((s) => s.points.length > 0 || s.failures.size > 0); // an ok case without this figure says nothing
}

function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** pgbench marks a case `skipped` in the rounds after it timed out: the first round's status is the news. */
function failureOf(statuses: ReadonlySet<string>): string {
  const real = [...statuses].filter((s) => s !== 'skipped');
  return (real.length > 0 ? real : [...statuses]).join('/');
}

function renderChart(chart: Chart, series: readonly Series[]): string {
  const points = series.flatMap((s) => s.points);
  const xDecades = decades(points.map((p) => p.x));
  const yDecades = decades(points.map((p) => p.y));
  const xPx = (v: number) => place(v, xDecades, PLOT.left, PLOT.right);
  const yPx = (v: number) => place(v, yDecades, PLOT.bottom, PLOT.top); // larger values higher up
  const entries = series.map((s) => ({ ...s, text: s.label + failureNote(s.failures, chart.xUnit) }));
  const columnWidth = 36 + CHAR_WIDTH * Math.max(...entries.map((e) => e.text.length));
  const columns = Math.max(1, Math.min(entries.length, Math.floor((WIDTH - 2 * 24) / columnWidth)));
  const height = LEGEND_TOP + Math.ceil(entries.length / columns) * LEGEND_ROW + 8;
  const midX = (PLOT.left + PLOT.right) / 2;
  const midY = (PLOT.top + PLOT.bottom) / 2;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<text x="${WIDTH / 2}" y="42" text-anchor="middle" font-size="11" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  for (let e = xDecades[0]; e <= xDecades[1]; e++) {
    const x = px(xPx(10 ** e));
    out.push(`<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${PLOT.bottom}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${PLOT.bottom + 18}" text-anchor="middle">${escapeXml(count(10 ** e))}</text>`);
  }
  for (let e = yDecades[0]; e <= yDecades[1]; e++) {
    const y = px(yPx(10 ** e));
    out.push(`<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.right}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${y + 4}" text-anchor="end">${escapeXml(plain(10 ** e))}</text>`);
  }
  out.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${midX}" y="${PLOT.bottom + 40}" text-anchor="middle" font-size="13">${escapeXml(`${chart.xLabel} (log scale)`)}</text>`);
  out.push(`<text transform="rotate(-90)" x="${-midY}" y="20" text-anchor="middle" font-size="13">${escapeXml(`${chart.yLabel} (log scale)`)}</text>`);

  for (const s of series) {
    if (s.points.length === 0) continue;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const marker = markerStyle(s);
    out.push(`<polyline points="${s.points.map((p) => `${px(xPx(p.x))},${px(yPx(p.y))}`).join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    for (const p of s.points) {
      const tip = `${s.label}: ${count(p.x)} ${chart.xUnit}, ${plain(p.y)} ms`;
      out.push(`<circle cx="${px(xPx(p.x))}" cy="${px(yPx(p.y))}" r="3.5"${marker}><title>${escapeXml(tip)}</title></circle>`);
    }
  }

  entries.forEach((entry, i) => {
    const x = px(24 + (i % columns) * columnWidth);
    const y = LEGEND_TOP + Math.floor(i / columns) * LEGEND_ROW;
    const dash = entry.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${entry.colour}" stroke-width="2"${dash}/>`);
    out.push(`<circle cx="${x + 12}" cy="${y}" r="3.5"${markerStyle(entry)}/>`);
    out.push(`<text x="${x + 30}" y="${y + 4}">${escapeXml(entry.text)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function markerStyle(s: Series): string {
  return s.dashed ? ` fill="white" stroke="${s.colour}" stroke-width="1.5"` : ` fill="${s.colour}"`;
}

/** ` [timeout at 10k groups]`: what the chart leaves out for this line, so a missing point is not read as "no data". */
function failureNote(failures: ReadonlyMap<number, string>, unit: string): string {
  const byStatus = new Map<string, number[]>();
  for (const [x, status] of failures) byStatus.set(status, [...(byStatus.get(status) ?? []), x]);
  const notes = [...byStatus].map(([status, xs]) => `${status} at ${xs.map(count).join(', ')} ${unit}`);
  return notes.length > 0 ? ` [${notes.join('; ')}]` : '';
}

/** The powers of ten (as exponents) that enclose the values, at least one decade apart. */
function decades(values: readonly number[]): [number, number] {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  return [lo, Math.max(hi, lo + 1)];
}

function place(value: number, [lo, hi]: [number, number], from: number, to: number): number {
  return from + ((Math.log10(value) - lo) / (hi - lo)) * (to - from);
}

const px = (v: number) => Math.round(v * 10) / 10;
const plain = (v: number) => String(Number(v.toPrecision(3)));

/** 100, 1k, 60k, 1.2M: store sizes as people say them. */
function count(v: number): string {
  if (v >= 1e6) return `${plain(v / 1e6)}M`;
  if (v >= 1e3) return `${plain(v / 1e3)}k`;
  return plain(v);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}

async function readRun(file: string): Promise<Run> {
  try {
    return { name: basename(file, '.json'), data: await Bun.file(file).json() };
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`); // Bun's JSON errors do not name the file
  }
}

if (import.meta.main) {
  const args = Bun.argv.slice(2);
  const outDir = takeOption(args, 'out') ?? join(import.meta.dir, 'results');
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown !== undefined) throw new Error(`unknown option ${unknown}; usage: bun bench/plot.ts [--out DIR] FILE.json...`);
  if (args.length === 0) throw new Error('usage: bun bench/plot.ts [--out DIR] FILE.json...');
  const runs = await Promise.all(args.map(readRun));
  await mkdir(outDir, { recursive: true });
  for (const plot of renderPlots(runs)) {
    const path = join(outDir, plot.file);
    await Bun.write(path, plot.svg);
    console.log(`wrote ${path}`);
  }
}
