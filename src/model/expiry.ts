// When a group expires: its own TTL (chosen by its pusher) or the gateway's, counted from its last successful push.
import type { Group } from './group.ts';

/** How long groups live after their last successful push (`--metrics.ttl`, `--metrics.max-ttl`), in ms; 0 = no limit. */
export interface ExpiryPolicy {
  /** The TTL of a group whose pusher chose none; 0 = never expires. */
  readonly ttlMs: number;
  /** The most a pusher may choose (the header's bound); 0 = no bound. */
  readonly maxTtlMs: number;
}

/** No group ever expires unless its pusher asks: the default. */
export const NO_EXPIRY: ExpiryPolicy = Object.freeze({ ttlMs: 0, maxTtlMs: 0 });

/**
 * When `group` expires under `policy`, in ms since the epoch, or undefined when it never does. The clock
 * starts at its last successful push; a group no push ever succeeded for (it exists to show a failure)
 * counts from its last failure instead, so that the failure stays visible for one TTL. Its own TTL (see
 * Group.expireAfterMs) wins over the policy's, but never past the bound: a bound lowered since the group
 * chose its TTL (a restart with another `--metrics.max-ttl`) caps it, `never` included.
 */
export function expiryOf(group: Group, policy: ExpiryPolicy): number | undefined {
  let ttlMs = group.expireAfterMs ?? policy.ttlMs;
  if (group.expireAfterMs !== undefined && policy.maxTtlMs > 0 && (ttlMs === 0 || ttlMs > policy.maxTtlMs)) ttlMs = policy.maxTtlMs;
  if (ttlMs === 0) return undefined;
  const startSeconds = group.pushTime > 0 ? group.pushTime : group.failureTime;
  // Whole milliseconds, as the API and the UI show times (a push time imported from Go's file has nanoseconds).
  return Math.round(startSeconds * 1000) + ttlMs;
}
