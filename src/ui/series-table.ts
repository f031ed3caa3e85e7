// One family's series as Go's UI tables them: Labels | Value, summaries and histograms as nested tables.
import type { Metric, MetricType } from '../model/metric.ts';
import { hasNativeBuckets, nativeBuckets } from '../render/native-buckets.ts';
import { labelBadges } from './badges.ts';
import { formatValue } from './format.ts';

/** The table of a family's series, one row per series: its labels as badges and its value (SPEC §7.5). */
export function seriesTable(type: MetricType, metrics: readonly Metric[]): string {
  let rows = '';
  for (const metric of metrics) rows += `<tr><td>${labelBadges(metric.labels)}</td><td>${valueCell(type, metric)}</td></tr>`;
  return `<table class="series"><thead><tr><th>Labels</th><th>Value</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function valueCell(type: MetricType, metric: Metric): string {
  switch (type) {
    case 'summary':
      return nested([
        ...(metric.quantiles ?? []).map((q): Row => [`Quantile ${formatValue(q.quantile)}`, q.value]),
        ['Sample Count', metric.count ?? 0],
        ['Sample Sum', metric.sum ?? 0],
      ]);
    case 'histogram':
    case 'gaugehistogram':
      return histogramCell(metric);
    default:
      return formatValue(metric.value ?? 0);
  }
}

/** A row of a nested table: its heading (already escaped or plain text) and its value. */
type Row = readonly [string, number];

/**
 * Classic buckets as Go's rows (`Sample values ≤ b`), the count and the sum; a native histogram's
 * buckets follow, one row per non-empty bucket with its interval, as the newest Go adds its "Native
 * Histogram representation". Float histograms show their float counts (which override the integer ones when > 0).
 */
function histogramCell(metric: Metric): string {
  const rows: Row[] = (metric.buckets ?? []).map((b) => [
    `Sample values &le; ${formatValue(b.upperBound)}`,
    b.cumulativeCountFloat !== undefined && b.cumulativeCountFloat > 0 ? b.cumulativeCountFloat : b.cumulativeCount,
  ]);
  const float = metric.countFloat !== undefined && metric.countFloat > 0;
  rows.push(['Total sample Count', float ? metric.countFloat! : (metric.count ?? 0)], ['Sample Sum', metric.sum ?? 0]);
  let html = nested(rows);
  if (hasNativeBuckets(metric.native)) {
    const native = metric.native;
    const buckets = nativeBuckets(native, native.negativeCounts.length + native.positiveCounts.length > 0);
    html += `<div class="native">Native histogram, schema ${native.schema ?? 0}</div>`;
    html += nested(buckets.map((b): Row => [interval(b.boundaries, b.lower, b.upper), b.count]));
  }
  return html;
}

// `(lower, upper]` and the like, as the boundaries code of newest Go's JSON API says.
function interval(boundaries: 0 | 1 | 3, lower: number, upper: number): string {
  const open = boundaries === 0 ? '(' : '[';
  const close = boundaries === 1 ? ')' : ']';
  return `${open}${formatValue(lower)}, ${formatValue(upper)}${close}`;
}

function nested(rows: readonly Row[]): string {
  let html = '<table class="nested">';
  for (const [heading, value] of rows) html += `<tr><th scope="row">${heading}</th><td>${formatValue(value)}</td></tr>`;
  return html + '</table>';
}
