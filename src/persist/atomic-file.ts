// Writes a file so that a reader sees the old or the new one whole: temp file, fsync, rename, fsync the directory.
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writePartsBetweenTurns } from './write-parts.ts';

/**
 * Writes `parts`, in order, to `path` atomically: into `<basename>.in_progress.<random>` in the same
 * directory (created with mode 0600, as Go does), fsync'd, renamed over `path`, and the directory fsync'd
 * so that the rename itself survives a power cut. Parts are written a slice per event-loop turn, so other
 * requests run while a large file is written; the parts must not change meanwhile. On any
 * error the temp file is removed and the error is thrown; `path` is then untouched. Returns the bytes written.
 */
export async function writeAtomically(path: string, parts: Iterable<Uint8Array>): Promise<number> {
  const temp = join(dirname(path), `${basename(path)}.in_progress.${Math.floor(Math.random() * 1e9)}`);
  const file = await open(temp, 'wx', 0o600);
  let bytes: number;
  try {
    bytes = await writePartsBetweenTurns(file.fd, parts);
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
  return bytes;
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
