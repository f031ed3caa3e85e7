// How many large push bodies are read at once, and how long one may take to arrive (SPEC D5).
import { formatGoDuration } from '../flags.ts';
import { BODY_TIMEOUT_FLAG } from '../model/push-limits.ts';

/**
 * Counts the large push bodies being read and parsed. Each may hold up to `--push.max-series` parsed samples
 * until it ends, so this cap bounds the memory of all pushes together: without it, 150 clients that each
 * send part of a large body and vanish held ~1 GB until the collector ran (issue #11 probe). One gate is
 * shared by every listener.
 */
export class LargeBodyGate {
  #reading = 0;

  /** `max`: `--push.max-concurrent-large-bodies`, named in the 429 of a body that finds no place. */
  constructor(readonly max: number) {}

  /** Takes a place, or answers false when `max` bodies are already being read. A taken place must be `leave`d. */
  enter(): boolean {
    if (this.#reading >= this.max) return false;
    this.#reading++;
    return true;
  }

  leave(): void {
    this.#reading--;
  }
}

/** The body did not arrive within `--push.body-timeout`: answered 408, nothing is changed. */
export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request body not received within ${formatGoDuration(timeoutMs)} (--${BODY_TIMEOUT_FLAG})`);
    this.name = 'BodyTimeoutError';
  }
}

/**
 * `reading` (which reads and parses a body), or BodyTimeoutError once `timeoutMs` have passed: a client that
 * trickles its body byte by byte cannot hold a connection and a parser forever (Bun's idle timeout only
 * closes connections that send nothing at all). On timeout the read is abandoned: it fails by itself when
 * the connection closes after the 408, and that failure is dropped here.
 */
export async function withinBodyTimeout<T>(reading: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([reading, expired]);
  } catch (error) {
    if (error instanceof BodyTimeoutError) reading.catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
