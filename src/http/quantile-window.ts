// Quantiles over the recent observations of a summary, like client_golang's summaries with a 10-minute MaxAge.

const MAX_AGE_MS = 10 * 60 * 1000;
const CAPACITY = 1024;

/**
 * Keeps the latest observations (at most CAPACITY, none older than 10 minutes) and answers exact
 * quantiles over them; count and sum cover all time. Go uses a streaming estimator with error bounds
 * instead; for the gateway's own push statistics the exact answer over a bounded window is as useful
 * and far simpler.
 */
export class QuantileWindow {
  readonly #values = new Float64Array(CAPACITY);
  readonly #times = new Float64Array(CAPACITY);
  #next = 0;
  #filled = 0;
  count = 0;
  sum = 0;

  observe(value: number, nowMs: number): void {
    this.#values[this.#next] = value;
    this.#times[this.#next] = nowMs;
    this.#next = (this.#next + 1) % CAPACITY;
    this.#filled = Math.min(this.#filled + 1, CAPACITY);
    this.count++;
    this.sum += value;
  }

  /** The value at each quantile in `qs` over the window; NaN when the window is empty, as in Go. */
  quantiles(qs: readonly number[], nowMs: number): number[] {
    const recent: number[] = [];
    for (let i = 0; i < this.#filled; i++) if (nowMs - this.#times[i]! <= MAX_AGE_MS) recent.push(this.#values[i]!);
    recent.sort((a, b) => a - b);
    return qs.map((q) => (recent.length === 0 ? NaN : recent[Math.min(recent.length - 1, Math.floor(q * recent.length))]!));
  }
}
