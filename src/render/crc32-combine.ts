// CRC-32 of a concatenation from the CRCs of its parts, so a gzip trailer never needs the whole body.

const POLY = 0xedb88320; // CRC-32 (gzip), bit-reflected: bit 31 holds x^0
const X0 = 0x80000000; // the polynomial 1

/** a·b mod P for bit-reflected polynomials a and b. */
function multiply(a: number, b: number): number {
  let product = 0;
  for (let m = X0; m !== 0; m >>>= 1) {
    if ((a & m) !== 0) product ^= b;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return product >>> 0;
}

// X_POW_2N[k] = x^(2^k) mod P, so any power of x is a product of at most 32 table entries.
const X_POW_2N = new Uint32Array(32);
X_POW_2N[0] = X0 >>> 1; // x^1
for (let k = 1; k < 32; k++) X_POW_2N[k] = multiply(X_POW_2N[k - 1]!, X_POW_2N[k - 1]!);

/**
 * The operator that appends `length` bytes to a CRC: x^(8·length) mod P. Compute it once per cached part
 * and combine with {@link crc32Combine} in 32 steps, however long the part.
 */
export function crc32Shift(length: number): number {
  let p = X0;
  let k = 3; // 8 = 2^3 bits per byte
  for (let n = length; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) p = multiply(X_POW_2N[k % 32]!, p);
  }
  return p;
}

/** CRC-32 of A‖B from crc(A), crc(B) and crc32Shift(length of B). */
export function crc32Combine(crcA: number, crcB: number, shiftB: number): number {
  return (multiply(shiftB, crcA) ^ crcB) >>> 0;
}
