// The Histogram message of metrics.proto → a histogram series: classic buckets, float counts, native buckets, exemplars.
import type { Bucket, BucketSpan, Exemplar, Metric, NativeHistogram, Timestamp } from '../model/metric.ts';
import { BUCKET_TAG, HISTOGRAM_TAG, SPAN_TAG } from '../model/metrics-proto.ts';
import type { WireReader } from './protobuf-wire.ts';

const GO_HISTOGRAM = 'io_prometheus_client.Histogram';
const GO_BUCKET = 'io_prometheus_client.Bucket';
const GO_SPAN = 'io_prometheus_client.BucketSpan';

/** Readers of the messages a Histogram shares with other messages, provided by the family decoder. */
export interface NestedReaders {
  exemplar(): Exemplar;
  timestamp(): Timestamp;
}

/**
 * Reads a Histogram message (its length comes next) into `target`: `count`, `countFloat`, `sum`,
 * `buckets` (appended), `createdTimestamp`, `exemplars`, and `native` once any native field appears.
 * Scalars absent from the message stay undefined, so the protobuf scrape can give back exactly what came.
 */
export function readHistogram(wire: WireReader, target: Metric, nested: NestedReaders): void {
  const r = wire.reader;
  const outer = wire.enter();
  const buckets = (target.buckets ??= []);
  while (r.pos < r.len) {
    const tag = wire.tag();
    switch (tag) {
      case HISTOGRAM_TAG.COUNT:
        target.count = wire.uint64();
        break;
      case HISTOGRAM_TAG.SUM:
        target.sum = r.double();
        break;
      case HISTOGRAM_TAG.BUCKET:
        buckets.push(readBucket(wire, nested));
        break;
      case HISTOGRAM_TAG.COUNT_FLOAT:
        target.countFloat = r.double();
        break;
      case HISTOGRAM_TAG.CREATED:
        target.createdTimestamp = nested.timestamp();
        break;
      case HISTOGRAM_TAG.EXEMPLARS:
        (target.exemplars ??= []).push(nested.exemplar());
        break;
      default:
        if (!readNativeField(wire, tag, target)) wire.skip(tag, GO_HISTOGRAM);
    }
  }
  wire.leave(outer);
}

// The native-histogram fields of a Histogram; false if `tag` is none of them.
function readNativeField(wire: WireReader, tag: number, target: Metric): boolean {
  const r = wire.reader;
  switch (tag) {
    case HISTOGRAM_TAG.SCHEMA:
      nativeOf(target).schema = wire.sint32();
      return true;
    case HISTOGRAM_TAG.ZERO_THRESHOLD:
      nativeOf(target).zeroThreshold = r.double();
      return true;
    case HISTOGRAM_TAG.ZERO_COUNT:
      nativeOf(target).zeroCount = wire.uint64();
      return true;
    case HISTOGRAM_TAG.ZERO_COUNT_FLOAT:
      nativeOf(target).zeroCountFloat = r.double();
      return true;
    case HISTOGRAM_TAG.NEGATIVE_SPAN:
      nativeOf(target).negativeSpans.push(readSpan(wire));
      return true;
    case HISTOGRAM_TAG.POSITIVE_SPAN:
      nativeOf(target).positiveSpans.push(readSpan(wire));
      return true;
    case HISTOGRAM_TAG.NEGATIVE_DELTA:
      nativeOf(target).negativeDeltas.push(wire.sint64());
      return true;
    case HISTOGRAM_TAG.POSITIVE_DELTA:
      nativeOf(target).positiveDeltas.push(wire.sint64());
      return true;
    case HISTOGRAM_TAG.NEGATIVE_COUNT:
      nativeOf(target).negativeCounts.push(r.double());
      return true;
    case HISTOGRAM_TAG.POSITIVE_COUNT:
      nativeOf(target).positiveCounts.push(r.double());
      return true;
    case HISTOGRAM_TAG.NEGATIVE_DELTA_PACKED:
    case HISTOGRAM_TAG.POSITIVE_DELTA_PACKED: {
      const deltas = tag === HISTOGRAM_TAG.NEGATIVE_DELTA_PACKED ? nativeOf(target).negativeDeltas : nativeOf(target).positiveDeltas;
      const outer = wire.enter();
      while (r.pos < r.len) deltas.push(wire.sint64());
      wire.leave(outer);
      return true;
    }
    case HISTOGRAM_TAG.NEGATIVE_COUNT_PACKED:
    case HISTOGRAM_TAG.POSITIVE_COUNT_PACKED: {
      const counts = tag === HISTOGRAM_TAG.NEGATIVE_COUNT_PACKED ? nativeOf(target).negativeCounts : nativeOf(target).positiveCounts;
      const outer = wire.enter();
      while (r.pos < r.len) counts.push(r.double());
      wire.leave(outer);
      return true;
    }
    default:
      return false;
  }
}

function readBucket(wire: WireReader, nested: NestedReaders): Bucket {
  const r = wire.reader;
  const outer = wire.enter();
  const bucket: Bucket = { upperBound: 0, cumulativeCount: 0 };
  while (r.pos < r.len) {
    const tag = wire.tag();
    switch (tag) {
      case BUCKET_TAG.COUNT:
        bucket.cumulativeCount = wire.uint64();
        break;
      case BUCKET_TAG.UPPER_BOUND:
        bucket.upperBound = r.double();
        break;
      case BUCKET_TAG.EXEMPLAR:
        bucket.exemplar = nested.exemplar();
        break;
      case BUCKET_TAG.COUNT_FLOAT:
        bucket.cumulativeCountFloat = r.double();
        break;
      default:
        wire.skip(tag, GO_BUCKET);
    }
  }
  wire.leave(outer);
  return bucket;
}

function readSpan(wire: WireReader): BucketSpan {
  const r = wire.reader;
  const outer = wire.enter();
  const span: BucketSpan = { offset: 0, length: 0 };
  while (r.pos < r.len) {
    const tag = wire.tag();
    if (tag === SPAN_TAG.OFFSET) span.offset = wire.sint32();
    else if (tag === SPAN_TAG.LENGTH) span.length = wire.uint32();
    else wire.skip(tag, GO_SPAN);
  }
  wire.leave(outer);
  return span;
}

function nativeOf(target: Metric): NativeHistogram {
  return (target.native ??= {
    negativeSpans: [],
    negativeDeltas: [],
    negativeCounts: [],
    positiveSpans: [],
    positiveDeltas: [],
    positiveCounts: [],
  });
}
