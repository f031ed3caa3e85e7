// Go's fmt %q and %c renderings, byte for byte, so parse error messages match the reference exactly.

import { utf8SequenceLength } from './utf8.ts';

const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
// (JS may know a newer Unicode version than Go 1.19; only characters assigned since differ.)
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's `%q` of a string holding the bytes `buf[start, end)`: invalid UTF-8 bytes become `\xNN`. */
export function quoteBytes(buf: Uint8Array, start: number, end: number): string {
  let out = '"';
  let i = start;
  while (i < end) {
    const width = utf8SequenceLength(buf, i, end);
    if (width === 0) {
      out += '\\x' + hex(buf[i]!, 2);
      i++;
      continue;
    }
    const char = width === 1 ? String.fromCharCode(buf[i]!) : utf8Decoder.decode(buf.subarray(i, i + width));
    out += escapeRune(char, 0x22);
    i += width;
  }
  return out + '"';
}

/** Go's `%q` of a byte (a uint8), which formats it as a rune literal: `'-'`, `'\n'`, `'\x00'`, `'\u00a0'`. */
export function quoteByte(byte: number): string {
  return "'" + escapeRune(String.fromCharCode(byte), 0x27) + "'";
}

/** Go's `%c` of a byte: the rune with that number, so byte 0xC3 prints as `Ã`. */
export function charOfByte(byte: number): string {
  return String.fromCharCode(byte);
}

// strconv.appendEscapedRune for one code point given as a string.
function escapeRune(char: string, quote: number): string {
  const cp = char.codePointAt(0)!;
  if (cp === quote || cp === 0x5c) return '\\' + char;
  if (PRINTABLE.test(char)) return char;
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}
