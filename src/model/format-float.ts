// Go's float formatting (strconv 'g', shortest) for the text format and the JSON API, which JS's toString does not match.

/**
 * Formats `v` as Go's text-format writer does (SPEC §6.2): `+Inf`, `-Inf`, `NaN`, `-0` → `0`, otherwise
 * `strconv.FormatFloat(v, 'g', -1, 64)` — the shortest digits that round-trip, in exponent form
 * (`1e+06`, `1.5e-05`, exponent signed and at least two digits) when the decimal exponent is < −4 or ≥ 6,
 * plain decimal otherwise (`100000`, `0.0001`). Never throws.
 */
export function formatFloat(v: number): string {
  // Small integers are most samples (counters, bucket counts, status gauges): String() prints them exactly
  // as Go does, and String(-0) is already "0".
  if (Number.isInteger(v) && v < 1e6 && v > -1e6) return String(v);
  return formatNonInteger(v);
}

/**
 * Formats `v` as Go's `fmt` `%v` does, used by the JSON API (SPEC §7.2): identical to {@link formatFloat}
 * except that `-0` stays `-0`. Never throws.
 */
export function formatGoValue(v: number): string {
  if (v === 0 && 1 / v < 0) return '-0';
  return formatFloat(v);
}

function formatNonInteger(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const magnitude = v < 0 ? -v : v;
  // Go switches to %e when the exponent of the shortest digits is < −4 or ≥ 6. 1e-4 and 1e6 are exact
  // decision boundaries: no other double's shortest digits can round to them. Inside this range JS's
  // toString prints plain decimals (it only uses exponents from 1e21 and below 1e-6) with the same
  // shortest digits as Go.
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(v);
  return formatExponent(v);
}

/** Go's `%e` layout of the shortest digits: JS gives `1.5e+6` / `5e-324`, Go pads the exponent to two digits. */
function formatExponent(v: number): string {
  const text = v.toExponential();
  const e = text.indexOf('e');
  // The exponent part is "e+D…" or "e-D…"; a single digit needs a leading zero.
  if (text.length - e === 3) return text.slice(0, e + 2) + '0' + text.slice(e + 2);
  return text;
}
