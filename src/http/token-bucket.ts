// A token bucket for the web config's rate_limit: Go's rate.Limiter Allow() with rate.Every(interval) and a burst.
import type { RateLimit } from '../web-config/web-config.ts';

/**
 * Returns `take`: true while a token is left (and spends it), false once the bucket is empty. The bucket
 * starts full with `burst` tokens and regains one per `intervalMs`, never more than `burst`, as Go's limiter.
 * `now` is a monotonic clock in milliseconds.
 */
export function tokenBucket(limit: RateLimit, now: () => number = performance.now.bind(performance)): () => boolean {
  let tokens = limit.burst;
  let last = now();
  return () => {
    const t = now();
    tokens = Math.min(limit.burst, tokens + (t - last) / limit.intervalMs);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}
