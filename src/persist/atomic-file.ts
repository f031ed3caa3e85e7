// Writes a file so that a reader sees the old or the new one whole: temp file, fsync, rename, fsync the directory.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Bytes handed to one writev: big enough that a 600k-series snapshot takes ~100 calls, small enough to keep each short. */
const BATCH_BYTES = 1024 * 1024;
/** Parts handed to one writev: the kernel's IOV_MAX is 1024. */
const BATCH_PARTS = 1024;

/**
 * Writes `parts`, in order, to `path` atomically: into `<basename>.in_progress.<random>` in the same
 * directory (created with mode 0600, as Go does), fsync'd, renamed over `path`, and the directory fsync'd
 * so that the rename itself survives a power cut. Parts are written in batches with an await between
 * them, so other requests run while a large file is written; the parts must not change meanwhile. On any
 * error the temp file is removed and the error is thrown; `path` is then untouched.
 */
export async function writeAtomically(path: string, parts: Iterable<Uint8Array>): Promise<void> {
  const temp = join(dirname(path), `${basename(path)}.in_progress.${Math.floor(Math.random() * 1e9)}`);
  const file = await open(temp, 'wx', 0o600);
  try {
    await writeParts(file, parts);
    await file.sync();
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Writes `parts` to an open file at its current position, in batches (see BATCH_BYTES). */
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

/** fsync on a directory makes the entries created or renamed in it durable. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
