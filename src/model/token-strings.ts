// Byte ranges → strings for the parsers and the stored-line reader: an intern table for short ASCII tokens, UTF-8 for the rest.

const TABLE_SIZE = 16384; // a power of two
const MAX_INTERNED_LENGTH = 48;

// Shared by all parsers and the stored-line reader: it is a pure cache of immutable strings (a hit
// returns a string equal to the bytes), so sharing is invisible except that pushes repeating earlier
// names start warm, a small push does not pay for a fresh table, and series read back from stored lines
// mostly reuse the strings of recent pushes. Bounded: TABLE_SIZE strings of at most MAX_INTERNED_LENGTH.
const table: (string | undefined)[] = new Array(TABLE_SIZE).fill(undefined);
// Longer texts (HELP) get a table of their own, so they do not evict the short tokens.
const TEXT_TABLE_SIZE = 4096;
const MAX_INTERNED_TEXT_LENGTH = 1024;
const textTable: (string | undefined)[] = new Array(TEXT_TABLE_SIZE).fill(undefined);

/**
 * Makes strings out of token bytes. Metric names, label names and most label values repeat from line
 * to line, so short ASCII tokens go through a direct-mapped intern table: a repeated token costs one
 * hash and one compare instead of a new string.
 */
export class TokenStrings {
  readonly #decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  #lastBuf: Uint8Array | undefined;
  #lastView: Buffer = Buffer.alloc(0);

  /**
   * The string of `buf[start, end)`, which the caller knows to be ASCII. `hash` is every byte of the
   * range folded through `hashStep` from 0: the scanners compute it while they look for the token's end.
   */
  ascii(buf: Uint8Array, start: number, end: number, hash: number): string {
    const length = end - start;
    if (length > MAX_INTERNED_LENGTH) return this.#decoder.decode(buf.subarray(start, end));
    const slot = hash & (TABLE_SIZE - 1);
    const cached = table[slot];
    if (cached !== undefined && cached.length === length && sameAscii(cached, buf, start)) return cached;
    const fresh = this.#latin1(buf, start, end);
    table[slot] = fresh;
    return fresh;
  }

  /**
   * The string of `buf[start, end)` decoded as UTF-8, interned when it is ASCII and not too long: a
   * fleet pushes the same HELP texts again and again, and a shared string is also stored only once.
   */
  text(buf: Uint8Array, start: number, end: number): string {
    if (end - start > MAX_INTERNED_TEXT_LENGTH) return this.utf8(buf, start, end);
    let hash = 0;
    let highBits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      hash = hashStep(hash, b);
      highBits |= b;
    }
    if (highBits >= 0x80) return this.utf8(buf, start, end);
    const slot = hash & (TEXT_TABLE_SIZE - 1);
    const cached = textTable[slot];
    if (cached !== undefined && cached.length === end - start && sameAscii(cached, buf, start)) return cached;
    const fresh = this.#latin1(buf, start, end);
    textTable[slot] = fresh;
    return fresh;
  }

  /**
   * The string of `buf[start, end)` decoded as UTF-8, not interned. Invalid sequences become U+FFFD, so
   * callers that must refuse them check first. A leading BOM is kept, as Go keeps it.
   */
  utf8(buf: Uint8Array, start: number, end: number): string {
    return this.#decoder.decode(buf.subarray(start, end));
  }

  // Buffer's latin1 decoding is the cheapest way from ASCII bytes to a flat string in Bun (a
  // fromCharCode loop builds a rope); the view is made once per buffer, not per token.
  #latin1(buf: Uint8Array, start: number, end: number): string {
    if (buf !== this.#lastBuf) {
      this.#lastBuf = buf;
      this.#lastView = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    return this.#lastView.toString('latin1', start, end);
  }
}

/** One step of the intern hash of `ascii`. */
export function hashStep(hash: number, byte: number): number {
  return (Math.imul(hash, 31) + byte) | 0;
}

function sameAscii(text: string, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== buf[start + i]) return false;
  }
  return true;
}
