// Seeded mutations of push bodies for the fuzz suite: byte flips, cuts, splices and hostile tokens over valid seeds.
import { COUNTER, HISTOGRAM, NATIVE_HISTOGRAM, SUMMARY } from './protobuf-families.ts';
import { delimited } from './metrics-proto.ts';

/** A random source in [0, 1) (seededRandom), so that every input can be replayed from its seed. */
export type Random = () => number;

const utf8 = new TextEncoder();

/** An integer in [0, n). */
export function below(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** One element of `items`, chosen by `random`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[below(random, items.length)]!;
}

/**
 * Valid text bodies the mutations start from: every metric type, escapes in HELP and label values,
 * special floats, comments, and a series that a grouping label overrides.
 */
export const TEXT_SEEDS: readonly Uint8Array[] = [
  '# HELP fz_c A counter.\n# TYPE fz_c counter\nfz_c{a="1"} 3\nfz_c{a="2"} 4\n',
  '# TYPE fz_g gauge\nfz_g -1.5e-7\nfz_g{esc="q\\"b\\\\n\\n"} +Inf\n',
  '# TYPE fz_s summary\nfz_s{quantile="0.5"} 1\nfz_s{quantile="0.99"} 2\nfz_s_sum 10\nfz_s_count 4\n',
  '# TYPE fz_h histogram\nfz_h_bucket{le="0.5"} 1\nfz_h_bucket{le="+Inf"} 3\nfz_h_sum 2.5\nfz_h_count 3\n',
  '# HELP fz_u untyped with \\\\ and \\n\nfz_u{job="other",instance="i"} NaN\n# EOF\nfz_v 1e+06\n',
  'fz_plain 1\n',
].map((text) => utf8.encode(text));

/** Valid delimited protobuf bodies: the shared fixtures, alone and together. */
export const PROTOBUF_SEEDS: readonly Uint8Array[] = [
  delimited(COUNTER),
  delimited(SUMMARY, HISTOGRAM),
  delimited(NATIVE_HISTOGRAM),
  delimited(COUNTER, SUMMARY, HISTOGRAM, NATIVE_HISTOGRAM),
];

/**
 * Byte strings that break parsers when dropped into a body: numbers at and past every limit, the
 * text format's own syntax characters, NUL, and invalid UTF-8 (a lone continuation byte, an overlong
 * form, a surrogate, a cut multi-byte character, 0xFF).
 */
const HOSTILE_TOKENS: readonly Uint8Array[] = [
  '1e309', '-1e309', '4.9e-325', '18446744073709551616', '-9223372036854775809', '9007199254740993',
  '0x1p3', '1_000', 'Inf', '-inf', 'nan', '+NaN', '1'.repeat(400), '0.' + '0'.repeat(400) + '1',
  '{', '}', '"', '\\', '=', ',', '#', ' ', '\t', '\n', '\r', '\r\n', '# TYPE ', '# HELP ', 'le', 'quantile',
  '\0', '__name__', 'job', 'instance',
].map((text) => utf8.encode(text)).concat([
  [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xff], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbf, 0xbd],
].map((bytes) => Uint8Array.from(bytes)));

/** Protobuf wire fragments: over-long and maximal varints, wrong wire types, lengths past the end. */
const WIRE_TOKENS: readonly Uint8Array[] = [
  [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
  [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x0a, 0x7f], [0x12, 0xff, 0xff, 0x03],
  [0x18, 0x07], [0x1b], [0x1c], [0x0f], [0x00], [0x22, 0x00], [0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
  [0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f], [0x30, 0x01],
].map((bytes) => Uint8Array.from(bytes));

/** A text line whose sample has `count` labels (`fz_wide{l0="v",l1="v",…} 1`), e.g. 10 000. */
export function manyLabelsLine(count: number): Uint8Array {
  const pairs = Array.from({ length: count }, (_, i) => `l${i}="v"`).join(',');
  return utf8.encode(`fz_wide{${pairs}} 1\n`);
}

/** A text line with one label value of `bytes` bytes (`x` repeated), e.g. a megabyte. */
export function bigValueLine(bytes: number): Uint8Array {
  return utf8.encode(`fz_big{l="${'x'.repeat(bytes)}"} 1\n`);
}

/** `count` copies of one series: a body the store refuses with one problem per copy. */
export function duplicateLines(count: number): Uint8Array {
  return utf8.encode('fz_dup 1\n'.repeat(count));
}

/** `bytes` joined. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The body format a mutation is for: which seeds and tokens fit it. */
export type BodyFormat = 'text' | 'protobuf';

/**
 * `body` changed by one to three random mutations (kept small so most of the body stays valid and the
 * parser gets deep): byte set, bit flip, cut, insertion of a hostile token, splice with another seed,
 * duplication or removal of a range. Never grows the body by more than ~1 KB per mutation.
 */
export function mutate(random: Random, body: Uint8Array, format: BodyFormat): Uint8Array {
  let out = body;
  const rounds = 1 + below(random, 3);
  for (let r = 0; r < rounds; r++) out = mutateOnce(random, out, format);
  return out;
}

function mutateOnce(random: Random, body: Uint8Array, format: BodyFormat): Uint8Array {
  const at = below(random, body.length + 1);
  const seeds = format === 'text' ? TEXT_SEEDS : PROTOBUF_SEEDS;
  const tokens = format === 'text' ? HOSTILE_TOKENS : random() < 0.5 ? WIRE_TOKENS : HOSTILE_TOKENS;
  switch (below(random, 7)) {
    case 0: {
      // Any byte value at one place.
      const out = body.slice();
      if (at < out.length) out[at] = below(random, 256);
      return out;
    }
    case 1: {
      const out = body.slice();
      if (at < out.length) out[at]! ^= 1 << below(random, 8);
      return out;
    }
    case 2:
      return body.subarray(0, at);
    case 3:
      return concat(body.subarray(0, at), pick(random, tokens), body.subarray(at));
    case 4: {
      // Splice: this body's head with another seed's tail (for protobuf, often mid-message).
      const other = pick(random, seeds);
      return concat(body.subarray(0, at), other.subarray(below(random, other.length + 1)));
    }
    case 5: {
      const end = Math.min(body.length, at + below(random, 64));
      return concat(body.subarray(0, end), body.subarray(at, end), body.subarray(end));
    }
    default: {
      const end = Math.min(body.length, at + below(random, 16));
      return concat(body.subarray(0, at), body.subarray(end));
    }
  }
}

/** A random seed of `format`, mutated (or, one time in eight, left valid so that pushes also succeed). */
export function mutatedBody(random: Random, format: BodyFormat): Uint8Array {
  const seed = pick(random, format === 'text' ? TEXT_SEEDS : PROTOBUF_SEEDS);
  return random() < 0.125 ? seed : mutate(random, seed, format);
}

/** Shows an input in a failure message: printable ASCII as is, everything else as \xHH, cut at `limit` bytes. */
export function showBytes(bytes: Uint8Array, limit = 300): string {
  let out = '';
  for (const byte of bytes.subarray(0, limit)) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return bytes.length > limit ? `${out}… (${bytes.length} bytes)` : out;
}

/**
 * A fuzz body of `format`: mostly a mutated seed (mutatedBody); with probability `extremeRate` a
 * structural extreme instead — 10 000 labels on one series, a label value within 20 bytes of 1 MiB (the
 * default line limit), 20 000 copies of one series, or for protobuf a seed mutated once more. Extremes
 * cost ~100 ms each to parse, hence a rate the caller sizes to its time budget.
 */
export function hostileBody(random: Random, format: BodyFormat, extremeRate: number): Uint8Array {
  if (random() >= extremeRate) return mutatedBody(random, format);
  if (format === 'protobuf') return mutate(random, pick(random, PROTOBUF_SEEDS), 'protobuf');
  switch (below(random, 3)) {
    case 0:
      return manyLabelsLine(10_000);
    case 1:
      return bigValueLine(2 ** 20 - 20 + below(random, 40));
    default:
      return duplicateLines(20_000);
  }
}

/** Up to three sorted offsets in [0, length] at which to cut a body into chunks. */
export function randomCuts(random: Random, length: number): number[] {
  return Array.from({ length: below(random, 4) }, () => below(random, length + 1)).sort((a, b) => a - b);
}
