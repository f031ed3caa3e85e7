// Start-up: the snapshot (or a Go gateway's file), then every journal after it; damaged files are set aside, never lost.
import { copyFile, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../log.ts';
import { type Group, groupKeyOf } from '../model/group.ts';
import { importGoFile } from './go-import.ts';
import { journalPath } from './journal.ts';
import { JournalError, readJournal } from './journal-format.ts';
import { isSnapshot, readSnapshot } from './snapshot.ts';

/** What start-up found on disk. */
export interface Loaded {
  readonly groups: Group[];
  /** The journal generations still on disk (all replayed); a snapshot holding them lets them go. */
  readonly journalGenerations: number[];
  /** The first generation not used by any file on disk: where the journal continues. */
  readonly nextGeneration: number;
  /** True when something was read that is not yet in a snapshot of ours: a journal, or a Go file. */
  readonly needsSnapshot: boolean;
  /** Bytes of the snapshot of ours that was read; 0 when there was none. */
  readonly snapshotBytes: number;
}

/**
 * Reads `file` and its journals. A missing file is an empty store. A file that cannot be read or is not a
 * snapshot (cut short, damaged, foreign, of a newer version) is logged at error with the reason and
 * renamed `<file>.corrupt-<UTC time>`, and loading goes on without it; a Go gateway's file is imported
 * and copied to `<file>.go-backup` first. Journals are replayed in generation order, each up to its first
 * bad record: a torn last record (a crash mid-write) is dropped with a warning, a damaged record sets its
 * file aside as corrupt after the records before it were taken. Never throws for what the files hold.
 */
export async function loadPersisted(file: string, log: Logger): Promise<Loaded> {
  const groups = new Map<string, Group>();
  let firstGeneration = 0;
  let needsSnapshot = false;
  let snapshotBytes = 0;
  const bytes = await readIfPresent(file, log);
  if (bytes !== undefined) {
    try {
      if (isSnapshot(bytes)) {
        const snapshot = readSnapshot(bytes);
        for (const group of snapshot.groups) groups.set(group.key, group);
        firstGeneration = snapshot.journalGeneration;
        snapshotBytes = bytes.length;
        log.info('restored metrics', { file, groups: groups.size });
      } else {
        const imported = bytes.length === 0 ? undefined : importGoFile(bytes, log);
        if (imported === undefined) throw new Error(bytes.length === 0 ? 'the file is empty' : 'neither a snapshot of this gateway nor a Go gateway\'s file');
        await copyFile(file, `${file}.go-backup`);
        for (const group of imported) groups.set(group.key, group);
        needsSnapshot = true;
        log.info('imported the Go gateway\'s persistence file', { file, groups: groups.size, backup: `${file}.go-backup` });
      }
    } catch (error) {
      await setAside(file, (error as Error).message, log);
    }
  }

  await removeUnfinishedSnapshots(file, log);
  const generations = await journalGenerations(file);
  for (const generation of generations) {
    const path = journalPath(file, generation);
    if (generation < firstGeneration) {
      // Left behind when a snapshot that holds it was written but the gateway stopped before removing it.
      await unlink(path).catch(() => {});
      continue;
    }
    needsSnapshot = true;
    const journalBytes = await readIfPresent(path, log);
    if (journalBytes === undefined) continue;
    try {
      const contents = readJournal(journalBytes);
      for (const entry of contents.entries) {
        if (entry.kind === 'set') groups.set(entry.group.key, entry.group);
        else if (entry.kind === 'delete') groups.delete(groupKeyOf(entry.labels));
        else if (entry.kind === 'delete-many') for (const labels of entry.labels) groups.delete(groupKeyOf(labels));
        else groups.clear();
      }
      const problem = contents.problem;
      if (problem?.torn) {
        log.warn('dropped a torn last journal record', { file: path, offset: problem.offset, reason: problem.message, records: contents.entries.length });
      } else if (problem !== undefined) {
        await setAside(path, `${problem.message} at byte ${problem.offset}; the ${contents.entries.length} records before it were restored`, log);
      }
    } catch (error) {
      if (!(error instanceof JournalError)) throw error;
      await setAside(path, error.message, log);
    }
  }
  const kept = generations.filter((generation) => generation >= firstGeneration);
  const nextGeneration = Math.max(firstGeneration, ...kept.map((generation) => generation + 1));
  return { groups: [...groups.values()], journalGenerations: kept, nextGeneration, needsSnapshot, snapshotBytes };
}

/**
 * The file's bytes, or undefined when it does not exist or cannot be read (then it is set aside). Mapped
 * rather than read: its pages come from the page cache as they are touched, where reading a 96 MiB
 * snapshot into fresh memory cost ~230 ms more here, and every group's texts are copied out of it anyway
 * (the mapping goes with its last reference). A file system that cannot map is read the usual way. Only a
 * file cut short by another process during start-up could fault: ours are never written in place.
 */
async function readIfPresent(path: string, log: Logger): Promise<Uint8Array | undefined> {
  try {
    return (await stat(path)).size === 0 ? new Uint8Array(0) : Bun.mmap(path, { shared: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    await setAside(path, (error as Error).message, log);
    return undefined;
  }
}

/** Logs why `path` cannot be used and renames it `<path>.corrupt-<UTC time>`, so nothing overwrites it. */
async function setAside(path: string, reason: string, log: Logger): Promise<void> {
  const aside = `${path}.corrupt-${new Date().toISOString().replaceAll(':', '')}`;
  try {
    await rename(path, aside);
    log.error('cannot read persisted metrics; the file was set aside and start-up goes on without it', { file: path, err: reason, moved_to: aside });
  } catch (error) {
    log.error('cannot read persisted metrics, nor set the file aside', { file: path, err: reason, rename_err: (error as Error).message });
  }
}

/**
 * Removes `<file>.in_progress.<n>` temp files: a snapshot that was being written when the gateway was killed.
 * A finished one would have been renamed over the file, so what is left is incomplete by definition.
 */
async function removeUnfinishedSnapshots(file: string, log: Logger): Promise<void> {
  const prefix = `${basename(file)}.in_progress.`;
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const path = join(dirname(file), name);
    await unlink(path).then(
      () => log.info('removed an unfinished snapshot left by an earlier run', { file: path }),
      () => {},
    );
  }
}

/** The generations of the journal files beside `file`, in increasing order. */
async function journalGenerations(file: string): Promise<number[]> {
  const prefix = `${basename(file)}.journal-`;
  let names: string[];
  try {
    names = await readdir(dirname(file));
  } catch {
    return [];
  }
  const generations: number[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (/^(0|[1-9]\d*)$/.test(rest)) generations.push(Number(rest));
  }
  return generations.sort((a, b) => a - b);
}
