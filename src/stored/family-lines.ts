// A stored family's text lines read back: its series, or only their identity hashes.
import type { Labels, Metric, MetricType } from '../model/metric.ts';
import { parseGoFloat } from '../model/parse-float.ts';
import { seriesHash, seriesSeed } from '../model/series-hash.ts';
import { TokenStrings, hashStep } from '../model/token-strings.ts';
import { BACKSLASH, BRACE_OPEN, COMMA, EQUALS, LETTER_N, NEWLINE, QUOTE, SPACE } from './line-bytes.ts';

// Strings through the parsers' intern table: a family's lines repeat their label names and most values,
// and a string per occurrence (TextDecoder on a subarray) made this reader slower than the text parser.
const strings = new TokenStrings();

/**
 * One line of stored text, cut into its parts: `name{labels} value`, with the label block
 * `[labelsStart, labelsEnd)` (without braces; empty when the line has none) and, on quantile and bucket
 * lines, where the series' own labels end before the trailing bound label (`seriesEnd`).
 */
interface Line {
  nameEnd: number;
  labelsStart: number;
  labelsEnd: number;
  /** End of the series' labels: labelsEnd, or the comma before the last label (`le`/`quantile`). */
  seriesEnd: number;
  valueStart: number;
  end: number;
}

/**
 * Scans the line starting at `start`. Stored lines are the gateway's own writing (encodeFamilyText or the
 * parser's fast path, both producing SPEC §6.2 lines with sorted labels and the bound label last), so
 * this trusts their shape and checks nothing: a label value may hold any byte but an unescaped quote.
 */
function scanLine(text: Uint8Array, start: number, line: Line): void {
  let i = start;
  while (text[i] !== BRACE_OPEN && text[i] !== SPACE) i++;
  line.nameEnd = i;
  if (text[i] === BRACE_OPEN) {
    line.labelsStart = ++i;
    let lastComma = -1;
    // Each pair is `name="value"`; after the closing quote comes `,` or `}`.
    for (;;) {
      while (text[i] !== QUOTE) i++;
      i++;
      while (text[i] !== QUOTE) i += text[i] === BACKSLASH ? 2 : 1;
      i++;
      if (text[i] !== COMMA) break;
      lastComma = i++;
    }
    line.labelsEnd = i;
    line.seriesEnd = lastComma;
    i += 2; // `} `
  } else {
    line.labelsStart = line.labelsEnd = line.seriesEnd = i;
    i++;
  }
  line.valueStart = i;
  while (text[i] !== NEWLINE) i++;
  line.end = i;
}

/**
 * The identity hash of each series of a stored family, in order, from its label bytes exactly as the
 * encoder hashed them (model/series-hash.ts): a plain line's label block, or the block of a summary's
 * or histogram's `_count` line, which ends each of its series.
 */
export function seriesHashesOfLines(name: string, type: MetricType, text: Uint8Array): Float64Array {
  const seed = seriesSeed(name);
  const plain = type !== 'summary' && type !== 'histogram' && type !== 'gaugehistogram';
  const countName = plain ? '' : name + '_count';
  const hashes: number[] = [];
  const line = newLine();
  for (let at = 0; at < text.length; at = line.end + 1) {
    scanLine(text, at, line);
    if (!plain && !isName(text, at, line.nameEnd, countName)) continue;
    hashes.push(seriesHash(seed, text, line.labelsStart, line.labelsEnd));
  }
  return Float64Array.from(hashes);
}

/**
 * Reads the series of one stored family back, as the text parser would give them for the same lines:
 * labels in line order (sorted), a summary's quantiles and a histogram's buckets in line order, then
 * sum and count. Exact when the store kept the family as text only (its encoding was lossless).
 */
export function decodeFamilyLines(name: string, type: MetricType, text: Uint8Array): Metric[] {
  const metrics: Metric[] = [];
  const line = newLine();
  const sumName = name + '_sum';
  const countName = name + '_count';
  const bucketName = name + '_bucket';
  let open: Metric | undefined;
  for (let at = 0; at < text.length; at = line.end + 1) {
    scanLine(text, at, line);
    const value = readFloat(text, line.valueStart, line.end);
    if (type === 'summary' || type === 'histogram' || type === 'gaugehistogram') {
      if (isName(text, at, line.nameEnd, sumName)) {
        open ??= startSeries(type, readLabels(text, line.labelsStart, line.labelsEnd), metrics);
        open.sum = value;
      } else if (isName(text, at, line.nameEnd, countName)) {
        open ??= startSeries(type, readLabels(text, line.labelsStart, line.labelsEnd), metrics);
        open.count = value;
        open = undefined;
      } else {
        const seriesEnd = line.seriesEnd < 0 ? line.labelsStart : line.seriesEnd;
        open ??= startSeries(type, readLabels(text, line.labelsStart, seriesEnd), metrics);
        const bound = readFloat(text, lastValueStart(text, line.labelsEnd), line.labelsEnd - 1);
        if (type === 'summary') open.quantiles!.push({ quantile: bound, value });
        else if (isName(text, at, line.nameEnd, bucketName)) open.buckets!.push({ upperBound: bound, cumulativeCount: value });
      }
    } else {
      metrics.push({ labels: readLabels(text, line.labelsStart, line.labelsEnd), value });
    }
  }
  return metrics;
}

function newLine(): Line {
  return { nameEnd: 0, labelsStart: 0, labelsEnd: 0, seriesEnd: -1, valueStart: 0, end: 0 };
}

function startSeries(type: MetricType, labels: Labels, metrics: Metric[]): Metric {
  const metric: Metric = type === 'summary' ? { labels, quantiles: [] } : { labels, buckets: [] };
  metrics.push(metric);
  return metric;
}

function isName(text: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (text[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** Where the value of the last label in a block ending at `labelsEnd` (its closing quote) starts. */
function lastValueStart(text: Uint8Array, labelsEnd: number): number {
  // A bound (`le`/`quantile`) is a formatted float: no quote or backslash inside it.
  let i = labelsEnd - 2;
  while (text[i] !== QUOTE) i--;
  return i + 1;
}

/** The label pairs of block `[start, end)`, unescaped. */
function readLabels(text: Uint8Array, start: number, end: number): Labels {
  const labels: Labels = [];
  let i = start;
  while (i < end) {
    // Label names are ASCII (the store refuses others).
    const nameStart = i;
    let hash = 0;
    for (let b = text[i]!; b !== EQUALS; b = text[++i]!) hash = hashStep(hash, b);
    labels.push(strings.ascii(text, nameStart, i, hash));
    const valueStart = i + 2;
    let escaped = false;
    let highBits = 0;
    hash = 0;
    i = valueStart;
    for (let b = text[i]!; b !== QUOTE; b = text[++i]!) {
      if (b === BACKSLASH) {
        escaped = true;
        i++;
      }
      highBits |= b;
      hash = hashStep(hash, b);
    }
    if (escaped) labels.push(unescapeLabelValue(strings.utf8(text, valueStart, i)));
    else labels.push(highBits < 0x80 ? strings.ascii(text, valueStart, i, hash) : strings.utf8(text, valueStart, i));
    i += 2; // `",`
  }
  return labels;
}

function unescapeLabelValue(raw: string): string {
  return raw.replace(/\\(.)/g, (_, char: string) => (char.charCodeAt(0) === LETTER_N ? '\n' : char));
}

/** A value or bound as Go's formatter writes it (a decimal or exponent number, `NaN`, `+Inf`, `-Inf`), which always parses. */
function readFloat(text: Uint8Array, start: number, end: number): number {
  return parseGoFloat(text, start, end)!;
}
