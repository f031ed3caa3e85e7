// Framed snappy (Content-Encoding: snappy, SPEC §4.1) → the bytes it wraps, frame by frame as the body arrives.
import { uncompress } from 'snappyjs';
import { maskedCrc32c } from './crc32c.ts';
import { ParseError } from './parse-error.ts';

// Chunk types of framing_format.txt.
const COMPRESSED_DATA = 0x00;
const UNCOMPRESSED_DATA = 0x01;
const LAST_UNSKIPPABLE = 0x7f;
const STREAM_IDENTIFIER = 0xff;
const STREAM_MAGIC = [0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]; // "sNaPpY"

const HEADER_BYTES = 4;
const CHECKSUM_BYTES = 4;
/** The most bytes one data chunk may decode to. */
const MAX_BLOCK_BYTES = 65536;
/** Go's reader refuses longer chunks: the worst-case encoding of a full block, plus its checksum. */
const MAX_CHUNK_BYTES = 32 + MAX_BLOCK_BYTES + MAX_BLOCK_BYTES / 6 + CHECKSUM_BYTES;

// Go's snappy errors, worded as its reader words them.
const corrupt = (): ParseError => ParseError.withoutLine('snappy: corrupt input');
const unsupported = (): ParseError => ParseError.withoutLine('snappy: unsupported input');

/**
 * Undoes the snappy framing format as Go's `snappy.NewReader` does (the format `snzip` and Go clients
 * write; raw block snappy is not accepted): the stream must start with the identifier chunk, every data
 * chunk's masked CRC-32C is verified, padding and reserved skippable chunks are skipped, reserved
 * unskippable ones are refused. The block codec is snappyjs; only the frames are read here.
 *
 * Memory is bounded by one chunk (< 77 KB) whatever the body size: a chunk cut by the end of a body
 * chunk is carried over, anything else is decoded where it lies. Throws ParseError
 * (`snappy: corrupt input` / `snappy: unsupported input`, Go's texts). Not reusable after an error.
 */
export class SnappyFrameReader {
  readonly #header = new Uint8Array(HEADER_BYTES);
  #headerLength = 0;
  /** Type of the chunk being read, -1 between chunks. */
  #type = -1;
  #length = 0;
  #carry: Uint8Array | undefined;
  #filled = 0;
  #started = false;

  /**
   * Reads the next bytes of the body and yields each block of decoded data as soon as its chunk is
   * complete. A yielded block is only valid until the generator resumes: it may be a view of `chunk`
   * or of a buffer the next chunk overwrites.
   */
  *push(chunk: Uint8Array): Generator<Uint8Array> {
    let i = 0;
    while (i < chunk.length) {
      if (this.#type < 0) {
        const take = Math.min(HEADER_BYTES - this.#headerLength, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerLength);
        this.#headerLength += take;
        i += take;
        if (this.#headerLength < HEADER_BYTES) return;
        this.#headerLength = 0;
        this.#startChunk();
        // Only padding and skippable chunks can be empty; they hold nothing to wait for.
        if (this.#length === 0) {
          this.#type = -1;
          continue;
        }
      }
      const missing = this.#length - this.#filled;
      if (this.#filled === 0 && chunk.length - i >= missing) {
        // The whole chunk lies in this piece of the body: decode it where it is.
        const block = this.#finishChunk(chunk, i, i + missing);
        i += missing;
        if (block !== undefined) yield block;
        continue;
      }
      const take = Math.min(missing, chunk.length - i);
      this.#carry ??= new Uint8Array(MAX_CHUNK_BYTES);
      this.#carry.set(chunk.subarray(i, i + take), this.#filled);
      this.#filled += take;
      i += take;
      if (this.#filled === this.#length) {
        const block = this.#finishChunk(this.#carry, 0, this.#length);
        if (block !== undefined) yield block;
      }
    }
  }

  /** The body ended: throws if it ended inside a chunk. An empty body is a valid, empty stream. */
  end(): void {
    if (this.#headerLength > 0 || this.#type >= 0) throw corrupt();
  }

  // Checks a chunk header as Go does before reading the chunk's bytes.
  #startChunk(): void {
    const type = this.#header[0]!;
    const length = this.#header[1]! | (this.#header[2]! << 8) | (this.#header[3]! << 16);
    if (!this.#started && type !== STREAM_IDENTIFIER) throw corrupt();
    this.#started = true;
    if (length > MAX_CHUNK_BYTES) throw unsupported();
    if ((type === COMPRESSED_DATA || type === UNCOMPRESSED_DATA) && length < CHECKSUM_BYTES) throw corrupt();
    if (type === UNCOMPRESSED_DATA && length - CHECKSUM_BYTES > MAX_BLOCK_BYTES) throw corrupt();
    if (type === STREAM_IDENTIFIER && length !== STREAM_MAGIC.length) throw corrupt();
    if (type > UNCOMPRESSED_DATA && type <= LAST_UNSKIPPABLE) throw unsupported();
    this.#type = type;
    this.#length = length;
    this.#filled = 0;
  }

  // The chunk's bytes are `bytes[start, end)`: returns its decoded data, or undefined for chunks without any.
  #finishChunk(bytes: Uint8Array, start: number, end: number): Uint8Array | undefined {
    const type = this.#type;
    this.#type = -1;
    if (type === STREAM_IDENTIFIER) {
      for (let k = 0; k < STREAM_MAGIC.length; k++) if (bytes[start + k] !== STREAM_MAGIC[k]) throw corrupt();
      return undefined;
    }
    if (type !== COMPRESSED_DATA && type !== UNCOMPRESSED_DATA) return undefined; // padding, reserved skippable
    const checksum = (bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | (bytes[start + 3]! << 24)) >>> 0;
    let data = bytes.subarray(start + CHECKSUM_BYTES, end);
    if (type === COMPRESSED_DATA) {
      try {
        data = uncompress(data, MAX_BLOCK_BYTES);
      } catch {
        throw corrupt();
      }
    }
    // snappyjs does not check that a block fills exactly its declared length; the checksum catches that too.
    if (maskedCrc32c(data, 0, data.length) !== checksum) throw corrupt();
    return data;
  }
}
