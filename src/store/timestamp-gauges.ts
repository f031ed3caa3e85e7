// The two gauges the gateway keeps in every group: when it last changed, and when a change last failed.
import { MAX_FLOAT_BYTES, writeGoFloat } from '../model/format-float.ts';
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

// Where withValue writes the new line before copying it out.
let line = new Uint8Array(256);

/**
 * The stored line of a timestamp gauge (one series: `name{labels} value\n`) with `seconds` as its value.
 * A group's next push keeps the gauge's labels, so its line is the old one up to the last space (the
 * value holds none) and a new value: cheaper than building the family and encoding it again.
 */
export function withValue(text: Uint8Array, seconds: number): Uint8Array {
  const valueAt = text.lastIndexOf(0x20) + 1;
  if (line.length < valueAt + MAX_FLOAT_BYTES + 1) line = new Uint8Array(2 * (valueAt + MAX_FLOAT_BYTES + 1));
  const target = line;
  for (let i = 0; i < valueAt; i++) target[i] = text[i]!;
  const end = writeGoFloat(target, valueAt, seconds);
  target[end] = 0x0a;
  return target.slice(0, end + 1);
}
