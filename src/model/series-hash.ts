// The identity of a series (family name + label block as the text format prints it) as a 53-bit number.

/**
 * The version of seriesHash below. Stored groups carry their hashes with this number (stored/group-bytes.ts):
 * raise it whenever a hash changes, so that hashes stored by another version are computed again.
 */
export const SERIES_HASH_VERSION = 1;

/** The hash lanes after a family's name: computed once per family, then continued by each series' labels. */
export type SeriesSeed = readonly [number, number];

/** Starts the hash of the series of family `name`. */
export function seriesSeed(name: string): SeriesSeed {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // '{' cannot occur in a name, so ("ab", `c="d"`) and ("a", `bc="d"`) stay apart.
  return [Math.imul(a ^ 0x7b, 0x01000193), Math.imul(b ^ 0x7b, 0x5bd1e995)];
}

/**
 * Hashes a series from its seed and its label block `bytes[start, end)`: the sorted pairs exactly as
 * the text format prints them (`a="1",b="x\"y"`), so equal label sets give equal bytes whatever parser
 * or format they came from. Two independent 32-bit lanes, MurmurHash3's and a multiplicative one, read
 * four bytes at a time (2–3x faster than byte by byte: every pushed series is hashed) and are folded
 * into one 53-bit integer: exact as a JS number, so it can key a Map or sit in a Float64Array without
 * allocating a string or a BigInt per series. Two different series collide with probability ~2^-53.
 */
export function seriesHash(seed: SeriesSeed, bytes: Uint8Array, start: number, end: number): number {
  let a = seed[0];
  let b = seed[1];
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    a ^= murmurWord(word);
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    b = Math.imul(b ^ word, 0x5bd1e995);
    b ^= b >>> 15;
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= bytes[i]! << shift;
  a ^= murmurWord(tail) ^ (end - start);
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ tail ^ (end - start), 0x5bd1e995);
  b ^= b >>> 13;
  b = Math.imul(b, 0x5bd1e995);
  b ^= b >>> 15;
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

function murmurWord(word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}
