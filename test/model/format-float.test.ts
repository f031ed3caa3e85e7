// Go float formatting: expectations taken from strconv.FormatFloat(v, 'g', -1, 64) and fmt's %v (go1.19).
import { describe, expect, test } from 'bun:test';
import { formatFloat, formatGoValue } from '../../src/model/format-float.ts';

// [value, Go's text-format output]. Every expectation was printed by a Go program, not derived by hand;
// the implementation was also compared with Go on ~970,000 generated doubles (integers to 2e6, powers of
// ten ±1 ulp from 1e-330 to 1e310, random bit patterns, subnormals) without a difference.
const cases: [number, string][] = [
  [0, '0'],
  [-0, '0'], // the text writer drops the sign of zero (SPEC §6.2)
  [1, '1'],
  [-1, '-1'],
  [42, '42'],
  [1.5, '1.5'], // SPEC: pushed as `1.50`
  [0.25, '0.25'],
  [-2.5, '-2.5'],
  [123.456, '123.456'],
  [100000, '100000'], // exponent 5: still plain
  [100000.5, '100000.5'],
  [123456, '123456'],
  [999999, '999999'], // last integer before the switch
  [999999.5, '999999.5'],
  [-999999, '-999999'],
  [1e6, '1e+06'], // exponent 6: exponent form, two-digit signed exponent (JS prints 1000000)
  [-1e6, '-1e+06'],
  [1000001, '1.000001e+06'],
  [1234567, '1.234567e+06'],
  [123456789, '1.23456789e+08'],
  [1.7953713469292624e9, '1.7953713469292624e+09'], // a push_time_seconds value
  [1e20, '1e+20'],
  [1e21, '1e+21'],
  [1e22, '1e+22'],
  [1e100, '1e+100'], // three-digit exponent, no padding
  [1.5e300, '1.5e+300'],
  [2 ** 53, '9.007199254740992e+15'],
  [2 ** 53 + 2, '9.007199254740994e+15'],
  [2 ** 64, '1.8446744073709552e+19'], // also how a uint64 count of 2^64-1 prints
  [12345678901234567890, '1.2345678901234567e+19'],
  [1.7976931348623157e308, '1.7976931348623157e+308'], // largest double
  [-1.7976931348623157e308, '-1.7976931348623157e+308'],
  [0.1, '0.1'],
  [0.1 + 0.2, '0.30000000000000004'], // shortest round-trip digits, not %.6g
  [1 / 3, '0.3333333333333333'],
  [2 / 3, '0.6666666666666666'],
  [3.0000000000000004, '3.0000000000000004'],
  [0.005, '0.005'],
  [0.025, '0.025'],
  [0.99, '0.99'],
  [0.0001, '0.0001'], // exponent -4: still plain
  [-0.0001, '-0.0001'],
  [0.0001 * 1.0000000000000002, '0.00010000000000000003'], // one ulp above 1e-4 stays plain
  [0.00012345, '0.00012345'],
  [0.00009999, '9.999e-05'], // exponent -5: exponent form
  [0.00001, '1e-05'],
  [1e-7, '1e-07'], // JS prints 1e-7
  [1e-308, '1e-308'],
  [2.2250738585072014e-308, '2.2250738585072014e-308'], // smallest normal
  [8.4744401921172e-310, '8.4744401921172e-310'], // subnormal
  [1e-319, '1e-319'],
  [1e-323, '1e-323'],
  [5e-324, '5e-324'], // smallest subnormal
  [-5e-324, '-5e-324'],
  [-5.08239654306501e-15, '-5.08239654306501e-15'], // random bit patterns from the comparison run
  [-559.258, '-559.258'],
  [-93515.21086152502, '-93515.21086152502'],
  [-8.829006820833669e10, '-8.829006820833669e+10'],
  [-8.460791114283628e-5, '-8.460791114283628e-05'],
  [-1.14552704657912e15, '-1.14552704657912e+15'],
  [NaN, 'NaN'],
  [Infinity, '+Inf'],
  [-Infinity, '-Inf'],
];

describe('formatFloat', () => {
  test.each(cases)('formats %p as Go does: %s', (value, expected) => {
    expect(formatFloat(value)).toBe(expected);
  });
});

describe('formatGoValue', () => {
  test.each(cases.filter(([value]) => !Object.is(value, -0)))('matches formatFloat for %p', (value, expected) => {
    expect(formatGoValue(value)).toBe(expected);
  });

  test('keeps the sign of zero, as fmt %v does (SPEC §7.2)', () => {
    expect(formatGoValue(-0)).toBe('-0');
    expect(formatGoValue(0)).toBe('0');
  });
});
