// The delimited protobuf push body (SPEC §4.4): varint-length-prefixed MetricFamily messages, fed chunk by chunk.
import type { MetricFamily } from '../model/metric.ts';
import { ParseError } from './parse-error.ts';
import { MetricFamilyDecoder } from './protobuf-family.ts';
import { PushLimitError } from './push-limit-error.ts';

/** The default cap on one message, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Go reads a length prefix of at most five bytes (a varint32, though it may exceed 32 bits). */
const MAX_PREFIX_BYTES = 5;
/** The first carry buffer of a message cut by a chunk boundary; it grows, up to the message's length. */
const INITIAL_CARRY_BYTES = 64 * 1024;

/**
 * An incremental parser for one delimited protobuf body, with the same `push`/`end` contract as
 * TextParser. A message that lies inside one chunk is decoded where it is; only a message cut by a chunk
 * boundary is copied, into a buffer grown as its bytes arrive (never past its declared length, and a
 * length above `maxMessageBytes` is refused before anything is allocated).
 *
 * Two families of the same name: the later one wins and the earlier is dropped silently, as in Go
 * (SPEC §4.4). An empty body is an empty push. A body that ends inside a length prefix or a message is
 * refused with `unexpected EOF`, as the newest Go does; 1.5.1 accepted a body cut right after a length
 * prefix, or inside one, as if it had ended before it.
 *
 * Not reusable: after `end()` or after an error, every call throws.
 */
export class ProtobufParser {
  readonly #decoder: MetricFamilyDecoder;
  readonly #families = new Map<string, MetricFamily>();
  readonly #maxMessageBytes: number;
  #messages = 0;
  // The length prefix being read: its value so far and how many bytes it had.
  #prefix = 0;
  #prefixBytes = 0;
  // The message being collected across chunks (undefined between messages), its length and fill.
  #carry: Uint8Array | undefined;
  #length = 0;
  #filled = 0;
  #failure: ParseError | PushLimitError | undefined;
  #ended = false;

  /**
   * `maxMessageBytes` caps the length of one message (default 64 MiB); `maxSamples` the samples of the body
   * (none by default); `utf8Names` takes family names in UTF-8 (`--push.enable-utf8-names`).
   */
  constructor(options: { maxMessageBytes?: number; maxSamples?: number; utf8Names?: boolean } = {}) {
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#decoder = new MetricFamilyDecoder(options.maxSamples, options.utf8Names);
  }

  /** Feeds the next chunk of the body. Throws ParseError as soon as one is certain. The chunk is not kept. */
  push(chunk: Uint8Array): void {
    this.#checkUsable();
    try {
      this.#read(chunk);
    } catch (error) {
      if (error instanceof ParseError || error instanceof PushLimitError) this.#failure = error;
      throw error;
    }
  }

  /**
   * The body ended cleanly: returns the families, each under its last message, in the order their names
   * first appeared. Throws ParseError if the body ended inside a message. The caller owns the result.
   */
  end(): MetricFamily[] {
    this.#checkUsable();
    if (this.#prefixBytes > 0 || this.#carry !== undefined) {
      this.#failure = ParseError.withoutLine('unexpected EOF');
      throw this.#failure;
    }
    this.#ended = true;
    return [...this.#families.values()];
  }

  #read(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#carry !== undefined) {
        const take = Math.min(this.#length - this.#filled, chunk.length - i);
        this.#reserve(this.#filled + take);
        this.#carry.set(chunk.subarray(i, i + take), this.#filled);
        this.#filled += take;
        i += take;
        if (this.#filled === this.#length) {
          const carry = this.#carry;
          this.#carry = undefined;
          this.#decode(carry, 0, this.#length);
        }
        continue;
      }
      const byte = chunk[i++]!;
      // Multiplication, not shifts: a five-byte prefix can exceed 32 bits.
      this.#prefix += (byte & 0x7f) * 2 ** (7 * this.#prefixBytes);
      this.#prefixBytes++;
      if (byte >= 0x80) {
        if (this.#prefixBytes === MAX_PREFIX_BYTES) throw ParseError.withoutLine('invalid varint32 encountered');
        continue;
      }
      const length = this.#prefix;
      this.#prefix = 0;
      this.#prefixBytes = 0;
      if (length > this.#maxMessageBytes) {
        throw ParseError.withoutLine(
          `protobuf message ${this.#messages + 1} is ${length} bytes long, more than the limit of ${this.#maxMessageBytes} bytes`,
        );
      }
      if (chunk.length - i >= length) {
        // The whole message lies in this chunk: decode it where it is.
        this.#decode(chunk, i, i + length);
        i += length;
      } else {
        this.#length = length;
        this.#filled = 0;
        this.#carry = new Uint8Array(Math.min(length, INITIAL_CARRY_BYTES));
      }
    }
  }

  // Grows the carry buffer to hold at least `needed` bytes, doubling, never past the message length.
  #reserve(needed: number): void {
    const carry = this.#carry!;
    if (needed <= carry.length) return;
    const grown = new Uint8Array(Math.min(this.#length, Math.max(needed, carry.length * 2)));
    grown.set(carry.subarray(0, this.#filled));
    this.#carry = grown;
  }

  #decode(bytes: Uint8Array, start: number, end: number): void {
    const family = this.#decoder.decode(bytes, start, end, ++this.#messages);
    // A later family of the same name replaces the earlier one where that one stood.
    this.#families.set(family.name, family);
  }

  #checkUsable(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#ended) throw new Error('ProtobufParser: used after end()');
  }
}

/** Parses a whole delimited protobuf body at once (one `push` and `end`); see ProtobufParser for the contract. */
export function parseProtobuf(body: Uint8Array, options?: { maxMessageBytes?: number }): MetricFamily[] {
  const parser = new ProtobufParser(options);
  parser.push(body);
  return parser.end();
}
