// Comparisons of byte ranges, as the text fast path needs them: equality and string order without strings.

/** True if `a[0, aLength)` and `b[0, bLength)` hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array, aLength: number, bLength: number): boolean {
  if (aLength !== bLength) return false;
  for (let i = 0; i < aLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Orders two byte ranges of `buf` as their strings would be ordered: < 0, 0, > 0. */
export function compareRanges(buf: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const d = buf[aStart + i]! - buf[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** Orders `buf[start, end)` against `bytes` as their strings would be ordered: < 0, 0, > 0. */
export function compareToBytes(buf: Uint8Array, start: number, end: number, bytes: Uint8Array): number {
  const length = Math.min(end - start, bytes.length);
  for (let i = 0; i < length; i++) {
    const d = buf[start + i]! - bytes[i]!;
    if (d !== 0) return d;
  }
  return end - start - bytes.length;
}

/** True if `buf[start, start + length)` holds the bytes of `bytes[0, length)`. */
export function sameRangeAs(buf: Uint8Array, start: number, bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (buf[start + i] !== bytes[i]) return false;
  return true;
}
