// The one seam every change goes through: handlers and the expiry timer hand a Write to a Writer, which decides where it is made.
import type { Decision, Store, Write } from './store.ts';

/**
 * What became of a write: decided (and, when its decision has a change, applied and as durable as the
 * writer promises), or not made at all because what must take it is unavailable; `reason` says why, for
 * the 503 the client gets.
 */
export type WriteOutcome = { readonly kind: 'decided'; readonly decision: Decision } | { readonly kind: 'unavailable'; readonly reason: string };

/**
 * Makes writes, one after another in the order asked. Implementations: this store alone (storeWriter),
 * with the journal's durability (http/local-writer.ts), or through Redis for replicas (replica/redis-writer.ts).
 * An outcome never says `decided` for a change that was not made.
 */
export interface Writer {
  write(write: Write): Promise<WriteOutcome>;
}

/** Writes to `store` alone, in memory: decided and committed at once, nothing to wait for. */
export function storeWriter(store: Store): Writer {
  return {
    write(write) {
      const decision = store.decide(write);
      store.commit(decision);
      return Promise.resolve({ kind: 'decided', decision });
    },
  };
}
