// Cuts a chunked byte stream into lines, carrying the unfinished line between chunks, with a length cap.

import { PushLimitError } from './push-limit-error.ts';

/**
 * Receives one line: its bytes are `buf[start, end)` without the line end, and `line` is its 1-based
 * number. `buf` is only valid during the call (it may be a chunk or the reader's carry buffer).
 */
export type LineSink = (buf: Uint8Array, start: number, end: number, line: number) => void;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const INITIAL_CARRY_BYTES = 4096;

/**
 * Splits chunks at `\n` and hands each line to a sink in order. Lines that lie inside one chunk are
 * passed as views of it (no copy); only the tail of a chunk that has no `\n` yet is copied into a
 * carry buffer, so memory stays bounded by `maxLineBytes` whatever the body size.
 *
 * Two leniencies of ours (SPEC product decisions): a `\r` right before `\n` is dropped (D2), and
 * `end()` hands over an unterminated last line instead of failing (D1).
 */
export class LineReader {
  readonly #maxLineBytes: number;
  readonly #sink: LineSink;
  #carry = new Uint8Array(0);
  #carryLength = 0;
  #line = 0;

  /** `maxLineBytes` caps a line's bytes, not counting its `\n` (a `\r` before it counts). */
  constructor(maxLineBytes: number, sink: LineSink) {
    this.#maxLineBytes = maxLineBytes;
    this.#sink = sink;
  }

  /** Feeds the next chunk; throws PushLimitError for an over-long line, or whatever the sink throws. */
  push(chunk: Uint8Array): void {
    let start = 0;
    if (this.#carryLength > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        this.#appendToCarry(chunk, 0, chunk.length);
        return;
      }
      this.#appendToCarry(chunk, 0, newline);
      const length = this.#carryLength;
      this.#carryLength = 0;
      this.#emitTerminated(this.#carry, 0, length);
      start = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline < 0) break;
      if (newline - start > this.#maxLineBytes) this.#tooLong();
      this.#emitTerminated(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.#appendToCarry(chunk, start, chunk.length);
  }

  /** The body ended cleanly: an unterminated last line is handed over as it is (D1, so no `\r` removal). */
  end(): void {
    if (this.#carryLength === 0) return;
    const length = this.#carryLength;
    this.#carryLength = 0;
    this.#sink(this.#carry, 0, length, ++this.#line);
  }

  #emitTerminated(buf: Uint8Array, start: number, end: number): void {
    if (end > start && buf[end - 1] === CARRIAGE_RETURN) end--;
    this.#sink(buf, start, end, ++this.#line);
  }

  #appendToCarry(chunk: Uint8Array, start: number, end: number): void {
    const needed = this.#carryLength + (end - start);
    if (needed > this.#maxLineBytes) this.#tooLong();
    if (needed > this.#carry.length) {
      const grown = new Uint8Array(Math.min(Math.max(needed, this.#carry.length * 2, INITIAL_CARRY_BYTES), this.#maxLineBytes));
      grown.set(this.#carry.subarray(0, this.#carryLength));
      this.#carry = grown;
    }
    this.#carry.set(chunk.subarray(start, end), this.#carryLength);
    this.#carryLength = needed;
  }

  #tooLong(): never {
    throw new PushLimitError('maxLineBytes', `line ${this.#line + 1} is longer than the limit of ${this.#maxLineBytes} bytes`);
  }
}
