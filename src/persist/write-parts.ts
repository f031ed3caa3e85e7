// Writing lists of byte parts to a file with writev: in awaited batches for large files, or at once at a position.
import { writevSync } from 'node:fs';

/** Bytes handed to one writev: big enough that a 600k-series snapshot takes ~100 calls, small enough to keep each short. */
const BATCH_BYTES = 1024 * 1024;
/** Parts handed to one writev: the kernel's IOV_MAX is 1024. */
const BATCH_PARTS = 1024;

/** Writes `parts` to an open file at its current position, in batches (see BATCH_BYTES) with an await between them. */
export async function writeParts(file: { writev(buffers: Uint8Array[]): Promise<{ bytesWritten: number }> }, parts: Iterable<Uint8Array>): Promise<void> {
  let batch: Uint8Array[] = [];
  let bytes = 0;
  for (const part of parts) {
    if (part.length === 0) continue;
    batch.push(part);
    bytes += part.length;
    if (bytes >= BATCH_BYTES || batch.length >= BATCH_PARTS) {
      await writeAll(file, batch, bytes);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) await writeAll(file, batch, bytes);
}

// writev may write less than asked (a full disk, a signal); the rest is written again, and a write that
// makes no progress is an error rather than a loop.
async function writeAll(file: { writev(buffers: Uint8Array[]): Promise<{ bytesWritten: number }> }, batch: Uint8Array[], bytes: number): Promise<void> {
  let remaining = batch;
  let left = bytes;
  while (left > 0) {
    const { bytesWritten } = await file.writev(remaining);
    if (bytesWritten <= 0) throw new Error('no progress writing the file');
    left -= bytesWritten;
    remaining = dropBytes(remaining, bytesWritten);
  }
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
