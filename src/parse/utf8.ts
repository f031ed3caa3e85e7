// UTF-8 well-formedness by byte, with Go's rules (no overlongs, no surrogates, nothing above U+10FFFF).

/**
 * Length of the well-formed UTF-8 sequence starting at `buf[i]` (1–4), or 0 if the bytes there are
 * not one (Go's `utf8.DecodeRune` would return RuneError of width 1). Reads nothing at or past `end`.
 */
export function utf8SequenceLength(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return 1;
  if (b0 < 0xc2 || b0 > 0xf4) return 0;
  if (b0 < 0xe0) return i + 1 < end && isContinuation(buf[i + 1]!) ? 2 : 0;
  // The second byte's range is narrower after E0 (overlong), ED (surrogates), F0 (overlong), F4 (> U+10FFFF).
  const lo = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
  const hi = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
  const width = b0 < 0xf0 ? 3 : 4;
  if (i + width > end) return 0;
  const b1 = buf[i + 1]!;
  if (b1 < lo || b1 > hi || !isContinuation(buf[i + 2]!)) return 0;
  if (width === 4 && !isContinuation(buf[i + 3]!)) return 0;
  return width;
}

/** True if `buf[start, end)` is well-formed UTF-8, as Go's `utf8.Valid`. */
export function isValidUtf8(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    if (buf[i]! < 0x80) {
      i++;
      continue;
    }
    const width = utf8SequenceLength(buf, i, end);
    if (width === 0) return false;
    i += width;
  }
  return true;
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}
