// The Writer of a replica: the writes queued meanwhile decided together on the local mirror, then committed on Redis by one compare-and-set script, or decided again.
import type { RedisConfig } from '../flags.ts';
import type { Store, Write } from '../store/store.ts';
import type { WriteOutcome, Writer } from '../store/writer.ts';
import { SET_RECORD_SKIP, commitArgsOf } from './change-entries.ts';
import type { Mirror } from './mirror.ts';
import { DeadlineError, type RedisCall, type RedisKeys, runScript, within } from './redis-connection.ts';
import type { RedisHealth } from './redis-health.ts';
import { COMMIT } from './redis-scripts.ts';
import { ALL } from '../store/state-keys.ts';

/**
 * The stream keeps about this many changes (XADD MAXLEN ~): a replica that falls further behind, or starts
 * later, loads the whole state instead. 10 000 changes are seconds of pushes at full speed. It is also
 * COMMIT's window W: Redis keeps the keys written by the last W versions only, and refuses a batch decided
 * more than W versions ago (the replica catches up and decides it again): a replica that far behind is at the
 * limit of what the stream holds for it anyway.
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
 * Most writes committed by one script call. A batch is as large as the queue behind the commit in flight
 * (the pushes that arrived during one round trip): this bounds one script's run on Redis, which blocks
 * every other client meanwhile (64 pgbench groups: ~360 KB and ~4 ms of Redis's time at the 65 µs per
 * change measured in bench/README.md, against the 250 ms convergence the replicas aim at).
 */
const MAX_BATCH = 64;

interface Queued {
  readonly write: Write;
  readonly deadline: number;
  readonly answer: (outcome: WriteOutcome) => void;
}

/**
 * Makes the writes of this replica in the order asked, each within `config.timeoutMs` of being asked. One
 * commit is in flight at a time; the writes that queue behind it form the next batch (group commit: one
 * script call, one socket write and one round trip for all of them). A batch is decided exactly as a
 * single gateway decides its writes one after another (Store.decideInOrder), on the mirror at version V;
 * its changes are then committed together by COMMIT only if Redis is still at V, which makes every
 * replica's verdicts those of one gateway. On a conflict the mirror catches up and the whole batch is
 * decided again: a decision made on a state Redis did not keep is never answered, nor one that changes
 * nothing made on a state Redis has moved past. Once committed, the
 * changes are applied to the mirror at once, in order (read-your-writes), and, with `waitReplicas`, waited
 * for on Redis's replicas. A write whose commit is not known to have happened gets 503 — never a 2xx; if
 * it did happen, the tail brings it in like any other replica's change.
 */
export class RedisWriter implements Writer {
  readonly #store: Store;
  readonly #mirror: Mirror;
  readonly #call: RedisCall;
  readonly #keys: RedisKeys;
  readonly #config: RedisConfig;
  readonly #health: RedisHealth;
  #queue: Queued[] = [];
  #running = false;
  #conflicts = 0;

  constructor(store: Store, mirror: Mirror, call: RedisCall, keys: RedisKeys, config: RedisConfig, health: RedisHealth) {
    this.#store = store;
    this.#mirror = mirror;
    this.#call = call;
    this.#keys = keys;
    this.#config = config;
    this.#health = health;
  }

  /** Batches decided again because another replica changed state they read: what per-key checks keep low. */
  get conflicts(): number {
    return this.#conflicts;
  }

  write(write: Write): Promise<WriteOutcome> {
    const deadline = performance.now() + this.#config.timeoutMs;
    return new Promise((answer) => {
      this.#queue.push({ write, deadline, answer });
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH);
      // A write that waited past its deadline is answered alone, so it does not cut its batch's time short.
      const now = performance.now();
      for (const late of batch.filter((queued) => queued.deadline <= now)) late.answer(unavailable(new DeadlineError('timed out in the queue')));
      const live = batch.filter((queued) => queued.deadline > now);
      if (live.length === 0) continue;
      const outcomes = await this.#make(live.map((queued) => queued.write), Math.min(...live.map((queued) => queued.deadline)));
      live.forEach((queued, i) => queued.answer(outcomes[i]!));
    }
    this.#running = false;
  }

  async #make(writes: readonly Write[], deadline: number): Promise<WriteOutcome[]> {
    try {
      if (!this.#mirror.synced) await within(this.#mirror.resync(), deadline);
      for (;;) {
        const base = this.#mirror.version;
        const decisions = this.#store.decideInOrder(writes);
        const decided = decisions.map((decision): WriteOutcome => ({ kind: 'decided', decision }));
        // A batch that changes nothing (a quota refusal, a delete of a group this replica does not see) is
        // checked all the same: another replica may have made the change that makes it change something.
        const changes = decisions.flatMap((decision) => decision.change ?? []);
        const lastMs = String(Math.floor(Date.now() + deadline - performance.now() - REPLY_MARGIN_MS));
        // Every key any decision of the batch read (a decision without them, which cannot happen, reads all).
        const reads = new Set<string>();
        for (const decision of decisions) for (const key of decision.reads ?? [ALL]) reads.add(key);
        const args: (string | Uint8Array)[] = [String(base), STREAM_LENGTH, lastMs, SET_RECORD_SKIP, String(reads.size), ...reads];
        for (const decision of decisions) {
          if (decision.change === undefined) continue;
          const { op, record, keys } = commitArgsOf(decision.change);
          const writes = decision.writes ?? [ALL];
          args.push(op, record, String(keys.length), ...keys, String(writes.length), ...writes);
        }
        const reply = await this.#mirror.whileCommitting(async () => {
          const reply = (await within(runScript(this.#call, COMMIT, this.#keys, args), deadline)) as [number, number, string?, number?];
          // Only a resync can have changed the store meanwhile (fetched entries wait): then it is not the
          // state the batch was decided on, and the tail brings its changes in. Other replicas' changes
          // that Redis committed between the decision and the batch (to state it did not read) come first
          // on the store too, read from the stream; the batch's own changes are applied as decided.
          if (reply[0] === 1 && changes.length > 0 && this.#mirror.version === base && (await within(this.#mirror.applyUpTo(reply[3]!), deadline))) {
            for (const decision of decisions) this.#store.commit(decision);
            this.#mirror.committed(reply[1], String(reply[2]));
          }
          return reply;
        });
        this.#health.answered();
        if (reply[0] === 2) return writes.map(() => ({ kind: 'unavailable', reason: 'Redis took too long: the change was not applied' }));
        if (reply[0] !== 1) {
          this.#conflicts++;
          // Another replica's change came first: decide the whole batch again on the state that now holds.
          // Redis behind the version the batch was decided at has lost its state: only a resync helps.
          await within(reply[1] < base ? this.#mirror.resync() : this.#mirror.catchUp(reply[1]), deadline);
          continue;
        }
        if (this.#mirror.version < reply[1]) await within(this.#mirror.catchUp(reply[1]), deadline);
        const unconfirmed = changes.length === 0 ? undefined : await this.#waitForReplicas(deadline);
        return unconfirmed === undefined ? decided : writes.map(() => ({ kind: 'unavailable', reason: unconfirmed }));
      }
    } catch (error) {
      this.#health.failed(error);
      return writes.map(() => unavailable(error));
    }
  }

  // WAIT counts the replicas that have every write of this connection so far: this batch's included.
  async #waitForReplicas(deadline: number): Promise<string | undefined> {
    const wanted = this.#config.waitReplicas;
    if (wanted === 0) return undefined;
    // WAIT answers by its own timeout with the count so far: it must come before the write's deadline.
    const waitMs = Math.max(1, Math.floor(deadline - performance.now()) - WAIT_MARGIN_MS);
    const acknowledged = (await within(this.#call('WAIT', [String(wanted), String(waitMs)]), deadline)) as number;
    if (acknowledged >= wanted) return undefined;
    return `the change was applied on the Redis primary but only ${acknowledged} of ${wanted} Redis replicas have it (--storage.redis.wait-replicas)`;
  }
}

function unavailable(error: unknown): WriteOutcome {
  return { kind: 'unavailable', reason: `Redis did not take the change, so it may not have been applied: ${(error as Error).message}` };
}
