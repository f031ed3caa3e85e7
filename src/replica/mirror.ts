// The replica's local store kept equal to Redis: loaded whole at start and after a gap, then every change of the stream replayed in version order.
import type Redis from 'ioredis';
import type { Group } from '../model/group.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { decodeGroup } from '../stored/group-bytes.ts';
import { type StreamEntry, changeOfRecord, entriesOfRange, noticesOfRead } from './change-entries.ts';
import { type RedisCall, type RedisKeys, bufferCall, runScript, within } from './redis-connection.ts';
import type { RedisHealth } from './redis-health.ts';
import { SNAPSHOT } from './redis-scripts.ts';

/** How long one XREAD waits for new entries before it asks again. */
const BLOCK_MS = 1000;
/** Most entries one read takes. */
const READ_COUNT = 1000;
/** Wait after a failed read before the next attempt (the connection reconnects by itself meanwhile). */
const RETRY_MS = 100;

/**
 * The store at a version of Redis's state. `version` is the version of the last change the store holds
 * (its own writes included, committed by the writer at once) and `heldId` that change's stream id: every
 * entry up to it is held, so the tail waits for notices after it and a fetch reads records after it — each
 * record of another replica is read once, whether the tail or the writer (catching up) asked first.
 * Everything runs on the one JavaScript thread: a batch of entries is applied without a break.
 */
export class Mirror {
  readonly #store: Store;
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #health: RedisHealth;
  readonly #log: Logger;
  #version = 0;
  #heldId = '0-0';
  #synced = false;
  #resyncing: Promise<void> | undefined;
  #fetching: Promise<boolean> | undefined;
  #committing: Promise<unknown> | undefined;

  constructor(store: Store, client: Redis, keys: RedisKeys, health: RedisHealth, log: Logger) {
    this.#store = store;
    this.#client = client;
    this.#keys = keys;
    this.#health = health;
    this.#log = log;
  }

  get version(): number {
    return this.#version;
  }

  /** Whether the store has been loaded from Redis at least once: before that it holds nothing to decide on. */
  get synced(): boolean {
    return this.#synced;
  }

  /**
   * Runs `commit` (the writer's commit on Redis and, if it succeeds, on the store) while fetched entries
   * wait: they are applied only after it, so the writer's own change is applied by the writer (as decided,
   * and counted once if it is an expiry) and the fetch skips its entry.
   */
  async whileCommitting<T>(commit: () => Promise<T>): Promise<T> {
    const running = commit();
    this.#committing = running;
    try {
      return await running;
    } finally {
      if (this.#committing === running) this.#committing = undefined;
    }
  }

  /** The writer committed its own changes, the last of which made `version` under stream id `id`. */
  committed(version: number, id: string): void {
    this.#version = version;
    this.#heldId = id;
  }

  /**
   * Replays `entries` (in stream order) onto the store: those the store holds already are skipped. Returns
   * false at the first one that skips a version (the stream was trimmed past this replica's place, or
   * Redis lost its state): then only a resync can bring the store up to date.
   */
  apply(entries: readonly StreamEntry[]): boolean {
    for (const entry of entries) {
      if (entry.version > this.#version + 1) return false;
      // A read sent before a resync or a commit may bring entries the store holds already; one after the
      // held place that does not bring a new version means Redis lost its state and counts again.
      if (entry.version <= this.#version) {
        if (isAfter(entry.id, this.#heldId)) return false;
        continue;
      }
      this.#store.replay(changeOfRecord(entry.record));
      this.#version = entry.version;
      this.#heldId = entry.id;
    }
    return true;
  }

  /**
   * Reads the whole state and where the stream stood, in one step (SNAPSHOT), and replaces the store's
   * contents by it. One at a time: a resync asked for while one runs waits for that one.
   */
  resync(): Promise<void> {
    this.#resyncing ??= this.#load().finally(() => {
      this.#resyncing = undefined;
    });
    return this.#resyncing;
  }

  async #load(): Promise<void> {
    const [version, flat, id] = (await runScript(bufferCall(this.#client), SNAPSHOT, this.#keys, [])) as [Buffer, Buffer[], Buffer];
    const groups: Group[] = [];
    for (let i = 1; i < flat.length; i += 2) groups.push(decodeGroup(flat[i]!));
    this.#store.restore(groups);
    this.#version = Number(version.toString());
    this.#heldId = id.toString();
    this.#synced = true;
    this.#log.info('loaded the state from Redis', { groups: groups.length, version: this.#version });
  }

  /**
   * Brings the store up to `atLeast` (a version Redis reported; the store may be past it already): the
   * stream's entries after this replica's place, or a resync when they do not reach (trimmed) or Redis
   * lost its state.
   */
  async catchUp(atLeast: number): Promise<void> {
    while (this.#version < atLeast) {
      const before = this.#version;
      if (!(await this.#fetch()) || this.#version === before) {
        this.#log.warn('the change stream does not hold every change after this replica\'s place: loading the whole state', { version: this.#version });
        return this.resync();
      }
    }
  }

  /**
   * Inside whileCommitting, for a batch Redis committed after other replicas' changes: applies the entries
   * after the held place up to `version` (the version before the batch), reading exactly those. Resolves
   * whether the store is at `version` then, ready for the batch's own changes; if not (a resync came
   * between), the writer leaves them to the tail like any other replica's.
   */
  async applyUpTo(version: number): Promise<boolean> {
    while (this.#version < version) {
      const before = this.#version;
      if (!this.apply(await this.#readAfterHeld(Math.min(READ_COUNT, version - before))) || this.#version === before) return false;
    }
    return this.#version === version;
  }

  /**
   * Reads the records after `heldId` and applies them (after a commit in flight): one read at a time, which
   * whoever asks meanwhile shares. Resolves false when the stream skips a version (trimmed past this
   * replica's place, or Redis lost its state): only a resync helps then.
   */
  #fetch(): Promise<boolean> {
    this.#fetching ??= (async () => {
      try {
        const entries = await this.#readAfterHeld(READ_COUNT);
        // Its failure is the writer's to report.
        await this.#committing?.catch(() => {});
        return this.apply(entries);
      } finally {
        this.#fetching = undefined;
      }
    })();
    return this.#fetching;
  }

  /** The first `count` entries of the change stream after the one the store holds last. */
  async #readAfterHeld(count: number): Promise<StreamEntry[]> {
    return entriesOfRange(await bufferCall(this.#client)('XRANGE', [this.#keys.changes, `(${this.#heldId}`, '+', 'COUNT', String(count)]));
  }

  /**
   * Tails the notice stream on `tail` (a connection of its own: XREAD BLOCK holds it) until `stopped()`: loads
   * the state first, and again after every failure, since Redis may have restarted without its data. A
   * notice of a version the store does not hold yet has the records fetched; the replica's own changes,
   * which its writer applied already, cost a notice each, no record. A read that has not answered
   * `timeoutMs` after its block ended counts as a failure (Redis stalled).
   */
  async tail(tail: RedisCall, timeoutMs: number, stopped: () => boolean): Promise<void> {
    let fresh = false;
    while (!stopped()) {
      try {
        if (!fresh) {
          await this.resync();
          this.#health.answered();
          fresh = true;
        }
        const read = tail('XREAD', ['COUNT', String(READ_COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS', this.#keys.notices, this.#heldId]);
        const reply = await within(read, performance.now() + BLOCK_MS + timeoutMs);
        this.#health.answered();
        const last = noticesOfRead(reply).at(-1);
        if (last === undefined || !isAfter(last.id, this.#heldId)) continue;
        await this.#committing?.catch(() => {});
        if (isAfter(last.id, this.#heldId) && last.version <= this.#version) {
          // A change after the held one that does not bring a new version: Redis lost its state and counts again.
          this.#log.warn('Redis holds an older state than this replica: loading it', { version: this.#version, redis_version: last.version });
          fresh = false;
          continue;
        }
        await this.catchUp(last.version);
      } catch (error) {
        if (stopped()) return;
        this.#health.failed(error);
        fresh = false;
        await Bun.sleep(RETRY_MS);
      }
    }
  }
}

/** Whether stream id `a` (`<ms>-<seq>`) comes after `b`. */
function isAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs > bMs || (aMs === bMs && aSeq > bSeq);
}
