// The families of one text body by name, with expfmt's rules for attaching samples to them.

import type { Labels, Metric, MetricFamily, MetricType } from '../model/metric.ts';
import { sampleNamesOf } from '../model/names.ts';

/** What a sample name contributes to a summary or histogram it was attached to by suffix. */
export type SampleRole = 'plain' | 'count' | 'sum';

/** A family while the body is being parsed: `type` stays undefined until a TYPE line or the first sample. */
export interface FamilyState {
  readonly name: string;
  help: string | undefined;
  type: MetricType | undefined;
  readonly metrics: Metric[];
  /** Summary/histogram series by label set (without quantile/le), created on first use. */
  series: Map<string, Metric> | undefined;
  // The last series looked up: consecutive lines of one series skip building the label-set key.
  lastLabels: Labels | undefined;
  lastMetric: Metric | undefined;
}

/** Which family a name lands in and with what role. Never changes once computed (see `resolve`). */
export interface Resolution {
  readonly family: FamilyState;
  readonly role: SampleRole;
}

/**
 * Families in first-seen order plus Go's `setOrCreateCurrentMF`: a name is its own family if that
 * exists; else `x_count`/`x_sum` attach to a summary `x`, and `x_count`/`x_sum`/`x_bucket` to a
 * histogram `x`; otherwise a new family named exactly so is created (which is why `om_total` under
 * `# TYPE om counter` ends up untyped, SPEC §4.3).
 */
export class FamilyTable {
  readonly #byName = new Map<string, FamilyState>();
  // A name's resolution is stable: families are only ever added, a family is only created by resolving
  // its own name, and a base family that captured a suffix already had its final type. So it is cached.
  readonly #resolutions = new Map<string, Resolution>();

  /** The family (and role) a sample, HELP or TYPE line naming `name` refers to, creating the family if needed. */
  resolve(name: string): Resolution {
    let resolution = this.#resolutions.get(name);
    if (resolution === undefined) {
      resolution = this.#resolveUncached(name);
      this.#resolutions.set(name, resolution);
    }
    return resolution;
  }

  /**
   * The summary or histogram series of `family` with label set `labels`, created (and appended in
   * first-seen order) if new. Label order does not matter, as in Go's `LabelsToSignature`; the series
   * keeps the labels of the line that created it.
   */
  seriesFor(family: FamilyState, labels: Labels): Metric {
    const last = family.lastLabels;
    if (last !== undefined && sameLabels(last, labels)) return family.lastMetric!;
    family.series ??= new Map();
    const key = labelSetKey(labels);
    let metric = family.series.get(key);
    if (metric === undefined) {
      metric = family.type === 'summary' ? { labels, quantiles: [] } : { labels, buckets: [] };
      family.series.set(key, metric);
      family.metrics.push(metric);
    }
    family.lastLabels = labels;
    family.lastMetric = metric;
    return metric;
  }

  /** The families that received at least one sample, in first-seen order (Go drops the others). */
  result(): MetricFamily[] {
    const families: MetricFamily[] = [];
    for (const family of this.#byName.values()) {
      if (family.metrics.length === 0) continue;
      families.push({ name: family.name, help: family.help, type: family.type ?? 'untyped', metrics: family.metrics });
    }
    return families;
  }

  #resolveUncached(name: string): Resolution {
    const exact = this.#byName.get(name);
    if (exact !== undefined) return { family: exact, role: 'plain' };
    const { base: baseName, suffix } = sampleNamesOf(name);
    const base = baseName === undefined || baseName === '' ? undefined : this.#byName.get(baseName);
    if (base !== undefined && suffix !== '_bucket' && (base.type === 'summary' || base.type === 'histogram')) {
      return { family: base, role: suffix === '_count' ? 'count' : 'sum' };
    }
    if (base !== undefined && suffix === '_bucket' && base.type === 'histogram') return { family: base, role: 'plain' };
    const family: FamilyState = { name, help: undefined, type: undefined, metrics: [], series: undefined, lastLabels: undefined, lastMetric: undefined };
    this.#byName.set(name, family);
    return { family, role: 'plain' };
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

// Pairs sorted by name, each as `name=<value length>:value`: label names cannot hold `=` and the
// length delimits the value, so two label sets share a key only if they are equal.
function labelSetKey(labels: Labels): string {
  const order: number[] = [];
  for (let i = 0; i < labels.length; i += 2) order.push(i);
  order.sort((x, y) => (labels[x]! < labels[y]! ? -1 : 1));
  let key = '';
  for (const i of order) key += `${labels[i]}=${labels[i + 1]!.length}:${labels[i + 1]}`;
  return key;
}
