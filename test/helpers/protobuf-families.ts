// Protobuf MetricFamily fixtures that several test files push: classic types and the native histogram shapes.
import { type FamilyObject, labels } from "./metrics-proto.ts";

/** A counter with HELP and one labelled series: `c{a="1"} 3`. */
export const COUNTER: FamilyObject = { name: "c", help: "A counter.", type: "COUNTER", metric: [{ label: labels(["a", "1"]), counter: { value: 3 } }] };

/** A summary without labels: count 4, sum 10, quantiles 0.5 → 1.5 and 0.99 → 2. */
export const SUMMARY: FamilyObject = {
  name: "s",
  type: "SUMMARY",
  metric: [{ summary: { sampleCount: 4, sampleSum: 10, quantile: [{ quantile: 0.5, value: 1.5 }, { quantile: 0.99, value: 2 }] } }],
};

/** A classic histogram without labels and without a +Inf bucket: count 3, sum 2.5, buckets 0.5 → 1 and 1 → 2. */
export const HISTOGRAM: FamilyObject = {
  name: "h",
  type: "HISTOGRAM",
  metric: [{ histogram: { sampleCount: 3, sampleSum: 2.5, bucket: [{ cumulativeCount: 1, upperBound: 0.5 }, { cumulativeCount: 2, upperBound: 1 }] } }],
};

/**
 * SPEC §11.1 P9 / A3: a native-only integer histogram (schema 1) with a zero bucket and spans on both
 * sides; its text scrape is the classic view `+Inf` 20, `_sum` 99.23, `_count` 20.
 */
export const NATIVE_HISTOGRAM: FamilyObject = {
  name: "nh",
  help: "native",
  type: "HISTOGRAM",
  metric: [{
    histogram: {
      sampleCount: 20,
      sampleSum: 99.23,
      schema: 1,
      zeroThreshold: 0.001,
      zeroCount: 2,
      positiveSpan: [{ offset: 0, length: 2 }],
      positiveDelta: [3, -1],
      negativeSpan: [{ offset: 1, length: 1 }],
      negativeDelta: [2],
    },
  }],
};

/**
 * A histogram with classic and native buckets, its classic bucket carrying an exemplar with a timestamp;
 * its text scrape is the classic view `le="1"` 2, `+Inf` 5, `_sum` 9, `_count` 5.
 */
export const MIXED_HISTOGRAM: FamilyObject = {
  name: "mh",
  type: "HISTOGRAM",
  metric: [{
    histogram: {
      sampleCount: 5,
      sampleSum: 9,
      bucket: [{ cumulativeCount: 2, upperBound: 1, exemplar: { label: labels(["t", "x"]), value: 0.5, timestamp: { seconds: 5, nanos: 7 } } }],
      schema: 0,
      positiveSpan: [{ offset: 0, length: 1 }],
      positiveDelta: [5],
    },
  }],
};

/**
 * SPEC §4.6 / §11.1 P9: an integer native histogram using every field a store must keep exactly: a
 * classic bucket with an exemplar, a created timestamp, a negative schema, the zero bucket, spans on both
 * sides (with a gap), and native exemplars.
 */
export const FULL_NATIVE_HISTOGRAM: FamilyObject = {
  name: "nh",
  help: "native",
  type: "HISTOGRAM",
  metric: [
    {
      histogram: {
        sampleCount: 20,
        sampleSum: 99.23,
        bucket: [{ cumulativeCount: 5, upperBound: 1, exemplar: { label: labels(["trace", "x"]), value: 0.5, timestamp: { seconds: 5, nanos: 7 } } }],
        createdTimestamp: { seconds: 100, nanos: 1 },
        schema: -2,
        zeroThreshold: 0.001,
        zeroCount: 2,
        negativeSpan: [{ offset: -1, length: 2 }],
        negativeDelta: [3, -1],
        positiveSpan: [{ offset: 0, length: 1 }, { offset: 2, length: 1 }],
        positiveDelta: [4, 1],
        exemplars: [{ label: labels(["trace", "y"]), value: 7, timestamp: { seconds: 6 } }],
      },
    },
  ],
};
