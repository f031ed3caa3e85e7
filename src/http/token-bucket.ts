// A token bucket as Go's rate.Limiter with rate.Every(interval) and a burst: the web config's rate_limit, and one per job for --push.max-pushes-per-second-per-job.
import type { RateLimit } from '../web-config/web-config.ts';

/** One bucket's state: `tokens` left at `atMs` (a monotonic clock in milliseconds). Owned and mutated by one limiter. */
export interface Bucket {
  tokens: number;
  atMs: number;
}

/** A bucket as it starts: full with `burst` tokens. */
export function fullBucket(limit: RateLimit, nowMs: number): Bucket {
  return { tokens: limit.burst, atMs: nowMs };
}

/**
 * Brings `bucket` up to `nowMs` (one token back per `intervalMs`, never more than `burst`) and takes a token:
 * returns 0 when one was taken, else the milliseconds until one is back (> 0; nothing is taken then).
 */
export function takeToken(bucket: Bucket, limit: RateLimit, nowMs: number): number {
  bucket.tokens = Math.min(limit.burst, bucket.tokens + (nowMs - bucket.atMs) / limit.intervalMs);
  bucket.atMs = nowMs;
  if (bucket.tokens < 1) return (1 - bucket.tokens) * limit.intervalMs;
  bucket.tokens -= 1;
  return 0;
}

/** Whether `bucket` has refilled by `nowMs`: it then acts as a fresh one would, so a limiter may forget it. */
export function isFull(bucket: Bucket, limit: RateLimit, nowMs: number): boolean {
  return bucket.tokens + (nowMs - bucket.atMs) / limit.intervalMs >= limit.burst;
}

/**
 * Returns `take`: true while a token is left (and spends it), false once the bucket is empty. The bucket
 * starts full with `burst` tokens and regains one per `intervalMs`, never more than `burst`, as Go's limiter.
 * `now` is a monotonic clock in milliseconds.
 */
export function tokenBucket(limit: RateLimit, now: () => number = performance.now.bind(performance)): () => boolean {
  const bucket = fullBucket(limit, now());
  return () => takeToken(bucket, limit, now()) === 0;
}
