// Go's compact protobuf text of one metric, as the Go gateway quotes it in consistency errors (SPEC §5.2).
import { formatFloat } from '../model/format-float.ts';
import type { Metric, MetricType } from '../model/metric.ts';

/**
 * Renders `metric` like Go's 1.5.1 `proto.CompactTextString`, e.g.
 * `{ label:<name:"job" value:"a" > gauge:<value:1 > }`. Clients must not parse it; it is there so a
 * user can see which series was refused.
 */
export function debugMetric(metric: Metric, type: MetricType): string {
  let out = '{ ';
  for (let i = 0; i < metric.labels.length; i += 2) {
    out += `label:<name:${quote(metric.labels[i]!)} value:${quote(metric.labels[i + 1]!)} > `;
  }
  switch (type) {
    case 'summary':
      out += `summary:<sample_count:${num(metric.count ?? 0)} sample_sum:${num(metric.sum ?? 0)} `;
      for (const q of metric.quantiles ?? []) out += `quantile:<quantile:${num(q.quantile)} value:${num(q.value)} > `;
      out += '> ';
      break;
    case 'histogram':
    case 'gaugehistogram':
      out += `histogram:<sample_count:${num(metric.count ?? 0)} sample_sum:${num(metric.sum ?? 0)} `;
      for (const b of metric.buckets ?? []) out += `bucket:<cumulative_count:${num(b.cumulativeCount)} upper_bound:${num(b.upperBound)} > `;
      out += '> ';
      break;
    default:
      out += `${type}:<value:${num(metric.value ?? 0)} > `;
  }
  return out + '}';
}

function num(v: number): string {
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Number.isNaN(v)) return 'nan';
  return formatFloat(v);
}

function quote(s: string): string {
  return JSON.stringify(s);
}
