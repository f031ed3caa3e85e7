// Go's compact protobuf text of one metric, as the Go gateway quotes it in consistency errors (SPEC §5.2).
import type { Metric, MetricType } from '../model/metric.ts';
import { ProtoTextWriter, writeMetricFields } from '../model/proto-text.ts';

/**
 * Renders `metric` like Go's 1.5.1 `proto.CompactTextString`, e.g.
 * `{ label:<name:"job" value:"a" > gauge:<value:1 > }`: only the fields the series has, and for a series
 * that lacks its family type's value, the value messages it carried instead. Clients must not parse it;
 * it is there so a user can see which series was refused.
 */
export function debugMetric(metric: Metric, type: MetricType): string {
  const out = new ProtoTextWriter(true);
  writeMetricFields(out, type, metric);
  return `{ ${out.text}}`;
}
