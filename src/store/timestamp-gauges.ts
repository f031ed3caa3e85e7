// The two gauges the gateway keeps in every group: when it last changed, and when a change last failed.
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC } from '../model/group.ts';
import type { Labels, MetricFamily } from '../model/metric.ts';

export { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC } from '../model/group.ts';
export const PUSH_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway succeeded.';
export const PUSH_FAILURE_TIME_HELP = 'Last Unix time when changing this group in the Pushgateway failed.';

/** The push_time_seconds family of a group whose series carry `seriesLabels`. */
export function pushTimeFamily(seriesLabels: Labels, seconds: number): MetricFamily {
  return gauge(PUSH_TIME_METRIC, PUSH_TIME_HELP, seriesLabels, seconds);
}

/** The push_failure_time_seconds family of a group whose series carry `seriesLabels`. */
export function pushFailureTimeFamily(seriesLabels: Labels, seconds: number): MetricFamily {
  return gauge(PUSH_FAILURE_TIME_METRIC, PUSH_FAILURE_TIME_HELP, seriesLabels, seconds);
}

function gauge(name: string, help: string, labels: Labels, value: number): MetricFamily {
  return { name, help, type: 'gauge', metrics: [{ labels, value }] };
}
