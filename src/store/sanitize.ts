// Puts the grouping labels and instance="" into every pushed series, the way the Go store does (SPEC §5.1).
import { hasLabel, sortLabels } from '../model/group.ts';
import type { Labels, MetricFamily } from '../model/metric.ts';
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC } from './timestamp-gauges.ts';

/**
 * The labels a group's own series carry: the grouping labels plus `instance=""` when the grouping has no
 * instance, sorted by name. `grouping` must be sorted; the result is a new array.
 */
export function seriesLabelsOf(grouping: Labels): Labels {
  for (let i = 0; i < grouping.length; i += 2) if (grouping[i] === 'instance') return grouping.slice();
  return sortLabels([...grouping, 'instance', '']);
}

/**
 * Rewrites every metric's label array in place (it belongs to the write): grouping labels overwrite
 * same-named body labels (silently, as in Go), `instance=""` is added when absent, pairs end sorted by name. Families named like the
 * gateway's timestamp gauges are dropped: those two names belong to the gateway ([Rec] of SPEC §3.2).
 * Duplicate label names inside one metric are left for the consistency check to report.
 */
export function sanitizeFamilies(families: MetricFamily[], grouping: Labels): MetricFamily[] {
  const kept: MetricFamily[] = [];
  for (const family of families) {
    if (family.name === PUSH_TIME_METRIC || family.name === PUSH_FAILURE_TIME_METRIC) continue;
    for (const metric of family.metrics) metric.labels = sanitizeLabels(metric.labels, grouping);
    kept.push(family);
  }
  return kept;
}

// In place: the metric's label array belongs to the write (the parser made it for this push alone).
function sanitizeLabels(labels: Labels, grouping: Labels): Labels {
  let kept = 0;
  let hasInstance = false;
  for (let i = 0; i < labels.length; i += 2) {
    const name = labels[i]!;
    if (hasLabel(grouping, name)) continue;
    if (name === 'instance') hasInstance = true;
    labels[kept] = name;
    labels[kept + 1] = labels[i + 1]!;
    kept += 2;
  }
  labels.length = kept;
  for (let i = 0; i < grouping.length; i += 2) {
    if (grouping[i] === 'instance') hasInstance = true;
    labels.push(grouping[i]!, grouping[i + 1]!);
  }
  if (!hasInstance) labels.push('instance', '');
  return sortLabels(labels);
}

/** True if any sample carries a client timestamp, which pushes must not (SPEC §3.1 step 3a). */
export function hasTimestamps(families: readonly MetricFamily[]): boolean {
  for (const family of families) for (const metric of family.metrics) if (metric.timestampMs !== undefined) return true;
  return false;
}
