// CRC-32 of a concatenation from its parts' CRCs must equal the CRC of the whole.
import { describe, expect, test } from 'bun:test';
import { crc32Combine, crc32Shift } from '../../src/render/crc32-combine.ts';

function seeded(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) bytes[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return bytes;
}

describe('crc32Combine', () => {
  test.each([
    [0, 0], // two empty parts
    [0, 17], // an empty first part
    [17, 0], // an empty second part: the shift of 0 bytes is the identity
    [1, 1],
    [1000, 3],
    [65_536, 70_001], // lengths with many bits set exercise every table entry used
  ])('CRC(A‖B) from CRC(A), CRC(B) and |B| for |A|=%d, |B|=%d', (lengthA, lengthB) => {
    const a = seeded(lengthA, 1);
    const b = seeded(lengthB, 2);
    const whole = new Uint8Array(lengthA + lengthB);
    whole.set(a);
    whole.set(b, lengthA);
    expect(crc32Combine(Bun.hash.crc32(a), Bun.hash.crc32(b), crc32Shift(lengthB))).toBe(Bun.hash.crc32(whole));
  });
});
