// CRC-32C (Castagnoli), masked as the snappy framing format stores it with every data chunk.

const CASTAGNOLI_REVERSED = 0x82f63b78;
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI_REVERSED : c >>> 1;
  TABLE[n] = c;
}

/**
 * The masked CRC-32C of `bytes[start, end)` as framing_format.txt defines it: rotate the CRC right by
 * 15 bits and add 0xa282ead8, so that a CRC of data containing CRCs stays useful. Unsigned 32-bit.
 */
export function maskedCrc32c(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  crc = (crc ^ 0xffffffff) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
