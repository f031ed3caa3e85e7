// Reading protobuf fields on protobufjs's Reader, with Go 1.5.1's wire errors: varints, nesting bounds, UTF-8 strings, skipping.
import { Reader } from 'protobufjs/minimal.js';
import { TokenStrings, hashStep } from '../model/token-strings.ts';
import { ParseError } from './parse-error.ts';
import { isValidUtf8 } from './utf8.ts';

/** Field number 2^29 - 1 (the largest protobuf allows): no message of metrics.proto has it. */
const UNKNOWN_FIELD_TAG = 0xfffffff8;

/**
 * A protobufjs Reader plus what a message decoder needs beyond it. `reader` is used directly for the
 * fixed-width fields (`double()`, `skip(n)`); its `len` is narrowed to the message being read (see
 * `enter`), so that protobufjs's bounds checks stop at that message's end. Varints (tags, lengths, enums,
 * integers) are read here, not with protobufjs: its `uint32()` skips a fixed five bytes after a varint's
 * fifth byte and so loses its place in a non-canonical longer one, which Go reads (issue 11, finding 3).
 * Every read past an end, and every malformed varint, surfaces from `decoding` as Go's `unexpected EOF`.
 */
export class WireReader {
  readonly reader = new Reader(new Uint8Array(0));
  readonly #strings = new TokenStrings();
  /** The bytes of the last string field moved past (`skipText`, `text`): reader.buf[textStart, textEnd). */
  textStart = 0;
  textEnd = 0;
  /** The last varint read (see #varint). */
  #low = 0;
  #high = 0;

  /** Runs `decode` on the message `bytes[start, end)`, turning protobufjs's read errors into Go's. */
  decoding<T>(bytes: Uint8Array, start: number, end: number, decode: () => T): T {
    const r = this.reader;
    r.buf = bytes;
    r.pos = start;
    r.len = end;
    try {
      return decode();
    } catch (error) {
      throw asParseError(error);
    }
  }

  /**
   * Reads a nested message's length and narrows the reader to it; returns the outer limit, which the
   * caller gives back to `leave` once the nested message is read.
   */
  enter(): number {
    const r = this.reader;
    const length = this.length();
    const outer = r.len;
    r.len = r.pos + length;
    return outer;
  }

  /** Ends a nested message: the reader's limit becomes `outer` again. */
  leave(outer: number): void {
    this.reader.len = outer;
  }

  /**
   * The next field's tag. Go 1.5.1 takes the field number from all 64 bits of the varint: a tag past 32
   * bits names a field no message has, so it becomes one of field number 2^29 - 1 with the same wire type.
   */
  tag(): number {
    const r = this.reader;
    // Nearly every tag is one byte.
    if (r.pos < r.len) {
      const first = r.buf[r.pos]!;
      if (first < 0x80) {
        r.pos++;
        return first;
      }
    }
    this.#varint();
    return this.#high === 0 ? this.#low : UNKNOWN_FIELD_TAG | (this.#low & 7);
  }

  /** A length that must fit in what is left of the current message (Go: `unexpected EOF` otherwise). */
  length(): number {
    const r = this.reader;
    let length: number;
    // Most lengths (labels, values, series) are one byte too.
    if (r.pos < r.len && r.buf[r.pos]! < 0x80) {
      length = r.buf[r.pos++]!;
    } else {
      this.#varint();
      if (this.#high !== 0) throw truncated();
      length = this.#low;
    }
    if (length > r.len - r.pos) throw truncated();
    return length;
  }

  /** A uint32 (Go keeps the varint's low 32 bits). */
  uint32(): number {
    this.#varint();
    return this.#low;
  }

  /** An int32 or enum (Go keeps the varint's low 32 bits, signed). */
  int32(): number {
    this.#varint();
    return this.#low | 0;
  }

  /** A zigzag sint32: Go decodes bits 1–32 of the varint and the sign from bit 0. */
  sint32(): number {
    this.#varint();
    return ((this.#low >>> 1) | (this.#high << 31)) ^ -(this.#low & 1);
  }

  /** A uint64 as a number (exact up to 2^53). */
  uint64(): number {
    this.#varint();
    return this.#high * 2 ** 32 + this.#low;
  }

  /** An int64 as a number (exact up to 2^53). */
  int64(): number {
    this.#varint();
    return (this.#high | 0) * 2 ** 32 + this.#low;
  }

  /** A zigzag sint64 as a number (exact up to 2^53). */
  sint64(): number {
    this.#varint();
    const sign = -(this.#low & 1);
    const low = ((this.#low >>> 1) | (this.#high << 31)) ^ sign;
    const high = (this.#high >>> 1) ^ sign;
    return high * 2 ** 32 + (low >>> 0);
  }

  /**
   * Reads a varint into #low and #high (its low and high 32 bits, unsigned), as Go 1.5.1's decoder
   * does: at most ten bytes, the tenth 0 or 1 (bit 63); a longer one, or one cut by the message's end,
   * is `unexpected EOF`. Canonical or not, the same value.
   */
  #varint(): void {
    const r = this.reader;
    const buf = r.buf;
    const end = r.len;
    let pos = r.pos;
    let low = 0;
    let high = 0;
    let byte = 0x80;
    // Bytes 1 to 4: bits 0–27.
    for (let shift = 0; shift < 28 && byte >= 0x80; shift += 7) {
      if (pos >= end) throw truncated();
      byte = buf[pos++]!;
      low |= (byte & 0x7f) << shift;
    }
    if (byte >= 0x80) {
      // Byte 5: bits 28–34, split between the halves.
      if (pos >= end) throw truncated();
      byte = buf[pos++]!;
      low |= (byte & 0x0f) << 28;
      high = (byte & 0x7f) >>> 4;
      // Bytes 6 to 9: bits 35–62; byte 10: bit 63.
      for (let shift = 3; shift < 31 && byte >= 0x80; shift += 7) {
        if (pos >= end) throw truncated();
        byte = buf[pos++]!;
        high |= (byte & 0x7f) << shift;
      }
      if (byte >= 0x80) {
        if (pos >= end) throw truncated();
        byte = buf[pos++]!;
        if (byte > 1) throw truncated();
        high |= byte << 31;
      }
    }
    r.pos = pos;
    this.#low = low >>> 0;
    this.#high = high >>> 0;
  }

  /** Moves past a length-delimited field (a string, bytes or a message). */
  skipBytes(): void {
    const length = this.length();
    this.reader.pos += length;
  }

  /** Moves past a string field, leaving its bytes in [textStart, textEnd). */
  skipText(): void {
    const r = this.reader;
    const length = this.length();
    this.textStart = r.pos;
    this.textEnd = r.pos + length;
    r.pos += length;
  }

  /** A string field, or undefined if it is not UTF-8 (its bytes are then in [textStart, textEnd)). */
  text(): string | undefined {
    this.skipText();
    return this.string(this.textStart, this.textEnd);
  }

  /**
   * The string of reader.buf[start, end), or undefined if those bytes are not UTF-8. Short ASCII strings
   * (names and most label values) come from the intern table the text parser uses too.
   */
  string(start: number, end: number): string | undefined {
    const buf = this.reader.buf;
    let hash = 0;
    let highBits = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      highBits |= b;
      hash = hashStep(hash, b);
    }
    if (highBits < 0x80) return this.#strings.ascii(buf, start, end, hash);
    return isValidUtf8(buf, start, end) ? this.#strings.utf8(buf, start, end) : undefined;
  }

  /**
   * Skips the field whose tag was just read: an unknown field, or a known one with an unexpected wire
   * type, which Go also treats as unknown. `goType` (Go's name of the message type) is for Go's error
   * about field number 0; wire types 4, 6 and 7 cannot be skipped, as in Go.
   */
  skip(tag: number, goType: string): void {
    const r = this.reader;
    const wireType = tag & 7;
    if (tag >>> 3 === 0) throw ParseError.withoutLine(`proto: ${goType}: illegal tag 0 (wire type ${wireType})`);
    switch (wireType) {
      case 0:
        this.#varint();
        return;
      case 1:
        r.skip(8);
        return;
      case 2:
        this.skipBytes();
        return;
      case 3:
        // A group: skip fields up to its end-group tag.
        for (let inner = this.tag(); (inner & 7) !== 4; inner = this.tag()) this.skip(inner, goType);
        return;
      case 5:
        r.skip(4);
        return;
      default:
        throw ParseError.withoutLine(`proto: can't skip unknown wire type ${wireType}`);
    }
  }
}

function truncated(): ParseError {
  return ParseError.withoutLine('unexpected EOF');
}

// protobufjs reports a read past the end as a RangeError; Go's decoder answers it with io.ErrUnexpectedEOF.
function asParseError(error: unknown): unknown {
  if (error instanceof ParseError) return error;
  if (error instanceof RangeError) return truncated();
  return error;
}
