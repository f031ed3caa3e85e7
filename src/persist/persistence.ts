// Keeps the store on disk: a journal of every change (durable before its write is acknowledged) and snapshots on Go's schedule.
import { unlink } from 'node:fs/promises';
import type { Logger } from '../log.ts';
import type { ChangeListener } from '../model/change.ts';
import type { Group } from '../model/group.ts';
import { encodeGroup } from '../stored/group-bytes.ts';
import { writeAtomically } from './atomic-file.ts';
import { Journal, journalPath } from './journal.ts';
import { changeRecord } from './journal-format.ts';
import type { Loaded } from './load.ts';
import { snapshotParts } from './snapshot.ts';

/**
 * A fold writes the whole store, so folding at a fixed size costs more the larger the store: at 10 000
 * groups a 94 MB snapshot for every 64 MiB of journal cost more CPU per push than the journal itself
 * (bench/README.md). Folding only once the journal holds twice the last snapshot's bytes bounds a fold's
 * share at half a snapshot byte per journalled byte, at the price of replaying up to that much after a
 * crash (Redis rewrites its append-only file by the same kind of rule).
 */
const FOLD_RATIO = 2;

/** How long after a failed journal write a snapshot is tried to make everything durable again. */
const RECOVERY_DELAY_MS = 1000;

/** What persistence needs of the store: its change feed and its current groups. */
export interface ChangeSource {
  subscribe(listener: ChangeListener): () => void;
  groups(): readonly Group[];
}

export interface PersistenceOptions {
  /** `--persistence.file`. */
  readonly file: string;
  /** `--persistence.interval`: at most one scheduled snapshot per interval (SPEC §8). */
  readonly intervalMs: number;
  /** Journal every change and make it durable before it is acknowledged (SPEC D6); false = Go's behaviour. */
  readonly journal: boolean;
  /**
   * A journal generation past this many bytes, and past FOLD_RATIO times the last snapshot, is folded into a
   * snapshot at once.
   */
  readonly foldBytes: number;
  readonly log: Logger;
  /** When the process started, ms since the epoch: Go's schedule counts the first interval from there. */
  readonly startedAtMs: number;
}

/**
 * Persistence of one store, fed by its change feed. Snapshots follow Go's schedule exactly (SPEC §8): idle,
 * nothing is written; the first change after a quiet interval is written at once; a burst is written at
 * most once per interval; and once more at `close`. With the journal on, every change is also appended to
 * the journal and `durable()` resolves once it is on disk, so a 2xx can wait for it; a snapshot rotates
 * the journal first, and removes the generations it holds once it is safely renamed into place.
 */
export class Persistence {
  readonly #options: PersistenceOptions;
  readonly #journal: Journal | undefined;
  /** Every group's encodeGroup parts, by the immutable group: journalled groups are not encoded again for a snapshot. */
  readonly #heads = new WeakMap<Group, Uint8Array[]>();
  /** The oldest journal generation that may still be on disk: the next snapshot holds it and all up to its own. */
  #oldestGeneration: number;
  /** Without the journal: the generation the next snapshot names, past every journal left on disk. */
  readonly #generation: number;
  #source: ChangeSource | undefined;
  #unsubscribe: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastWriteStartMs: number;
  #writing: Promise<void> | undefined;
  #closed = false;
  #recoveryPending = false;
  #errors = 0;
  #lastWriteSeconds = 0;
  /** Bytes of the snapshot on disk (the one loaded, then each one written): the fold bound scales with it. */
  #snapshotBytes: number;

  constructor(options: PersistenceOptions, loaded: Loaded) {
    this.#options = options;
    this.#lastWriteStartMs = options.startedAtMs;
    this.#oldestGeneration = Math.min(loaded.nextGeneration, ...loaded.journalGenerations);
    this.#generation = loaded.nextGeneration;
    this.#snapshotBytes = loaded.snapshotBytes;
    this.#journal = options.journal ? new Journal(options.file, loaded.nextGeneration) : undefined;
  }

  /** Failed snapshot and journal writes so far (`pushgateway_persistence_errors_total`). */
  get errors(): number {
    return this.#errors;
  }

  /** Unix seconds of the last successful snapshot or journal write; 0 = none yet. */
  get lastWriteSeconds(): number {
    return this.#lastWriteSeconds;
  }

  /**
   * Starts listening to `source`, whose groups are what was loaded. `snapshotNow` writes a snapshot at once
   * (after an import or a journal replay, so that what was read is held by a snapshot of ours).
   */
  attach(source: ChangeSource, snapshotNow: boolean): void {
    this.#source = source;
    this.#unsubscribe = source.subscribe(this.#onChange);
    if (snapshotNow) this.#snapshotSoon(0);
  }

  readonly #onChange: ChangeListener = (change) => {
    const journal = this.#journal;
    if (journal !== undefined) {
      switch (change.kind) {
        case 'push':
        case 'failure': {
          const parts = encodeGroup(change.group);
          this.#heads.set(change.group, parts);
          journal.append(changeRecord(change, parts));
          break;
        }
        case 'delete':
        case 'delete-many':
        case 'wipe':
          journal.append(changeRecord(change));
          break;
        case 'restore':
          // A wholesale replacement is not a record: it is held by a snapshot, written now. Until that
          // snapshot is renamed into place a crash would replay the older journal instead.
          // A restore while running is a replica's resync (src/replica/), and replicas run without a
          // persistence file (the flags refuse both), so only the restore at start comes here.
          this.#snapshotSoon(0);
          return;
      }
      if (journal.currentBytes >= Math.max(this.#options.foldBytes, FOLD_RATIO * this.#snapshotBytes)) {
        this.#snapshotSoon(0);
        return;
      }
    }
    if (this.#timer === undefined) this.#snapshotSoon(Math.max(0, this.#lastWriteStartMs + this.#options.intervalMs - Date.now()));
  };

  /** Why the journal's last write failed, while none has succeeded since; undefined when healthy (checked before every write). */
  get failure(): string | undefined {
    return this.#journal?.failure;
  }

  /**
   * Why a write cannot be made durable now (the journal's last write failed and a retry failed too), or
   * undefined. A push handler asks before applying, so a write that would not be durable changes nothing.
   */
  async unavailable(): Promise<string | undefined> {
    const journal = this.#journal;
    if (journal?.failure === undefined) return undefined;
    try {
      await journal.sync();
      return undefined;
    } catch (error) {
      this.#failed('journal', error);
      this.#recover();
      return journal.failure ?? (error as Error).message;
    }
  }

  /** Resolves when every change applied so far is durable (at once without the journal); rejects with the write's error. */
  async durable(): Promise<void> {
    const journal = this.#journal;
    if (journal === undefined) return;
    try {
      await journal.sync();
      this.#lastWriteSeconds = Date.now() / 1000;
    } catch (error) {
      this.#failed('journal', error);
      this.#recover();
      throw error;
    }
  }

  // After a failed journal write, a snapshot makes everything applied durable again, even records whose
  // file was lost, and lets the journal start a new generation. Tried at most once per RECOVERY_DELAY_MS,
  // so an outage that lasts costs one attempt (and one log line) a second, not one per push.
  #recover(): void {
    if (this.#closed || this.#recoveryPending) return;
    this.#recoveryPending = true;
    setTimeout(() => {
      this.#recoveryPending = false;
      void this.#snapshotAfterCurrent();
    }, RECOVERY_DELAY_MS).unref();
  }

  /** Stops listening, writes what is queued and a last snapshot (even of an unchanged or empty store, as Go does). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writing;
    await this.#journal?.close().catch((error: unknown) => this.#failed('journal', error));
    await this.#snapshot();
  }

  #snapshotSoon(delayMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#snapshotAfterCurrent();
    }, delayMs);
  }

  async #snapshotAfterCurrent(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    if (!this.#closed) await this.#snapshot();
  }

  /** Writes one snapshot of the source's current groups; failures are logged and counted, never thrown. */
  async #snapshot(): Promise<void> {
    const source = this.#source;
    if (source === undefined) return;
    let release!: () => void;
    this.#writing = new Promise((resolve) => (release = resolve));
    this.#lastWriteStartMs = Date.now();
    try {
      // From here on changes go to a new journal generation; the groups taken at this same moment are
      // exactly the older generations plus the previous snapshot.
      const generation = this.#journal?.rotate() ?? this.#generation;
      const groups = source.groups();
      const started = performance.now();
      this.#snapshotBytes = await writeAtomically(this.#options.file, snapshotParts(groups, generation, this.#heads));
      this.#lastWriteSeconds = Date.now() / 1000;
      this.#journal?.discardBefore(generation);
      for (let old = this.#oldestGeneration; old < generation; old++) await unlink(journalPath(this.#options.file, old)).catch(() => {});
      this.#oldestGeneration = generation;
      this.#options.log.debug('metrics persisted', { file: this.#options.file, groups: groups.length, ms: Math.round(performance.now() - started) });
    } catch (error) {
      this.#failed('snapshot', error);
    } finally {
      this.#writing = undefined;
      release();
    }
  }

  #failed(what: string, error: unknown): void {
    this.#errors++;
    this.#options.log.error(`error persisting metrics (${what})`, { file: this.#options.file, err: (error as Error).message });
  }
}
