// The 503s of a write that cannot be made durable: asked before a write is applied, and after.
import type { Persistence } from '../persist/persistence.ts';
import { textError } from './errors.ts';

/**
 * A 503 when the journal cannot take writes now (its last write failed and a retry just failed too), so
 * the write is refused before it changes anything; undefined when it may go ahead. Costs nothing while
 * the journal is healthy.
 */
export async function persistenceRefusal(persistence: Persistence): Promise<Response | undefined> {
  if (persistence.failure === undefined) return undefined;
  const reason = await persistence.unavailable();
  return reason === undefined ? undefined : textError(503, `cannot persist the change, so it was not applied: ${reason}`);
}

/**
 * Waits until the changes applied so far are durable; a 503 if the journal's write failed (the change is
 * applied in memory and its record is retried with the next write, but it was not acknowledged as durable).
 */
export async function unlessDurable(persistence: Persistence): Promise<Response | undefined> {
  try {
    await persistence.durable();
    return undefined;
  } catch (error) {
    return textError(503, `the change was applied but could not be made durable: ${(error as Error).message}`);
  }
}
