// Go's float formatting (strconv 'g', shortest) for the text format and the JSON API, which JS's toString does not match.

/**
 * Formats `v` as Go's text-format writer does (SPEC §6.2): `+Inf`, `-Inf`, `NaN`, `-0` → `0`, otherwise
 * `strconv.FormatFloat(v, 'g', -1, 64)` — the shortest digits that round-trip, in exponent form
 * (`1e+06`, `1.5e-05`, exponent signed and at least two digits) when the decimal exponent is < −4 or ≥ 6,
 * plain decimal otherwise (`100000`, `0.0001`). Never throws.
 */
export function formatFloat(v: number): string {
  // Small integers are most samples (counters, bucket counts, status gauges): String() prints them exactly
  // as Go does, and String(-0) is already "0".
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return String(v);
  return formatNonInteger(v);
}

/**
 * Formats `v` as Go's `fmt` `%v` does, used by the JSON API (SPEC §7.2): identical to {@link formatFloat}
 * except that `-0` stays `-0`. Never throws.
 */
export function formatGoValue(v: number): string {
  if (v === 0 && 1 / v < 0) return '-0';
  return formatFloat(v);
}

/** The most bytes {@link writeGoFloat} writes: `-2.2250738585072014e-308`. */
export const MAX_FLOAT_BYTES = 24;

/**
 * Writes {@link formatFloat}`(v)` as ASCII into `target` at `at` and returns the index after it; the
 * caller has room for {@link MAX_FLOAT_BYTES}. Integers, the bulk of pushed values, are written digit by
 * digit without building a string; above 10^6 that also skips `toExponential`, the slowest part of
 * formatting a fleet's counters.
 */
export function writeGoFloat(target: Uint8Array, at: number, v: number): number {
  if (!Number.isInteger(v) || v > MAX_SAFE || v < -MAX_SAFE) return writeAscii(target, at, formatNonInteger(v));
  if (v < 0) {
    target[at++] = 0x2d; // '-'
    v = -v;
  }
  if (v < 1e6) return writeInteger(target, at, v);
  // %e of the shortest digits: a safe integer's digits are its shortest round-trip form, less trailing
  // zeros. The digits go one place to the right, then the first moves left of a '.': `1.808302e+06`.
  const end = writeInteger(target, at + 1, v);
  const exponent = end - at - 2; // digits − 1: 6 … 15
  let last = end;
  while (target[last - 1] === 0x30) last--;
  target[at] = target[at + 1]!;
  if (last - at > 2) {
    target[at + 1] = 0x2e; // '.'
    at = last;
  } else {
    at += 1;
  }
  target[at] = 0x65; // 'e'
  target[at + 1] = 0x2b; // '+'
  target[at + 2] = 0x30 + ((exponent / 10) | 0);
  target[at + 3] = 0x30 + (exponent % 10);
  return at + 4;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_31 = 2 ** 31;

// Writes the non-negative safe integer `v` in decimal and returns the end. Int32 arithmetic where it
// fits: double division and modulo cost several times more per digit.
function writeInteger(target: Uint8Array, at: number, v: number): number {
  if (v >= TWO_31) {
    // Two halves, the low one of exactly 8 digits. v / 1e8 never rounds up to the next integer below
    // 2^53 (1e-8 is more than half an ulp there), so `low` is in [0, 1e8).
    const high = Math.floor(v / 1e8);
    const low = v - high * 1e8;
    return writeInt32(target, writeInteger(target, at, high), low, 8);
  }
  return writeInt32(target, at, v, 0);
}

// Writes the int32 `n` with at least `minDigits` digits (zero-padded) and returns the end.
function writeInt32(target: Uint8Array, at: number, n: number, minDigits: number): number {
  let digits = 1;
  for (let bound = 10; n >= bound && digits < 10; bound *= 10) digits++;
  if (digits < minDigits) digits = minDigits;
  const end = at + digits;
  for (let i = end - 1; i >= at; i--) {
    const q = (n / 10) | 0;
    target[i] = 0x30 + n - q * 10;
    n = q;
  }
  return end;
}

function writeAscii(target: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[at + i] = text.charCodeAt(i);
  return at + text.length;
}

function formatNonInteger(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const magnitude = v < 0 ? -v : v;
  // Go switches to %e when the exponent of the shortest digits is < −4 or ≥ 6. 1e-4 and 1e6 are exact
  // decision boundaries: no other double's shortest digits can round to them. Inside this range JS's
  // toString prints plain decimals (it only uses exponents from 1e21 and below 1e-6) with the same
  // shortest digits as Go.
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(v);
  return formatExponent(v);
}

/** Go's `%e` layout of the shortest digits: JS gives `1.5e+6` / `5e-324`, Go pads the exponent to two digits. */
function formatExponent(v: number): string {
  const text = v.toExponential();
  const e = text.indexOf('e');
  // The exponent part is "e+D…" or "e-D…"; a single digit needs a leading zero.
  if (text.length - e === 3) return text.slice(0, e + 2) + '0' + text.slice(e + 2);
  return text;
}
