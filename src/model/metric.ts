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
  /** Protobuf `cumulative_count_float` of a float histogram; as in Go, it overrides `cumulativeCount` when > 0. */
  cumulativeCountFloat?: number;
  /** Protobuf only: an example observation that fell into this bucket. */
  exemplar?: Exemplar;
}

/** A protobuf `google.protobuf.Timestamp`, kept as sent: whole seconds and nanoseconds since the epoch. */
export interface Timestamp {
  seconds: number;
  nanos: number;
}

/** An example observation with labels of its own (protobuf only; the text scrape drops it, SPEC §4.4). */
export interface Exemplar {
  labels: Labels;
  value: number;
  timestamp?: Timestamp;
}

/** A run of `length` consecutive native-histogram buckets, starting `offset` buckets after the previous run. */
export interface BucketSpan {
  offset: number;
  length: number;
}

/**
 * The native (exponential-bucket) part of a histogram, as protobuf carries it (SPEC §4.6). Scalar fields
 * are undefined when the push did not set them; bucket populations come either as deltas (integer
 * histograms) or as absolute counts (float histograms), each list aligned with its spans. Only the
 * protobuf scrape shows them; the text scrape shows the classic view.
 */
export interface NativeHistogram {
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: number;
  /** Overrides `zeroCount` when > 0. */
  zeroCountFloat?: number;
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  negativeCounts: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  positiveCounts: number[];
}

/**
 * One series of a family. Which value fields are set follows the family type: `value` for counter,
 * gauge and untyped; `quantiles`/`count`/`sum` for summaries; `buckets`/`count`/`sum` for histograms.
 * `timestampMs` is kept only so the store can refuse it (SPEC §3.1: pushed samples must not carry one).
 * The fields after it only ever come from protobuf pushes; the text parser never sets them.
 */
export interface Metric {
  labels: Labels;
  value?: number;
  quantiles?: Quantile[];
  buckets?: Bucket[];
  count?: number;
  sum?: number;
  timestampMs?: number;
  /** Histogram `sample_count_float` of a float histogram; as in Go, it overrides `count` when > 0. */
  countFloat?: number;
  /** The native buckets of a histogram, when the push had any native field. */
  native?: NativeHistogram;
  /** A counter's exemplar. */
  exemplar?: Exemplar;
  /** A histogram's exemplars for its native buckets (protobuf field `exemplars`). */
  exemplars?: Exemplar[];
  /** When a counter, summary or histogram series was created (protobuf `created_timestamp`). */
  createdTimestamp?: Timestamp;
  /**
   * Set when a protobuf series carries no value of its family's type (a `counter` field in a gauge
   * family, or no value at all): the value messages it carried instead (none for no value at all); its
   * own value fields are then unset. The store refuses such a series with Go's `… is not a GAUGE`,
   * quoting those messages as Go does (SPEC §4.4).
   */
  kindMismatch?: ForeignValues;
}

/** The value messages a protobuf Metric can carry, named by the type word of their kind. */
export type ValueKind = Exclude<MetricType, 'gaugehistogram'>;

/** Value messages of kinds other than its family's type that a protobuf series carried, each in a series' value fields. */
export type ForeignValues = { [kind in ValueKind]?: Metric };

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
