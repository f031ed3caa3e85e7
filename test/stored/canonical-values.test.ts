// Number tokens in stored spelling: a token is copied only when Go prints its value exactly so, and long integers are respelled as Go would.
import { describe, expect, test } from 'bun:test';
import { formatFloat } from '../../src/model/format-float.ts';
import { isCanonicalDecimal, writeLongInteger } from '../../src/stored/canonical-values.ts';

const ascii = new TextEncoder();

describe('isCanonicalDecimal', () => {
  // [token, answer, why it is there]. A yes must mean Go prints the token's value as the token itself; a
  // no only sends the token through the float formatter, so the check may be cautious (16 digits, NaN).
  test.each<[string, boolean, string]>([
    ['0', true, 'zero'],
    ['-0', false, 'negative zero prints 0'],
    ['7', true, 'a small integer'],
    ['999999', true, 'the largest integer Go prints without an exponent'],
    ['1000000', false, 'Go prints 1e+06'],
    ['0.5', true, 'a fraction'],
    ['-12.25', true, 'a negative fraction'],
    ['0.0001', true, 'the smallest plain decimal Go keeps'],
    ['0.00001', false, 'Go prints 1e-05'],
    ['1.50', false, 'a trailing fraction zero'],
    ['01', false, 'a leading zero'],
    ['+1', false, 'a plus sign'],
    ['1.', false, 'a dot without digits'],
    ['.5', false, 'no integer digits'],
    ['123456.789012345', true, '15 significant digits are always the shortest form'],
    ['123456.7890123456', false, '16 may not be: left to the formatter'],
    ['0.000123456789012345', true, '15 significant digits after three zeros'],
    ['1e3', false, 'an exponent'],
    ['NaN', false, 'a word, not a decimal, though Go prints it so'],
  ])('%s: %p (%s)', (token, answer) => {
    const bytes = ascii.encode(`x${token}y`);
    expect(isCanonicalDecimal(bytes, 1, bytes.length - 1)).toBe(answer);
    if (answer) expect(formatFloat(Number(token))).toBe(token);
  });
});

describe('writeLongInteger', () => {
  // [token, what it is written as, or undefined when it is not such an integer]
  test.each<[string, string | undefined]>([
    ['1808302', '1.808302e+06'],
    ['-76401643', '-7.6401643e+07'],
    ['1000000', '1e+06'],
    ['120000000000000', '1.2e+14'],
    ['999999999999999', '9.99999999999999e+14'],
    ['999999', undefined], // six digits: Go prints it as it is
    ['1234567890123456', undefined], // 16 digits may not be exact in a double
    ['0123456', undefined],
    ['12345.67', undefined],
  ])('%s', (token, written) => {
    const bytes = ascii.encode(token);
    const target = new Uint8Array(32);
    const end = writeLongInteger(bytes, 0, bytes.length, target, 3);
    if (written === undefined) {
      expect(end).toBe(-1);
    } else {
      expect(new TextDecoder().decode(target.subarray(3, end))).toBe(written);
      expect(written).toBe(formatFloat(Number(token)));
    }
  });
});
