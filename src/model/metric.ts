// The metric data model every room shares: what a push carries after parsing, in either body format.

/** The text-format word for a family's type. `gaugehistogram` only arrives by protobuf or `# TYPE x gauge_histogram`. */
export type MetricType = 'counter' | 'gauge' | 'summary' | 'untyped' | 'histogram' | 'gaugehistogram';

/**
 * Label pairs flattened as `[name0, value0, name1, value1, …]`. A flat array costs one allocation
 * per series instead of one per pair; stored series keep their pairs sorted by name.
 */
export type Labels = string[];

/** One quantile of a summary. */
export interface Quantile {
  quantile: number;
  value: number;
}

/** One classic histogram bucket: the cumulative count of observations ≤ `upperBound`. */
export interface Bucket {
  upperBound: number;
  cumulativeCount: number;
}

/**
 * One series of a family. Which value fields are set follows the family type: `value` for counter,
 * gauge and untyped; `quantiles`/`count`/`sum` for summaries; `buckets`/`count`/`sum` for histograms.
 * `timestampMs` is kept only so the store can refuse it (SPEC §3.1: pushed samples must not carry one).
 */
export interface Metric {
  labels: Labels;
  value?: number;
  quantiles?: Quantile[];
  buckets?: Bucket[];
  count?: number;
  sum?: number;
  timestampMs?: number;
}

/** A named family of series of one type. `help` is undefined when the push gave none (never ''). */
export interface MetricFamily {
  name: string;
  help: string | undefined;
  type: MetricType;
  metrics: Metric[];
}

/** The protobuf enum names of the types, as Go's messages and the JSON API spell them. */
export const PROTO_TYPE_NAMES: Readonly<Record<MetricType, string>> = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  summary: 'SUMMARY',
  untyped: 'UNTYPED',
  histogram: 'HISTOGRAM',
  gaugehistogram: 'GAUGE_HISTOGRAM',
};
