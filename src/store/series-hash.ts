// The identity of a series (family name + sorted labels) as a 53-bit number, for the duplicate-series index.

/**
 * Hashes a family name and its sorted flat labels with two independent 32-bit multiplicative lanes folded
 * into one 53-bit integer: exact as a JS number, so it can key a Map or sit in a Float64Array without
 * allocating a string or a BigInt per series. Two different series collide with probability ~2^-53.
 */
export function seriesHash(name: string, labels: readonly string[]): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ labels.length;
  for (let p = -1; p < labels.length; p++) {
    const s = p < 0 ? name : labels[p]!;
    // A separator per part keeps ("ab","c") apart from ("a","bc").
    a = Math.imul(a ^ 0xff, 0x01000193);
    b = Math.imul(b ^ 0xfe, 0x5bd1e995);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
