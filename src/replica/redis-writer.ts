// The Writer of a replica: each write decided on the local mirror, then committed on Redis by one compare-and-set script, or decided again.
import type Redis from 'ioredis';
import type { RedisConfig } from '../flags.ts';
import type { Store, Write } from '../store/store.ts';
import type { WriteOutcome, Writer } from '../store/writer.ts';
import { SET_RECORD_SKIP, commitArgsOf } from './change-entries.ts';
import type { Mirror } from './mirror.ts';
import { type RedisKeys, runScript, within } from './redis-connection.ts';
import type { RedisHealth } from './redis-health.ts';
import { COMMIT } from './redis-scripts.ts';

/**
 * The stream keeps about this many changes (XADD MAXLEN ~): a replica that falls further behind, or starts
 * later, loads the whole state instead. 10 000 changes are seconds of pushes at full speed.
 */
const STREAM_LENGTH = '10000';
/**
 * The commit script refuses to run this long before the write's deadline: a commit that does run leaves its
 * answer that much time to arrive, so a write answered 503 for want of an answer was, in all likelihood, not made.
 */
const REPLY_MARGIN_MS = 50;
/** WAIT's own timeout ends this long before the write's deadline, so its answer (the count) arrives in time. */
const WAIT_MARGIN_MS = 100;

/**
 * Makes the writes of this replica one at a time, in the order asked (a queue), each within
 * `config.timeoutMs` of being asked. A write is decided exactly as a single gateway decides it, on the
 * mirror at version V; its change is then committed by COMMIT only if Redis is still at V, which makes
 * every replica's verdicts those of one gateway. A refusal that changes nothing (a quota) is answered at
 * once. On a conflict the mirror catches up and the write is decided again. Once committed, the change is
 * applied to the mirror at once (read-your-writes) and, with `waitReplicas`, waited for on Redis's
 * replicas. A write whose commit is not known to have happened gets 503 — never a 2xx; if it did happen,
 * the tail brings it in like any other replica's change.
 */
export class RedisWriter implements Writer {
  readonly #store: Store;
  readonly #mirror: Mirror;
  readonly #client: Redis;
  readonly #keys: RedisKeys;
  readonly #config: RedisConfig;
  readonly #health: RedisHealth;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(store: Store, mirror: Mirror, client: Redis, keys: RedisKeys, config: RedisConfig, health: RedisHealth) {
    this.#store = store;
    this.#mirror = mirror;
    this.#client = client;
    this.#keys = keys;
    this.#config = config;
    this.#health = health;
  }

  write(write: Write): Promise<WriteOutcome> {
    const deadline = performance.now() + this.#config.timeoutMs;
    const outcome = this.#queue.then(() => this.#make(write, deadline));
    this.#queue = outcome;
    return outcome;
  }

  async #make(write: Write, deadline: number): Promise<WriteOutcome> {
    try {
      if (!this.#mirror.synced) await within(this.#mirror.resync(), deadline);
      for (;;) {
        const base = this.#mirror.version;
        const decision = this.#store.decide(write);
        const change = decision.change;
        if (change === undefined) return { kind: 'decided', decision };
        const { op, record, keys } = commitArgsOf(change);
        const lastMs = String(Math.floor(Date.now() + deadline - performance.now() - REPLY_MARGIN_MS));
        const args = [String(base), op, STREAM_LENGTH, record, SET_RECORD_SKIP, lastMs, ...keys];
        const reply = await this.#mirror.whileCommitting(async () => {
          const reply = (await within(runScript(this.#client, COMMIT, this.#keys, args), deadline)) as number[];
          // Only a resync can have changed the store meanwhile (the tail holds back): then it is not the
          // state the change was decided on, and the change is brought in from the stream below.
          if (reply[0] === 1 && this.#mirror.version === base) {
            this.#store.commit(decision);
            this.#mirror.committed(reply[1]!);
          }
          return reply;
        });
        this.#health.answered();
        if (reply[0] === 2) return { kind: 'unavailable', reason: 'Redis took too long: the change was not applied' };
        if (reply[0] !== 1) {
          // Another replica's change came first: decide again on the state that now holds.
          await within(this.#mirror.catchUp(reply[1]!), deadline);
          continue;
        }
        if (this.#mirror.version < reply[1]!) await within(this.#mirror.catchUp(reply[1]!), deadline);
        const unconfirmed = await this.#waitForReplicas(deadline);
        return unconfirmed === undefined ? { kind: 'decided', decision } : { kind: 'unavailable', reason: unconfirmed };
      }
    } catch (error) {
      this.#health.failed(error);
      return { kind: 'unavailable', reason: `Redis did not take the change, so it may not have been applied: ${(error as Error).message}` };
    }
  }

  // WAIT counts the replicas that have every write of this connection so far: this one's included.
  async #waitForReplicas(deadline: number): Promise<string | undefined> {
    const wanted = this.#config.waitReplicas;
    if (wanted === 0) return undefined;
    // WAIT answers by its own timeout with the count so far: it must come before the write's deadline.
    const waitMs = Math.max(1, Math.floor(deadline - performance.now()) - WAIT_MARGIN_MS);
    const acknowledged = (await within(this.#client.call('WAIT', wanted, waitMs), deadline)) as number;
    if (acknowledged >= wanted) return undefined;
    return `the change was applied on the Redis primary but only ${acknowledged} of ${wanted} Redis replicas have it (--storage.redis.wait-replicas)`;
  }
}
