// rate_limit {interval, burst}: the token bucket the newest exporter-toolkit puts in front of every request.
import { FlagError, parseGoDuration } from '../flag-values.ts';
import { WebConfigProblem, mappingAt, refuseUnknownKeys, stringAt } from './yaml-fields.ts';

/** One token comes back every `intervalMs`; at most `burst` are saved up (Go's rate.NewLimiter(rate.Every(interval), burst)). */
export interface RateLimit {
  readonly intervalMs: number;
  readonly burst: number;
}

const WHERE = 'rate_limit';

/**
 * The section, or undefined when it is absent or its interval is 0 (no limit, as in Go). Refuses what Go
 * would accept but could not mean: a burst below 1 (every request refused), a burst without an interval,
 * a negative interval (no limit at all).
 */
export function readRateLimit(value: unknown): RateLimit | undefined {
  const section = mappingAt(value, WHERE);
  refuseUnknownKeys(section, ['interval', 'burst'], WHERE);
  const intervalText = stringAt(section, 'interval', WHERE);
  let intervalMs = 0;
  try {
    if (intervalText !== '') intervalMs = parseGoDuration(intervalText);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    throw new WebConfigProblem(`rate_limit.interval: ${error.message}`);
  }
  const burst = section.burst ?? 0;
  if (typeof burst !== 'number' || !Number.isInteger(burst)) throw new WebConfigProblem('rate_limit.burst must be an integer');
  if (intervalMs < 0) throw new WebConfigProblem(`rate_limit.interval ${intervalText} is negative`);
  if (intervalMs === 0) {
    if (burst !== 0) throw new WebConfigProblem('rate_limit.burst is set but rate_limit.interval is not: there would be no limit');
    return undefined;
  }
  if (burst < 1) throw new WebConfigProblem('rate_limit.burst must be at least 1: with 0 every request would get 429');
  return Object.freeze({ intervalMs, burst });
}
