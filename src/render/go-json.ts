// Strings and times written as Go's encoding/json writes them, for the JSON API (SPEC §7.1).

// Everything Go escapes besides plain text: quote, backslash, control characters, the HTML characters
// (Go's default HTMLEscape), U+2028/U+2029, and surrogates (a lone one is invalid UTF-8 to Go).
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/**
 * `value` as a JSON string literal, byte for byte as Go 1.19's json.Marshal (the oracle's) writes it: `\"`,
 * `\\`, `\n`, `\r`, `\t`, every other control character and `<`, `>`, `&`, U+2028, U+2029 as `\u00XX`-style
 * escapes (lower-case hex), a lone surrogate as `\ufffd` (Go replaces invalid UTF-8). Go 1.22+ also writes
 * `\b` and `\f` short; 1.5.1 does not.
 */
export function quoteGoJson(value: string): string {
  // Nearly every label and metric name is plain: one regex test, no loop.
  if (!NEEDS_ESCAPE.test(value)) return '"' + value + '"';
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code < 0x20 || code === 0x3c || code === 0x3e || code === 0x26 || code === 0x2028 || code === 0x2029) {
      out += '\\u' + HEX[code >> 12]! + HEX[(code >> 8) & 15]! + HEX[(code >> 4) & 15]! + HEX[code & 15]!;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
      } else {
        out += '\\ufffd';
      }
    } else {
      out += value[i];
    }
  }
  return out + '"';
}

/**
 * A time in ms since the epoch as Go marshals a time.Time: RFC 3339 with the fraction's trailing zeros
 * trimmed (none at all on a whole second), in the server's local zone (`Z` when its offset is 0).
 * Our times have millisecond resolution where Go's have nanoseconds.
 */
export function goJsonTime(ms: number): string {
  const offsetMinutes = -new Date(ms).getTimezoneOffset();
  const local = new Date(ms + offsetMinutes * 60_000);
  const whole = local.toISOString().slice(0, 19);
  const millis = ms - Math.floor(ms / 1000) * 1000;
  const fraction = millis === 0 ? '' : '.' + String(Math.round(millis * 1e6)).padStart(9, '0').replace(/0+$/, '');
  return '"' + whole + fraction + zoneOf(offsetMinutes) + '"';
}

function zoneOf(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return sign + String(Math.floor(abs / 60)).padStart(2, '0') + ':' + String(abs % 60).padStart(2, '0');
}
