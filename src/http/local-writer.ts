// The Writer of a gateway that is its own authority: the store in memory, and with --persistence.file the journal's durability around each write.
import type { Persistence } from '../persist/persistence.ts';
import type { Store } from '../store/store.ts';
import { type Writer, storeWriter } from '../store/writer.ts';
import { persistenceRefusal, unlessDurable } from './durability.ts';

/**
 * Without persistence, the store alone. With it, a write is refused before it changes anything when the
 * journal cannot take writes, and answered only once its change is durable (SPEC D6); a write that changed
 * nothing waits for nothing.
 */
export function localWriter(store: Store, persistence: Persistence | undefined): Writer {
  if (persistence === undefined) return storeWriter(store);
  return {
    async write(write) {
      const refusal = await persistenceRefusal(persistence);
      if (refusal !== undefined) return { kind: 'unavailable', reason: refusal };
      const decision = store.decide(write);
      store.commit(decision);
      if (decision.change === undefined) return { kind: 'decided', decision };
      const notDurable = await unlessDurable(persistence);
      return notDurable === undefined ? { kind: 'decided', decision } : { kind: 'unavailable', reason: notDurable };
    },
  };
}
