// The replica's local store kept equal to Redis: loaded whole at start and after a gap, then every change of the stream replayed in version order.
import type Redis from 'ioredis';
import type { Group } from '../model/group.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { decodeGroup } from '../stored/group-bytes.ts';
import { type Notice, type StreamEntry, changeOfRecord, entriesOfRange, noticesOfRead } from './change-entries.ts';
import { type RedisKeys, bufferCall, runScript } from './redis-connection.ts';
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
 * (its own writes included, committed by the writer at once); `lastId` the stream entry the tail has read
 * up to. Everything runs on the one JavaScript thread: a batch of entries is applied without a break.
 */
export class Mirror {
  readonly #store: Store;
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #health: RedisHealth;
  readonly #log: Logger;
  #version = 0;
  #lastId = '0-0';
  #synced = false;
  #resyncing: Promise<void> | undefined;
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
   * Runs `commit` (the writer's commit on Redis and, if it succeeds, on the store) while the tail holds back:
   * entries the tail reads meanwhile are applied only after it, so the writer's own change is applied by
   * the writer (as decided, and counted once if it is an expiry) and the tail skips its entry.
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

  /** The writer committed its own change, which made `version`: the tail will skip its entry. */
  committed(version: number): void {
    this.#version = version;
  }

  /**
   * Replays `entries` (in stream order) onto the store: those the store holds already are skipped. Returns
   * false at the first one that skips a version (the stream was trimmed past this replica's place, or
   * Redis lost its state): then only a resync can bring the store up to date.
   */
  apply(entries: readonly StreamEntry[]): boolean {
    for (const entry of entries) {
      if (entry.version > this.#version + 1) return false;
      // A read sent before a resync may bring entries older than the place the resync set.
      if (isAfter(entry.id, this.#lastId)) this.#lastId = entry.id;
      if (entry.version <= this.#version) continue;
      this.#store.replay(changeOfRecord(entry.record));
      this.#version = entry.version;
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
    this.#lastId = id.toString();
    this.#synced = true;
    this.#log.info('loaded the state from Redis', { groups: groups.length, version: this.#version });
  }

  /**
   * Brings the store up to `atLeast` (a version Redis reported): the stream's entries after this replica's
   * place, or a resync when they do not reach (trimmed) or Redis's version went back (it lost its state).
   */
  async catchUp(atLeast: number): Promise<void> {
    if (atLeast < this.#version) return this.resync();
    const reply = await this.#client.callBuffer('XRANGE', this.#keys.changes, `(${this.#lastId}`, '+');
    if (!this.apply(entriesOfRange(reply)) || this.#version < atLeast) await this.resync();
  }

  /**
   * Tails the notice stream on `tail` (a connection of its own: XREAD BLOCK holds it) until `stopped()`: loads
   * the state first, and again after every failure, since Redis may have restarted without its data.
   */
  async tail(tail: Redis, stopped: () => boolean): Promise<void> {
    let fresh = false;
    while (!stopped()) {
      try {
        if (!fresh) {
          await this.resync();
          this.#health.answered();
          fresh = true;
        }
        const reply = await tail.callBuffer('XREAD', 'COUNT', String(READ_COUNT), 'BLOCK', String(BLOCK_MS), 'STREAMS', this.#keys.notices, this.#lastId);
        this.#health.answered();
        if (!(await this.#follow(tail, noticesOfRead(reply)))) {
          this.#log.warn('the change stream skipped versions this replica has not seen: loading the whole state', { version: this.#version });
          fresh = false;
        }
      } catch (error) {
        if (stopped()) return;
        this.#health.failed(error);
        fresh = false;
        await Bun.sleep(RETRY_MS);
      }
    }
  }

  /**
   * Brings in the changes `notices` announce (the notices after this replica's place, in stream order):
   * the records of those the store does not hold yet, read from the change stream, and moves the place past
   * them all. The replica's own changes, which its writer applied already, cost a notice each, no record.
   * Returns false when a record it needs is gone (trimmed) or a version is skipped: only a resync helps then.
   */
  async #follow(tail: Redis, notices: readonly Notice[]): Promise<boolean> {
    const last = notices.at(-1);
    if (last === undefined) return true;
    // Its failure is the writer's to report.
    await this.#committing?.catch(() => {});
    const unseen = notices.find((notice) => notice.version > this.#version);
    if (unseen !== undefined) {
      const reply = await tail.callBuffer('XRANGE', this.#keys.changes, unseen.id, last.id);
      await this.#committing?.catch(() => {});
      if (!this.apply(entriesOfRange(reply)) || this.#version < last.version) return false;
    }
    if (isAfter(last.id, this.#lastId)) this.#lastId = last.id;
    return true;
  }
}

/** Whether stream id `a` (`<ms>-<seq>`) comes after `b`. */
function isAfter(a: string, b: string): boolean {
  const [aMs, aSeq] = a.split('-').map(Number) as [number, number];
  const [bMs, bSeq] = b.split('-').map(Number) as [number, number];
  return aMs > bMs || (aMs === bMs && aSeq > bSeq);
}
