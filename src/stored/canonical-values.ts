// Number tokens a text body already spells as the stored lines do (Go's %g): copied as they are, or respelled from their digits.

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * True when `buf[start, end)` is exactly how Go's `%g` prints its own value: a plain decimal of at most
 * 15 significant digits (so it is its own shortest round-trip form) between 1e-4 and 1e6 (where Go
 * switches to exponents), without a `+`, leading zeros or trailing fraction zeros. `-0` is not.
 */
export function isCanonicalDecimal(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (i < end && buf[i] === MINUS) i++;
  const integerStart = i;
  while (i < end && isDigit(buf[i]!)) i++;
  const integerDigits = i - integerStart;
  if (integerDigits === 0 || integerDigits > 6) return false;
  const zeroInteger = buf[integerStart] === ZERO;
  if (zeroInteger && integerDigits > 1) return false;
  if (i === end) return !(zeroInteger && integerStart > start);
  if (buf[i] !== DOT) return false;
  const fractionStart = ++i;
  while (i < end && isDigit(buf[i]!)) i++;
  if (i !== end || i === fractionStart || buf[end - 1] === ZERO) return false;
  if (!zeroInteger) return integerDigits + (end - fractionStart) <= 15;
  let firstSignificant = fractionStart;
  while (buf[firstSignificant] === ZERO) firstSignificant++;
  return firstSignificant - fractionStart <= 3 && end - firstSignificant <= 15;
}

/**
 * Writes a plain integer token of 7 to 15 digits (`1808302`, `-76401643`) the way Go prints its value,
 * `1.808302e+06`, straight from the digits: such an integer is exact in a double and its digits, less
 * trailing zeros, are the shortest that read back. Returns the end, or -1 for any other token.
 */
export function writeLongInteger(buf: Uint8Array, start: number, end: number, target: Uint8Array, at: number): number {
  let i = start;
  if (buf[i] === MINUS) i++;
  const digits = end - i;
  if (digits < 7 || digits > 15 || buf[i] === ZERO) return -1;
  for (let k = i; k < end; k++) if (!isDigit(buf[k]!)) return -1;
  if (i > start) target[at++] = MINUS;
  target[at++] = buf[i]!;
  let last = end;
  while (buf[last - 1] === ZERO) last--;
  if (last - i > 1) {
    target[at++] = DOT;
    for (let k = i + 1; k < last; k++) target[at++] = buf[k]!;
  }
  const exponent = digits - 1;
  target[at] = 0x65; // 'e'
  target[at + 1] = 0x2b; // '+'
  target[at + 2] = ZERO + ((exponent / 10) | 0);
  target[at + 3] = ZERO + (exponent % 10);
  return at + 4;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}
