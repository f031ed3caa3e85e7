// The journal's appender: records of applied changes, made durable by group commit before their writes are acknowledged.
import { fstatSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './atomic-file.ts';
import { JOURNAL_HEADER_BYTES, journalHeader } from './journal-format.ts';
import { writePartsSync } from './write-parts.ts';

/** How far ahead a journal file is filled with zeros at a time: ~700 pgbench pushes, one fsync of its own. */
const PREALLOCATE_BYTES = 4 * 1024 * 1024;
/** A megabyte of zeros to write ahead with, shared and never written to. */
const ZEROS = new Uint8Array(1024 * 1024);

/**
 * A batch up to this size is copied into one reused buffer and written with a single write: writev of a
 * batch's many small parts (a record is ~12) copied ~2.6 µs per KB into the page cache in the server, one
 * contiguous buffer ~0.7 µs (memcpy into warm, reused memory included). Larger batches are written as parts.
 */
const STAGING_BYTES = 1024 * 1024;

/** Records appended while one generation was current, waiting to be written. */
interface Batch {
  readonly generation: number;
  readonly parts: Uint8Array[];
  bytes: number;
  waiters: { resolve: () => void; reject: (error: Error) => void }[];
}

/** The file of journal generation `generation` beside the persistence file. */
export function journalPath(file: string, generation: number): string {
  return `${file}.journal-${generation}`;
}

/**
 * Appends records to `<file>.journal-<generation>` files. `append` only queues (it runs inside the store's
 * synchronous apply); `sync` resolves once everything queued so far is written and fsync'd. One write and
 * one fsync cover every record queued while the previous ones ran (group commit), so concurrent pushers
 * share fsyncs instead of paying one each.
 *
 * A generation is fixed when a record is appended: `rotate` makes later records go to a new file, so a
 * snapshot taken at that moment holds exactly the records of the older files. Writes are positional at the
 * end of the last good record, so a write that failed halfway (a full disk) is overwritten by its retry
 * and never leaves a torn record in the middle of a file. A failed batch stays queued and is retried by the
 * next `sync` (its own waiters are told of the failure); `failure` says why until a write succeeds again.
 */
export class Journal {
  readonly #file: string;
  #generation: number;
  readonly #queue: Batch[] = [];
  #flushing: Promise<void> | undefined;
  /** The batch being written: records appended meanwhile start a new one. */
  #inFlight: Batch | undefined;
  #handle: FileHandle | undefined;
  #handleGeneration = -1;
  /** Bytes of the open file up to the end of its last fully written record. */
  #goodLength = 0;
  /** The open file's size: zeros written ahead of the records (see #preallocate). */
  #allocated = 0;
  #currentBytes = 0;
  #failure: string | undefined;
  #commits = 0;
  /** See STAGING_BYTES; allocated with the first batch. */
  #staging: Uint8Array | undefined;
  /** Generations below this are held by a durable snapshot: their records need no file any more. */
  #heldBelow = 0;

  /** Journals into generation `generation` (a new file: generations are never appended to across starts). */
  constructor(file: string, generation: number) {
    this.#file = file;
    this.#generation = generation;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Bytes appended to the current generation so far. */
  get currentBytes(): number {
    return this.#currentBytes;
  }

  /** Batches written and fsync'd so far: fewer than the records when concurrent writers shared them. */
  get commits(): number {
    return this.#commits;
  }

  /** Why the last write failed, while no write has succeeded since; undefined when healthy. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Queues one record (parts that must not change afterwards) in the current generation. Never throws. */
  append(parts: readonly Uint8Array[]): void {
    let batch = this.#queue.at(-1);
    if (batch === undefined || batch.generation !== this.#generation || batch === this.#inFlight) {
      batch = { generation: this.#generation, parts: [], bytes: 0, waiters: [] };
      this.#queue.push(batch);
    }
    for (const part of parts) {
      batch.parts.push(part);
      batch.bytes += part.length;
      this.#currentBytes += part.length;
    }
  }

  /**
   * Resolves when every record appended before the call is durable; rejects with the write's error if the
   * batch holding them could not be written (it stays queued and is retried by the next call).
   */
  sync(): Promise<void> {
    const batch = this.#queue.at(-1);
    if (batch === undefined || batch === this.#inFlight) {
      // Nothing queued but what is being written: wait for that, or for nothing.
      return this.#inFlight === undefined ? Promise.resolve() : this.#waitFor(this.#inFlight);
    }
    const done = this.#waitFor(batch);
    this.#flushing ??= this.#flushAfterThisTurn();
    return done;
  }

  #waitFor(batch: Batch): Promise<void> {
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  /** Starts a new generation for records appended from now on; returns its number. */
  rotate(): number {
    this.#generation++;
    this.#currentBytes = 0;
    return this.#generation;
  }

  /**
   * Forgets queued records of generations before `generation`, which a durable snapshot now holds: their
   * waiters are told they are durable.
   */
  discardBefore(generation: number): void {
    this.#heldBelow = Math.max(this.#heldBelow, generation);
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const batch = this.#queue[i]!;
      if (batch.generation >= generation || batch === this.#inFlight) continue;
      this.#queue.splice(i, 1);
      for (const waiter of batch.waiters) waiter.resolve();
    }
    // A failed batch waits at the front of the queue; once the snapshot holds it, the journal is healthy
    // again, even when its file was lost (the next record opens a new generation).
    if (this.#queue[0] === undefined || this.#queue[0].generation >= generation) this.#failure = undefined;
  }

  /** Writes whatever is queued, then closes the file. Rejects if the last write failed. */
  async close(): Promise<void> {
    if (this.#queue.length > 0) await this.sync();
    await this.#flushing;
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
  }

  // The first push of an event-loop turn would otherwise be written alone, at once, and the rest of the
  // turn's pushes one fdatasync later: waiting for the turn to end puts them all in one batch.
  async #flushAfterThisTurn(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.#flush();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue[0]!;
        this.#inFlight = batch;
        try {
          await this.#write(batch);
          this.#failure = undefined;
          this.#queue.shift();
          for (const waiter of batch.waiters) waiter.resolve();
        } catch (error) {
          this.#failure = (error as Error).message;
          const waiters = batch.waiters;
          // Kept at the front for the next sync; its current waiters get the error now.
          batch.waiters = [];
          for (const waiter of waiters) waiter.reject(error as Error);
          return;
        } finally {
          this.#inFlight = undefined;
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  async #write(batch: Batch): Promise<void> {
    // A snapshot holds it already (it was being written when the snapshot removed its file).
    if (batch.generation < this.#heldBelow) return;
    if (this.#handleGeneration !== batch.generation || this.#handle === undefined) await this.#openGeneration(batch.generation);
    const handle = this.#handle!;
    try {
      if (this.#goodLength + batch.bytes > this.#allocated) await this.#preallocate(handle, this.#goodLength + batch.bytes);
      // Positional: a retry after a partial write starts again at the end of the last good record.
      writePartsSync(handle.fd, this.#staged(batch), this.#goodLength);
      // fdatasync: the data and the size that makes it readable, without the mtime (measured ~40 % less
      // CPU per batch than fsync here, and the fsync is most of what a journalled push costs).
      await handle.datasync();
      // A file removed (or renamed over) while open takes every write with it: fsync succeeds on an inode
      // no path leads to. Such a write is not durable, and neither are the records before it.
      if (fstatSync(handle.fd).nlink === 0 && batch.generation >= this.#heldBelow) {
        throw new Error(`the journal file ${journalPath(this.#file, batch.generation)} was removed while in use`);
      }
    } catch (error) {
      // Opened again for the retry: the file or its directory may have been replaced meanwhile.
      this.#handle = undefined;
      await handle.close().catch(() => {});
      throw error;
    }
    this.#goodLength += batch.bytes;
    this.#commits++;
  }

  /** The batch's parts as one part in the staging buffer, when it fits (see STAGING_BYTES). */
  #staged(batch: Batch): readonly Uint8Array[] {
    if (batch.bytes > STAGING_BYTES) return batch.parts;
    this.#staging ??= new Uint8Array(STAGING_BYTES);
    let at = 0;
    for (const part of batch.parts) {
      this.#staging.set(part, at);
      at += part.length;
    }
    return [this.#staging.subarray(0, at)];
  }

  /**
   * Writes zeros from the file's end to past `needed` (whole PREALLOCATE_BYTES steps) and fsyncs them. Records
   * then overwrite blocks that exist, so a batch's fdatasync flushes only its data: appending instead makes
   * every fdatasync commit the file system's journal for the new size and blocks, which measured 2–3x the
   * CPU per batch and made the next write wait for that commit. The reader takes a zero tail as the end.
   */
  async #preallocate(handle: FileHandle, needed: number): Promise<void> {
    let end = this.#allocated;
    while (end < needed) end += PREALLOCATE_BYTES;
    const zeros: Uint8Array[] = [];
    for (let at = this.#allocated; at < end; at += ZEROS.length) zeros.push(ZEROS.subarray(0, Math.min(ZEROS.length, end - at)));
    writePartsSync(handle.fd, zeros, this.#allocated);
    await handle.sync();
    this.#allocated = end;
  }

  async #openGeneration(generation: number): Promise<void> {
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
    const path = journalPath(this.#file, generation);
    if (this.#handleGeneration === generation && this.#goodLength > JOURNAL_HEADER_BYTES) {
      // Records of this generation are on disk already: reopen without truncating, and write after them,
      // unless the file there now is not the one they were written to.
      const handle = await open(path, 'r+');
      const size = (await handle.stat()).size;
      if (size < this.#goodLength) {
        await handle.close().catch(() => {});
        throw new Error(`the journal file ${path} was replaced while in use`);
      }
      this.#handle = handle;
      this.#allocated = size;
      return;
    }
    // A new generation starts with its header; 'w' also restarts one whose creation failed halfway.
    const handle = await open(path, 'w', 0o600);
    try {
      await handle.writev([journalHeader(generation)], 0);
      await handle.sync();
      await syncDirectory(dirname(path));
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
    this.#handle = handle;
    this.#handleGeneration = generation;
    this.#goodLength = JOURNAL_HEADER_BYTES;
    this.#allocated = JOURNAL_HEADER_BYTES;
  }
}
