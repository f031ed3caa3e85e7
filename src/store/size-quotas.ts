// --push.max-series-per-group and --push.max-groups-per-job: the store's bookkeeping for them, O(1) in the store's size per write.
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC, type Group, type StoredFamily } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';
import { QUOTA_FLAGS, type Quotas, jobOf } from '../model/quotas.ts';
import { countSampleLines } from '../stored/sample-lines.ts';

/** A write over a size quota: refused whole, and nothing changes. */
export interface QuotaRefusal {
  readonly ok: false;
  readonly error: string;
  readonly quota: keyof Quotas;
}

/** A family of a write as far as the series quota looks at it. */
interface CountedFamily {
  readonly name: string;
  readonly text: Uint8Array;
}

/**
 * Keeps the groups of each job counted as groups come and go (told by the store's one place that swaps
 * groups, so restores, deletes, wipes and expiry count too), and counts a group's series from its families'
 * lines, each family's count kept beside its (never mutated) text. The store asks before it changes
 * anything, in the same synchronous apply, so two pushes cannot both slip under a quota. With a quota off
 * its methods return at once.
 */
export class SizeQuotas {
  readonly #quotas: Quotas;
  /** Groups per job value; only kept when that quota is on. */
  readonly #groupsPerJob = new Map<string, number>();
  readonly #samples = new WeakMap<Uint8Array, number>();

  constructor(quotas: Quotas) {
    this.#quotas = quotas;
  }

  groupAdded(labels: Labels): void {
    if (this.#quotas.maxGroupsPerJob === 0) return;
    const job = jobOf(labels);
    this.#groupsPerJob.set(job, (this.#groupsPerJob.get(job) ?? 0) + 1);
  }

  groupRemoved(labels: Labels): void {
    if (this.#quotas.maxGroupsPerJob === 0) return;
    const job = jobOf(labels);
    const left = this.#groupsPerJob.get(job)! - 1;
    if (left === 0) this.#groupsPerJob.delete(job);
    else this.#groupsPerJob.set(job, left);
  }

  /** The refusal for a push that would create the group `labels` when its job has all the groups it may. */
  newGroupRefusal(labels: Labels): QuotaRefusal | undefined {
    const max = this.#quotas.maxGroupsPerJob;
    if (max === 0) return undefined;
    const job = jobOf(labels);
    const groups = this.#groupsPerJob.get(job) ?? 0;
    if (groups < max) return undefined;
    const error = `job ${JSON.stringify(job)} already has ${groups} groups, the limit of ${max} per job: a push to a new group is refused until one is deleted (--${QUOTA_FLAGS.maxGroupsPerJob})`;
    return { ok: false, error, quota: 'maxGroupsPerJob' };
  }

  /**
   * The refusal for a push to the group `labels` (now `old`) that would leave it with more series than it may
   * hold: `old`'s series, less those of the families the push replaces (`removed`: all of them for a PUT,
   * those of the same names for a POST), plus the pushed ones (`added`). Costs the group's families, not
   * the store's, and the pushed lines once.
   */
  seriesRefusal(labels: Labels, old: Group | undefined, added: readonly CountedFamily[], removed: readonly StoredFamily[]): QuotaRefusal | undefined {
    const max = this.#quotas.maxSeriesPerGroup;
    if (max === 0) return undefined;
    let series = 0;
    if (old !== undefined) for (const family of old.families.values()) series += this.#seriesOf(family);
    for (const family of removed) series -= this.#seriesOf(family);
    for (const family of added) series += this.#seriesOf(family);
    if (series <= max) return undefined;
    const error = `job ${JSON.stringify(jobOf(labels))}: the push would leave group ${formatLabels(labels)} with ${series} series, more than the limit of ${max} per group (--${QUOTA_FLAGS.maxSeriesPerGroup})`;
    return { ok: false, error, quota: 'maxSeriesPerGroup' };
  }

  // The gateway's two gauges are the group's own, not the pusher's: they do not count.
  #seriesOf(family: CountedFamily): number {
    if (family.name === PUSH_TIME_METRIC || family.name === PUSH_FAILURE_TIME_METRIC) return 0;
    let count = this.#samples.get(family.text);
    if (count === undefined) {
      count = countSampleLines(family.text);
      this.#samples.set(family.text, count);
    }
    return count;
  }
}

/** `{a="1",job="x"}`: grouping labels as a selector shows them. */
function formatLabels(labels: Labels): string {
  const pairs: string[] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push(`${labels[i]}=${JSON.stringify(labels[i + 1])}`);
  return `{${pairs.join(',')}}`;
}
