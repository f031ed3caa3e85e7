// Writing lists of byte parts to a file with writev: a large file slice by slice between event-loop turns, or at once at a position.
import { writevSync } from 'node:fs';

/**
 * Bytes and parts handed to one writev of a large file. Each call holds the event loop while its bytes are
 * copied into the page cache (and the parts before it are produced): measured on a 96 MiB snapshot, the
 * longest stall was ~48 ms with 1 MiB / 1 024 parts per call and ~17 ms with 64 KiB / 64 parts, for ~1 500
 * calls in all. The kernel's IOV_MAX (1 024) is the hard limit on parts.
 */
const BATCH_BYTES = 64 * 1024;
const BATCH_PARTS = 64;

/**
 * Writes `parts` from the start of the file `fd`, one slice (see BATCH_BYTES) per event-loop turn, so
 * requests are served between slices. Each slice is written synchronously: a 99 MB snapshot took
 * 110–190 ms so, with stalls under 1 ms after the first, where a round trip through the thread pool per
 * slice took 330–680 ms. Returns the bytes written.
 */
export async function writePartsBetweenTurns(fd: number, parts: Iterable<Uint8Array>): Promise<number> {
  let batch: Uint8Array[] = [];
  let bytes = 0;
  let at = 0;
  for (const part of parts) {
    if (part.length === 0) continue;
    batch.push(part);
    bytes += part.length;
    if (bytes >= BATCH_BYTES || batch.length >= BATCH_PARTS) {
      at += writePartsSync(fd, batch, at);
      batch = [];
      bytes = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0) at += writePartsSync(fd, batch, at);
  return at;
}

function dropBytes(parts: Uint8Array[], count: number): Uint8Array[] {
  let skip = count;
  let i = 0;
  while (i < parts.length && skip >= parts[i]!.length) skip -= parts[i++]!.length;
  const rest = parts.slice(i);
  if (skip > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}

/**
 * Writes `parts` at `position` of the file `fd`, synchronously, and returns the bytes written. For the
 * journal's small batches, which land in the page cache in microseconds: cheaper than a round trip through
 * the thread pool per batch (the fsync that follows is what takes time, and that one is awaited).
 */
export function writePartsSync(fd: number, parts: readonly Uint8Array[], position: number): number {
  let at = position;
  for (let i = 0; i < parts.length; i += BATCH_PARTS) {
    let remaining = parts.slice(i, i + BATCH_PARTS);
    let left = 0;
    for (const part of remaining) left += part.length;
    while (left > 0) {
      const written = writevSync(fd, remaining, at);
      if (written <= 0) throw new Error('no progress writing the file');
      at += written;
      left -= written;
      remaining = dropBytes(remaining, written);
    }
  }
  return at - position;
}
