// SnappyFrameReader: the snappy framing format as Go's snappy.NewReader reads it (SPEC §4.1), chunked anywhere.
import { describe, expect, test } from 'bun:test';
import { maskedCrc32c } from '../../src/parse/crc32c.ts';
import { ParseError } from '../../src/parse/parse-error.ts';
import { SnappyFrameReader } from '../../src/parse/snappy-frames.ts';
import { snappyFramed } from '../helpers/metrics-proto.ts';

const encoder = new TextEncoder();
const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

/** Decodes `chunks` (each copied, then overwritten after use) and returns the data, or the ParseError message. */
function unframe(chunks: Uint8Array[]): string {
  const reader = new SnappyFrameReader();
  let out = '';
  try {
    for (const chunk of chunks) {
      const copy = chunk.slice();
      for (const block of reader.push(copy)) out += Buffer.from(block).toString('latin1');
      copy.fill(0xee);
    }
    reader.end();
  } catch (error) {
    if (error instanceof ParseError) return `error: ${error.message}`;
    throw error;
  }
  return out;
}

// Made by python-snappy's block compressor, framed and checksummed by an independent Python script.
const PYTHON_COMPRESSED = hex('ff060000734e61507059000e0000efa76c67081c6120310a6220320a');
const PYTHON_UNCOMPRESSED = hex('ff060000734e61507059010c0000efa76c676120310a6220320a');

describe('maskedCrc32c', () => {
  test('is CRC-32C (check value of "123456789" is 0xe3069283), masked as framing_format.txt says', () => {
    const crc = 0xe3069283;
    const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
    expect(maskedCrc32c(encoder.encode('123456789'), 0, 9)).toBe(masked);
  });
});

describe('SnappyFrameReader', () => {
  test('reads streams another implementation wrote, compressed and stored chunks', () => {
    expect(unframe([PYTHON_COMPRESSED])).toBe('a 1\nb 2\n');
    expect(unframe([PYTHON_UNCOMPRESSED])).toBe('a 1\nb 2\n');
  });

  test('an empty stream decodes to nothing', () => {
    expect(unframe([])).toBe('');
    expect(unframe([PYTHON_COMPRESSED.subarray(0, 10)])).toBe('');
  });

  const text = Array.from({ length: 12000 }, (_, i) => `m${i % 7}{i="${i}"} ${i}\n`).join('');
  const multi = snappyFramed(encoder.encode(text), { blockSize: 65536 });

  test('several full blocks, split at every offset of the first 300 bytes and around block borders', () => {
    expect(multi.length).toBeLessThan(text.length);
    const offsets = [...Array(300).keys(), multi.length - 1, multi.length];
    for (const offset of offsets) expect(unframe([multi.subarray(0, offset), multi.subarray(offset)])).toBe(text);
  });

  test.each([1, 3, 1000, 70000])('chunks of %i bytes', (size) => {
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < multi.length; at += size) chunks.push(multi.subarray(at, at + size));
    expect(unframe(chunks)).toBe(text);
  });

  test('stored chunks, small blocks, padding and skippable chunks mixed in', () => {
    const stored = snappyFramed(encoder.encode('x 1\n'), { uncompressed: true });
    const compressed = snappyFramed(encoder.encode('y 2\n'));
    const padding = [0xfe, 0x03, 0x00, 0x00, 0, 0, 0];
    const skippable = [0x80, 0x00, 0x00, 0x00];
    // A second stream identifier in the middle is allowed.
    const body = Uint8Array.from([...stored, ...padding, ...skippable, ...compressed]);
    for (let offset = 0; offset <= body.length; offset++) {
      expect(unframe([body.subarray(0, offset), body.subarray(offset)])).toBe('x 1\ny 2\n');
    }
  });

  // Go's reader errors: corrupt for broken data, unsupported for what the format reserves.
  test.each([
    ['a stream that does not start with the identifier', Uint8Array.from(PYTHON_COMPRESSED.subarray(10)), 'snappy: corrupt input'],
    ['raw block snappy (no framing)', hex('081c6120310a6220320a'), 'snappy: corrupt input'],
    ['a text body', encoder.encode('a 1\nb 2\n'), 'snappy: corrupt input'],
    ['a wrong stream identifier', hex('ff060000734e61507058'), 'snappy: corrupt input'],
    ['a stream identifier of the wrong length', hex('ff050000734e615070'), 'snappy: corrupt input'],
    ['a wrong checksum', hex('ff060000734e61507059000e0000efa76c68081c6120310a6220320a'), 'snappy: corrupt input'],
    ['a corrupt compressed block', hex('ff060000734e61507059000e0000efa76c6708ff6120310a6220320a'), 'snappy: corrupt input'],
    ['a data chunk shorter than its checksum', hex('ff060000734e6150705900030000efa76c'), 'snappy: corrupt input'],
    ['a stream cut inside a chunk', PYTHON_COMPRESSED.subarray(0, PYTHON_COMPRESSED.length - 1), 'snappy: corrupt input'],
    ['a stream cut inside a chunk header', PYTHON_COMPRESSED.subarray(0, 12), 'snappy: corrupt input'],
    ['a reserved unskippable chunk', hex('ff060000734e615070590200000000'), 'snappy: unsupported input'],
    ['a chunk longer than any valid one', hex('ff060000734e6150705980ffff01'), 'snappy: unsupported input'],
  ])('%s', (_why, body, message) => {
    expect(unframe([body])).toBe(`error: ${message}`);
  });

  test('a compressed block that decodes to more than 64 KiB is corrupt', () => {
    const big = snappyFramed(new Uint8Array(70000), { blockSize: 70000 });
    expect(unframe([big])).toBe('error: snappy: corrupt input');
  });
});
