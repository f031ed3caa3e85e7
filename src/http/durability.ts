// Why a write cannot be made durable: asked before a write is applied, and after.
import type { Persistence } from '../persist/persistence.ts';

/**
 * Why the write must be refused before it changes anything, when the journal cannot take writes now (its
 * last write failed and a retry just failed too); undefined when it may go ahead. Costs nothing while the
 * journal is healthy.
 */
export async function persistenceRefusal(persistence: Persistence): Promise<string | undefined> {
  if (persistence.failure === undefined) return undefined;
  const reason = await persistence.unavailable();
  return reason === undefined ? undefined : `cannot persist the change, so it was not applied: ${reason}`;
}

/**
 * Waits until the changes applied so far are durable; why not, if the journal's write failed (the change
 * is applied in memory and its record is retried with the next write, but it was not acknowledged as durable).
 */
export async function unlessDurable(persistence: Persistence): Promise<string | undefined> {
  try {
    await persistence.durable();
    return undefined;
  } catch (error) {
    return `the change was applied but could not be made durable: ${(error as Error).message}`;
  }
}
