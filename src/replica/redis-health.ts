// Whether Redis answers: the replica's `pushgateway_redis_up`, its log lines when that changes, and /-/ready after a grace period.
import type { Logger } from '../log.ts';

/**
 * Told by every command whether Redis answered. Down from the start until the first answer. Logs once
 * per change, at error when Redis goes out of reach, at info when it is back.
 */
export class RedisHealth {
  readonly #log: Logger;
  readonly #graceMs: number;
  #downSince: number | undefined = performance.now();
  #lastError = 'not connected yet';

  /** `graceMs`: how long Redis may be out of reach before the replica says it is not ready. */
  constructor(log: Logger, graceMs: number) {
    this.#log = log;
    this.#graceMs = graceMs;
  }

  get up(): boolean {
    return this.#downSince === undefined;
  }

  answered(): void {
    if (this.#downSince === undefined) return;
    this.#log.info('Redis answers again', { down_for_ms: Math.round(performance.now() - this.#downSince) });
    this.#downSince = undefined;
  }

  failed(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : String(error);
    if (this.#downSince !== undefined) return;
    this.#downSince = performance.now();
    this.#log.error('Redis is out of reach: writes get 503, scrapes show the last state seen', { err: this.#lastError });
  }

  /** Why the replica is not ready (Redis out of reach for longer than the grace period), or undefined. */
  notReady(): string | undefined {
    if (this.#downSince === undefined || performance.now() - this.#downSince < this.#graceMs) return undefined;
    return `Redis out of reach for ${Math.round(performance.now() - this.#downSince)}ms: ${this.#lastError}`;
  }
}
