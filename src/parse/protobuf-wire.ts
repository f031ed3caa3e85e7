// Reading protobuf fields on protobufjs's Reader, with Go 1.5.1's wire errors: nesting bounds, 64-bit numbers, UTF-8 strings, skipping.
import { type Long, Reader } from 'protobufjs/minimal.js';
import { TokenStrings, hashStep } from '../model/token-strings.ts';
import { ParseError } from './parse-error.ts';
import { isValidUtf8 } from './utf8.ts';

/**
 * A protobufjs Reader plus what a message decoder needs beyond it. `reader` is used directly for the
 * scalar fields (`uint32()` tags, `double()`, `sint32()`, …); its `len` is narrowed to the message being
 * read (see `enter`), so that protobufjs's bounds checks stop at that message's end. Every read past
 * an end, and every malformed varint, surfaces from `decoding` as Go's `unexpected EOF`.
 */
export class WireReader {
  readonly reader = new Reader(new Uint8Array(0));
  readonly #strings = new TokenStrings();
  /** The bytes of the last string field moved past (`skipText`, `text`): reader.buf[textStart, textEnd). */
  textStart = 0;
  textEnd = 0;

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
    const length = r.uint32();
    const outer = r.len;
    if (r.pos + length > outer) throw truncated();
    r.len = r.pos + length;
    return outer;
  }

  /** Ends a nested message: the reader's limit becomes `outer` again. */
  leave(outer: number): void {
    this.reader.len = outer;
  }

  /**
   * A uint64 as a number (exact up to 2^53). Counts nearly always fit in four varint bytes (< 2^28):
   * those are read without the two objects protobufjs allocates for a 64-bit value.
   */
  uint64(): number {
    const r = this.reader;
    const last = Math.min(r.pos + 4, r.len);
    for (let i = r.pos; i < last; i++) if (r.buf[i]! < 0x80) return r.uint32();
    return toNumber(r.uint64());
  }

  /** An int64 as a number (exact up to 2^53). */
  int64(): number {
    return toNumber(this.reader.int64());
  }

  /** A zigzag sint64 as a number (exact up to 2^53). */
  sint64(): number {
    return toNumber(this.reader.sint64());
  }

  /** Moves past a string field, leaving its bytes in [textStart, textEnd). */
  skipText(): void {
    const r = this.reader;
    const length = r.uint32();
    if (r.pos + length > r.len) throw truncated();
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
        r.skip();
        return;
      case 1:
        r.skip(8);
        return;
      case 2:
        r.skip(r.uint32());
        return;
      case 3:
        // A group: skip fields up to its end-group tag.
        for (let inner = r.uint32(); (inner & 7) !== 4; inner = r.uint32()) this.skip(inner, goType);
        return;
      case 5:
        r.skip(4);
        return;
      default:
        throw ParseError.withoutLine(`proto: can't skip unknown wire type ${wireType}`);
    }
  }
}

/** A 64-bit protobufjs value as a number, whether or not protobufjs found long.js. */
function toNumber(value: number | Long): number {
  if (typeof value === 'number') return value;
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return high * 2 ** 32 + (value.low >>> 0);
}

function truncated(): ParseError {
  return ParseError.withoutLine('unexpected EOF');
}

// protobufjs reports a read past the end as a RangeError and a varint longer than 10 bytes as an Error;
// Go's decoder answers both with io.ErrUnexpectedEOF.
function asParseError(error: unknown): unknown {
  if (error instanceof ParseError) return error;
  if (error instanceof RangeError || (error instanceof Error && error.message === 'invalid varint encoding')) return truncated();
  return error;
}
