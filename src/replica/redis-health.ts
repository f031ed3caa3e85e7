// Whether Redis answers: the replica's `pushgateway_redis_up`, its log lines when that changes, and /-/ready after a grace period.
import type { Logger } from '../log.ts';

/**
 * Told by every command whether Redis answered. Down from the start until the first answer. Logs once
 * per change: at error when Redis goes out of reach (or cannot be reached at start), at info when it answers.
 */
export class RedisHealth {
  readonly #log: Logger;
  readonly #graceMs: number;
  #downSince: number | undefined = performance.now();
  #lastError = 'not connected yet';
  #connected = false;
  /** Whether the current outage (or the wait for the first answer) has been logged. */
  #outageLogged = false;

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
    const downForMs = Math.round(performance.now() - this.#downSince);
    if (this.#connected) this.#log.info('Redis answers again', { down_for_ms: downForMs });
    else this.#log.info('connected to Redis', { after_ms: downForMs });
    this.#connected = true;
    this.#downSince = undefined;
    this.#outageLogged = false;
  }

  failed(error: unknown): void {
    this.#lastError = error instanceof Error ? error.message : String(error);
    this.#downSince ??= performance.now();
    if (this.#outageLogged) return;
    this.#outageLogged = true;
    this.#log.error('Redis is out of reach: writes get 503, scrapes show the last state seen', { err: this.#lastError });
  }

  /** Why the replica is not ready (Redis out of reach for longer than the grace period), or undefined. */
  notReady(): string | undefined {
    if (this.#downSince === undefined || performance.now() - this.#downSince < this.#graceMs) return undefined;
    return `Redis out of reach for ${Math.round(performance.now() - this.#downSince)}ms: ${this.#lastError}`;
  }
}
