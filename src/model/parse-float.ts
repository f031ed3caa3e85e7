// Number syntax of the text format, straight from bytes: Go's ParseFloat and ParseInt, and Go's float→uint64 cast.

const MAX_EXACT_MANTISSA = 2 ** 53;
// Powers of ten that are exact doubles: one multiplication or division by them is correctly rounded.
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * Parses `buf[start, end)` as expfmt does: Go's `strconv.ParseFloat(s, 64)` after refusing any
 * `p`, `P` or `_` (so no hex floats and no digit separators). Accepts `[+-]digits[.digits][e[+-]digits]`
 * (either side of the point may be empty, not both), `inf`/`infinity` with optional sign and `nan`
 * without one, in any case. Returns undefined where Go returns an error, including on overflow to
 * ±Inf; underflow gives 0 as in Go.
 */
export function parseGoFloat(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === 0x2b /* + */ || buf[i] === 0x2d /* - */)) {
    negative = buf[i] === 0x2d;
    i++;
  }
  const unsignedStart = i;
  if (i < end && (buf[i]! | 0x20) >= 0x61 /* a */) return parseSpecial(buf, start, i, end, negative);

  // Fast path (Clinger): a mantissa below 2^53 scaled by an exact power of ten is correctly rounded
  // by one IEEE operation, which covers nearly every value a client writes.
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  while (i < end && isDigit(buf[i]!)) {
    mantissa = mantissa * 10 + (buf[i]! - 0x30);
    digits++;
    i++;
  }
  if (i < end && buf[i] === 0x2e /* . */) {
    i++;
    while (i < end && isDigit(buf[i]!)) {
      mantissa = mantissa * 10 + (buf[i]! - 0x30);
      digits++;
      fractionDigits++;
      i++;
    }
  }
  if (digits === 0) return undefined;
  const exact = mantissa < MAX_EXACT_MANTISSA;
  let exponent = 0;
  if (i < end && (buf[i]! | 0x20) === 0x65 /* e */) {
    i++;
    let exponentNegative = false;
    if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) {
      exponentNegative = buf[i] === 0x2d;
      i++;
    }
    const exponentStart = i;
    while (i < end && isDigit(buf[i]!)) {
      // Like Go, stop growing a huge exponent: the result is 0 or ±Inf anyway.
      if (exponent < 100000) exponent = exponent * 10 + (buf[i]! - 0x30);
      i++;
    }
    if (i === exponentStart) return undefined;
    if (exponentNegative) exponent = -exponent;
  }
  if (i !== end) return undefined;

  const scale = exponent - fractionDigits;
  let value: number;
  if (exact && mantissa === 0) {
    value = 0;
  } else if (exact && scale >= 0 && scale <= 22) {
    value = mantissa * EXACT_POWERS_OF_TEN[scale]!;
  } else if (exact && scale < 0 && scale >= -22) {
    value = mantissa / EXACT_POWERS_OF_TEN[-scale]!;
  } else {
    // Slow path: the syntax was checked above, so the engine's correctly rounded decimal conversion
    // only sees forms it reads exactly like Go.
    value = Number(asciiString(buf, unsignedStart, end));
  }
  if (value === Infinity) return undefined; // Go reports overflow as an error
  return negative ? -value : value;
}

/**
 * Parses `buf[start, end)` as Go's `strconv.ParseInt(s, 10, 64)`: optional sign, at least one ASCII
 * digit, within the int64 range. Returns undefined on any error. Values beyond 2^53 lose precision.
 */
export function parseGoInt64(buf: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) {
    negative = buf[i] === 0x2d;
    i++;
  }
  if (i === end) return undefined;
  while (i < end - 1 && buf[i] === 0x30) i++; // leading zeros do not count towards the range
  const digitsStart = i;
  let value = 0;
  for (; i < end; i++) {
    if (!isDigit(buf[i]!)) return undefined;
    value = value * 10 + (buf[i]! - 0x30);
  }
  const length = end - digitsStart;
  if (length > 19) return undefined;
  if (length === 19 && asciiString(buf, digitsStart, end) > (negative ? '9223372036854775808' : '9223372036854775807')) return undefined;
  // Summing digit by digit is exact only below 2^53; beyond, let the engine round once.
  if (length > 15) value = Number(asciiString(buf, digitsStart, end));
  return negative ? 0 - value : value;
}

/**
 * Go's `uint64(f)` on amd64, which 1.5.1 applies to summary/histogram counts and bucket counts:
 * truncation toward zero, negative values wrap (`-1` → 2^64 − 1, here rounded to the double 2^64),
 * and NaN, ±Inf and anything outside the int64/uint64 ranges give 2^63.
 */
export function goUint64(value: number): number {
  if (!(value < TWO_63)) return value < TWO_64 ? value : TWO_63;
  if (value <= -TWO_63) return TWO_63;
  const truncated = Math.trunc(value);
  return truncated < 0 ? TWO_64 + truncated : truncated + 0; // + 0 turns -0 into 0
}

// inf, infinity (optionally signed) and nan (never signed), case-insensitively: Go's strconv `special`.
// Compared byte by byte: histograms send `+Inf` on every series.
function parseSpecial(buf: Uint8Array, start: number, i: number, end: number, negative: boolean): number | undefined {
  const length = end - i;
  if ((length === 3 || length === 8) && matchesLower(buf, i, length === 3 ? 'inf' : 'infinity')) return negative ? -Infinity : Infinity;
  if (length === 3 && i === start && matchesLower(buf, i, 'nan')) return NaN;
  return undefined;
}

// True if the bytes at `at`, ASCII letters lower-cased, spell the lower-case `word`.
function matchesLower(buf: Uint8Array, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    if ((buf[at + k]! | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function asciiString(buf: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) out += String.fromCharCode(buf[i]!);
  return out;
}
