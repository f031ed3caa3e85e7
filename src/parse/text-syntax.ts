// The byte-level vocabulary of the text format: delimiters, name characters, blanks and type words.

import type { MetricType } from '../model/metric.ts';

// The bytes a stored line is made of are the text format's own: named once, in stored/line-bytes.ts.
import { SPACE } from '../stored/line-bytes.ts';
export { BACKSLASH, BRACE_CLOSE, BRACE_OPEN, COMMA, EQUALS, LETTER_N, NEWLINE, QUOTE, SPACE } from '../stored/line-bytes.ts';
export const TAB = 0x09;
export const HASH = 0x23;

/** NAME_CLASS bits: a byte that may start a label name / continue one / start a metric name / continue one. */
export const LABEL_START = 1;
export const LABEL_REST = 2;
export const METRIC_START = 4;
export const METRIC_REST = 8;

/**
 * Name classes by byte: `[a-zA-Z_]` may start either name, digits only continue one, and ':' belongs to
 * metric names only (SPEC §4.3). A table lookup instead of range tests, since every name byte passes here.
 */
export const NAME_CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const letter = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f;
  const digit = b >= 0x30 && b <= 0x39;
  NAME_CLASS[b] =
    (letter ? LABEL_START | LABEL_REST | METRIC_START | METRIC_REST : 0) |
    (digit ? LABEL_REST | METRIC_REST : 0) |
    (b === 0x3a ? METRIC_START | METRIC_REST : 0);
}

/** Space and tab separate tokens; nothing else does (not \r, not other Unicode blanks). */
export function isBlank(b: number): boolean {
  return b === SPACE || b === TAB;
}

/** The first index at or after `start` that is not a blank, or `end`. */
export function skipBlanks(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
  return i;
}

/** True if `byte` occurs in `buf[start, end)`. Bounded by `end`, unlike Uint8Array.indexOf, which would scan the rest of a large chunk. */
export function contains(buf: Uint8Array, start: number, end: number, byte: number): boolean {
  for (let i = start; i < end; i++) {
    if (buf[i] === byte) return true;
  }
  return false;
}

/** True if the bytes at `start` spell the ASCII `word`; the caller has checked that they are long enough. */
export function matches(buf: Uint8Array, start: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if (buf[start + k] !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The type a `# TYPE` word names, or undefined. Go upper-cases the word with strings.ToUpper and looks
 * it up among the protobuf enum names, so any case works, `gauge_histogram` is a type, and since
 * Unicode upper-casing turns 'ı' (U+0131) into 'I' and 'ſ' (U+017F) into 'S', 1.5.1 accepts `ſummary`
 * (nothing else non-ASCII upper-cases into ASCII).
 */
export function metricTypeOf(word: string): MetricType | undefined {
  // Fast path: the spelling every client sends.
  switch (word) {
    case 'counter': return 'counter';
    case 'gauge': return 'gauge';
    case 'summary': return 'summary';
    case 'untyped': return 'untyped';
    case 'histogram': return 'histogram';
  }
  const upper = word.replace(/[a-z\u0131\u017f]/g, (c) => (c === '\u0131' ? 'I' : c === '\u017f' ? 'S' : c.toUpperCase()));
  switch (upper) {
    case 'COUNTER': return 'counter';
    case 'GAUGE': return 'gauge';
    case 'SUMMARY': return 'summary';
    case 'UNTYPED': return 'untyped';
    case 'HISTOGRAM': return 'histogram';
    case 'GAUGE_HISTOGRAM': return 'gaugehistogram';
    default: return undefined;
  }
}
