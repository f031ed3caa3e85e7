// The primitives of Go's encoding/gob wire format (integers, byte strings, struct field deltas) over bytes in memory, bounds-checked.

/** Every error of the Go persistence decoder starts with this, so a caller can tell it from its own. */
export const GO_PERSISTENCE_ERROR_PREFIX = 'go persistence file: ';

/** The error the decoder throws: `go persistence file: <what is wrong> at byte <offset>`. */
export function persistenceError(detail: string, offset: number): Error {
  return new Error(`${GO_PERSISTENCE_ERROR_PREFIX}${detail} at byte ${offset}`);
}

// Go strings may hold any bytes, but everything we hand on (label names and values, family names) must be
// text: a value that is not UTF-8 is refused rather than silently turned into U+FFFD. A leading BOM is text.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads gob's primitives from `bytes`, from the start, never past `limit`: the end of the gob message
 * being read (see `enterMessage`), or the end of the data. Every read checks what is left first, so
 * garbage can neither read out of bounds nor make the caller allocate more than the input holds.
 */
export class GobReader {
  readonly bytes: Uint8Array;
  /** The next byte to read. */
  offset = 0;
  /** Reads stop here: the end of the current message, or of the data between messages. */
  private limit: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.limit = bytes.length;
  }

  /** Bytes left before the limit. */
  get left(): number {
    return this.limit - this.offset;
  }

  /** True when every byte of the data has been read. */
  get atDataEnd(): boolean {
    return this.offset >= this.bytes.length;
  }

  /**
   * Reads a message's length prefix and limits the following reads to that message. Gob frames every
   * type definition and every value as `uint length, bytes`; a length past the data means it was cut off.
   */
  enterMessage(): void {
    this.limit = this.bytes.length;
    const start = this.offset;
    const length = this.readUint();
    if (length === 0) throw persistenceError('empty gob message', start);
    if (length > this.left) {
      throw persistenceError(`unexpected end of data (a message of ${length} bytes, ${this.left} left)`, this.offset);
    }
    this.limit = this.offset + length;
  }

  /** Throws unless the current message was read to its last byte, then lifts the limit to the data's end. */
  leaveMessage(what: string): void {
    if (this.offset !== this.limit) throw persistenceError(`${this.left} unread bytes at the end of ${what}`, this.offset);
    this.limit = this.bytes.length;
  }

  /**
   * A gob unsigned integer: one byte below 128, else a byte holding the negated count (1–8) of the
   * big-endian bytes that follow. Values past 2^53 − 1 are refused: no count, length, id or field number
   * of the Pushgateway's schema comes near that (its 64-bit values travel inside byte strings).
   */
  readUint(): number {
    const start = this.offset;
    const first = this.readByte();
    if (first < 0x80) return first;
    const count = 256 - first;
    if (count > 8) throw persistenceError(`invalid unsigned integer (a byte count of ${count})`, start);
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 256 + this.readByte();
    if (value > Number.MAX_SAFE_INTEGER) throw persistenceError('integer too large for this schema', start);
    return value;
  }

  /** A gob signed integer: an unsigned one whose low bit is the sign (set: the complement of the rest). */
  readInt(): number {
    const unsigned = this.readUint();
    const half = Math.floor(unsigned / 2);
    return unsigned % 2 === 1 ? -half - 1 : half;
  }

  /**
   * A gob byte string (`[]byte`, a string's bytes, a GobEncoder's payload): a length, then that many bytes.
   * Returns a view into `bytes`, not a copy.
   */
  readBytes(what: string): Uint8Array {
    const start = this.offset;
    const length = this.readUint();
    if (length > this.left) {
      throw persistenceError(`${what} of ${length} bytes runs past the end of its message (${this.left} left)`, start);
    }
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** A gob string as text; throws when its bytes are not UTF-8 (`what` names it in the message). */
  readString(what: string): string {
    const start = this.offset;
    const bytes = this.readBytes(what);
    try {
      return UTF8.decode(bytes);
    } catch {
      throw persistenceError(`${what} is not valid UTF-8`, start);
    }
  }

  /**
   * A count of elements (map entries, slice items) that follow. Each element takes at least one byte,
   * so a count above the bytes left is corrupt: refusing it bounds every loop and array by the input.
   */
  readCount(what: string): number {
    const start = this.offset;
    const count = this.readUint();
    if (count > this.left) throw persistenceError(`${what} claims ${count} elements with ${this.left} bytes left`, start);
    return count;
  }

  /**
   * Reads one gob struct: field numbers arrive as positive deltas from the previous field (starting at
   * −1), zero ends the struct, and zero-valued fields are left out. Calls `readField` for each field
   * present, in increasing order, so no field can come twice; a number past `fieldCount` is refused.
   */
  readStruct(what: string, fieldCount: number, readField: (field: number) => void): void {
    let field = -1;
    for (;;) {
      const start = this.offset;
      const delta = this.readUint();
      if (delta === 0) return;
      field += delta;
      if (field >= fieldCount) throw persistenceError(`${what} has no field ${field} (it has ${fieldCount})`, start);
      readField(field);
    }
  }

  private readByte(): number {
    if (this.offset >= this.limit) {
      const detail = this.limit === this.bytes.length ? 'unexpected end of data' : 'unexpected end of message';
      throw persistenceError(detail, this.offset);
    }
    return this.bytes[this.offset++]!;
  }
}
