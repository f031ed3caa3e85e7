// Every expired group logged at info with its grouping labels, and its deletion made durable as a DELETE's is.
import type { Logger } from '../log.ts';
import type { Persistence } from '../persist/persistence.ts';
import type { Store } from '../store/store.ts';
import { labelsRecord } from './push.ts';

/**
 * Subscribes to `store`'s change feed for `delete` changes marked `expired`. The journal records them
 * like any delete; as no request waits on them, their records are flushed here rather than with the next
 * push's (a failed write is logged and counted by persistence). Returns a function that stops it.
 */
export function logExpiries(store: Store, log: Logger, persistence: Persistence | undefined): () => void {
  return store.subscribe((change) => {
    if (change.kind !== 'delete' || change.expired !== true) return;
    log.info('group expired', { grouping: labelsRecord(change.labels) });
    void persistence?.durable().catch(() => {});
  });
}
