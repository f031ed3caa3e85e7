// --push.max-pushes-per-second-per-job: a token bucket per job value, refused before the body is read, in a map that cannot grow without bound.
import { QUOTA_FLAGS } from '../model/quotas.ts';
import type { RateLimit } from '../web-config/web-config.ts';
import { textError } from './errors.ts';
import { type Bucket, fullBucket, isFull, takeToken } from './token-bucket.ts';

/** Below this many buckets the map is never swept: a few hundred small objects cost less than sweeping. */
const MIN_SWEEP_SIZE = 1024;

/**
 * The pushes each job may make: `burst` at once, then `perSecond`. A full bucket acts exactly as a missing
 * one (both allow a burst), so full buckets are dropped: once the map reaches twice its size after the last
 * sweep (at least MIN_SWEEP_SIZE) it is swept, which costs O(1) per push amortised. The map therefore holds
 * at most about twice the jobs that pushed within the last `burst / perSecond` seconds (the time an emptied
 * bucket takes to refill), however many job names arrive over time.
 */
export class JobRateLimit {
  readonly perSecond: number;
  readonly burst: number;
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  #sweepAt = MIN_SWEEP_SIZE;

  /** `now` is a monotonic clock in milliseconds. */
  constructor(perSecond: number, burst: number, now: () => number = performance.now.bind(performance)) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.#limit = { intervalMs: 1000 / perSecond, burst };
    this.#now = now;
  }

  /** Buckets held now (for tests of the bound). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one push from `job`'s bucket: returns 0 when allowed, else the milliseconds until it would be. */
  take(job: string): number {
    const now = this.#now();
    let bucket = this.#buckets.get(job);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep(now);
      bucket = fullBucket(this.#limit, now);
      this.#buckets.set(job, bucket);
    }
    return takeToken(bucket, this.#limit, now);
  }

  #sweep(now: number): void {
    for (const [job, bucket] of this.#buckets) if (isFull(bucket, this.#limit, now)) this.#buckets.delete(job);
    this.#sweepAt = Math.max(MIN_SWEEP_SIZE, 2 * this.#buckets.size);
  }
}

/** The 429 for a push `waitMs` too early: `Retry-After` in whole seconds, rounded up, and the quota named. */
export function tooManyPushes(job: string, waitMs: number, limit: JobRateLimit): Response {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const message = `job ${JSON.stringify(job)} pushes more often than the limit of ${limit.perSecond} per second (burst ${limit.burst}): retry after ${seconds}s (--${QUOTA_FLAGS.maxPushesPerSecondPerJob})`;
  return textError(429, message, { 'Retry-After': String(seconds) });
}
