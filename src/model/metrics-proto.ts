// The wire schema of client_model's metrics.proto (io.prometheus.client), shared by the protobuf decoder and encoder.
import type { MetricType } from './metric.ts';

// Every constant below is a field's tag, written as a varint before the field: (field number << 3) | wire type, with
// wire types 0 = varint, 1 = 64-bit, 2 = length-delimited, 5 = 32-bit. Field numbers are those of
// client_model 0.6 (the newest); 1.5.1's client_model 0.3 lacks `created_timestamp`, `exemplars` and
// `unit`, which it keeps as unknown fields. Repeated scalars are written unpacked (proto2's default, as Go
// writes them); the `…_PACKED` tags are the packed form a decoder must accept as well.

/** The MetricType enum: a type's number is its index. */
export const PROTO_TYPES: readonly MetricType[] = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gaugehistogram'];

/** MetricFamily: name, help, type, repeated metric (`unit` = 5 is not kept). */
export const FAMILY_TAG = { NAME: 0x0a, HELP: 0x12, TYPE: 0x18, METRIC: 0x22 } as const;

/** Metric: repeated label, one value message by kind, timestamp_ms. */
export const METRIC_TAG = {
  LABEL: 0x0a,
  GAUGE: 0x12,
  COUNTER: 0x1a,
  SUMMARY: 0x22,
  UNTYPED: 0x2a,
  TIMESTAMP_MS: 0x30,
  HISTOGRAM: 0x3a,
} as const;

/** LabelPair. */
export const LABEL_TAG = { NAME: 0x0a, VALUE: 0x12 } as const;

/** Gauge and Untyped: `value`; Counter adds `exemplar` and `created_timestamp`. */
export const VALUE_TAG = { VALUE: 0x09, EXEMPLAR: 0x12, CREATED: 0x1a } as const;

/** Summary. */
export const SUMMARY_TAG = { COUNT: 0x08, SUM: 0x11, QUANTILE: 0x1a, CREATED: 0x22 } as const;

/** Quantile. */
export const QUANTILE_TAG = { QUANTILE: 0x09, VALUE: 0x11 } as const;

/** Histogram: the classic fields, then the native ones (schema … positive_count), created_timestamp, exemplars. */
export const HISTOGRAM_TAG = {
  COUNT: 0x08,
  SUM: 0x11,
  BUCKET: 0x1a,
  COUNT_FLOAT: 0x21,
  SCHEMA: 0x28,
  ZERO_THRESHOLD: 0x31,
  ZERO_COUNT: 0x38,
  ZERO_COUNT_FLOAT: 0x41,
  NEGATIVE_SPAN: 0x4a,
  NEGATIVE_DELTA: 0x50,
  NEGATIVE_DELTA_PACKED: 0x52,
  NEGATIVE_COUNT: 0x59,
  NEGATIVE_COUNT_PACKED: 0x5a,
  POSITIVE_SPAN: 0x62,
  POSITIVE_DELTA: 0x68,
  POSITIVE_DELTA_PACKED: 0x6a,
  POSITIVE_COUNT: 0x71,
  POSITIVE_COUNT_PACKED: 0x72,
  CREATED: 0x7a,
  EXEMPLARS: 0x82,
} as const;

/** Bucket (of a classic histogram). */
export const BUCKET_TAG = { COUNT: 0x08, UPPER_BOUND: 0x11, EXEMPLAR: 0x1a, COUNT_FLOAT: 0x21 } as const;

/** BucketSpan (of a native histogram). */
export const SPAN_TAG = { OFFSET: 0x08, LENGTH: 0x10 } as const;

/** Exemplar. */
export const EXEMPLAR_TAG = { LABEL: 0x0a, VALUE: 0x11, TIMESTAMP: 0x1a } as const;

/** google.protobuf.Timestamp. */
export const TIMESTAMP_TAG = { SECONDS: 0x08, NANOS: 0x10 } as const;
