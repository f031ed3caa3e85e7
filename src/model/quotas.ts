// What one job may store and how often it may push (issue #14 part 3): shared by the flags that set the quotas, the store that keeps the size ones and the push handler that keeps the rate.
import type { Labels } from './metric.ts';

/**
 * The per-job quotas, each set by a `--push.max-…` flag and off (0) by default. Unlike the PushLimits, which
 * bound one push, these bound what a job accumulates: a push over one is refused whole and changes nothing.
 */
export interface Quotas {
  /**
   * Series a group may hold after a push, counted as `--push.max-series` counts samples (text sample lines:
   * a histogram's buckets, sum and count each count), not counting the group's push_time_seconds and
   * push_failure_time_seconds (`--push.max-series-per-group`). 0 = no quota.
   */
  readonly maxSeriesPerGroup: number;
  /** Groups one job value may have; only a push that would create a group counts (`--push.max-groups-per-job`). 0 = no quota. */
  readonly maxGroupsPerJob: number;
  /** Pushes (PUT and POST) per second one job value may make, a token bucket per job (`--push.max-pushes-per-second-per-job`). 0 = no quota. */
  readonly maxPushesPerSecondPerJob: number;
  /** Pushes a job may make at once after a pause (`--push.max-push-burst-per-job`); 0 = the rate rounded up, at least 1. */
  readonly maxPushBurstPerJob: number;
}

export const NO_QUOTAS: Quotas = Object.freeze({ maxSeriesPerGroup: 0, maxGroupsPerJob: 0, maxPushesPerSecondPerJob: 0, maxPushBurstPerJob: 0 });

/** The flag that sets each quota: named in every refusal and the `reason` a refusal is counted under. */
export const QUOTA_FLAGS: { readonly [K in keyof Quotas]: string } = {
  maxSeriesPerGroup: 'push.max-series-per-group',
  maxGroupsPerJob: 'push.max-groups-per-job',
  maxPushesPerSecondPerJob: 'push.max-pushes-per-second-per-job',
  maxPushBurstPerJob: 'push.max-push-burst-per-job',
};

/** The value of the grouping label `job`, which the quotas are kept per (every group has one). */
export function jobOf(labels: Labels): string {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === 'job') return labels[i + 1]!;
  return '';
}

/** The burst the rate quota allows: the flag's, or one second's worth of pushes (at least one). */
export function pushBurstOf(quotas: Quotas): number {
  return quotas.maxPushBurstPerJob > 0 ? quotas.maxPushBurstPerJob : Math.max(1, Math.ceil(quotas.maxPushesPerSecondPerJob));
}
