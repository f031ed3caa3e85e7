// The protobuf side of the benchmarks' payloads: parsed families as a delimited push body, and a delimited scrape's series counted per family.
//
// Bodies are encoded with protobufjs reflection through the tests' helper (test/helpers/metrics-proto.ts),
// not with src/'s own writer, so the decoder under test is fed bytes it did not produce itself.
import { Reader } from 'protobufjs/minimal.js';
import type { Metric, MetricFamily } from '../src/model/metric.ts';
import { PROTO_TYPE_NAMES } from '../src/model/metric.ts';
import { type FamilyObject, delimited, labels } from '../test/helpers/metrics-proto.ts';

/**
 * `families` as a delimited protobuf push body (one MetricFamily message per family, in order), with the
 * same values the text parser read: a histogram keeps its `+Inf` bucket (as expfmt's text parser does), so
 * decoding the body gives back the same families, series and sample lines. Returns fresh bytes.
 */
export function delimitedBody(families: readonly MetricFamily[]): Uint8Array {
  return delimited(...families.map(familyObject));
}

function familyObject(family: MetricFamily): FamilyObject {
  return {
    name: family.name,
    ...(family.help === undefined ? {} : { help: family.help }),
    type: PROTO_TYPE_NAMES[family.type],
    metric: family.metrics.map((metric) => metricObject(family.type, metric)),
  };
}

function metricObject(type: MetricFamily['type'], metric: Metric): FamilyObject {
  const pairs: [string, string][] = [];
  for (let i = 0; i < metric.labels.length; i += 2) pairs.push([metric.labels[i]!, metric.labels[i + 1]!]);
  const object: FamilyObject = { label: labels(...pairs) };
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      object[type] = { value: metric.value };
      break;
    case 'summary':
      object.summary = { sampleCount: metric.count, sampleSum: metric.sum, quantile: metric.quantiles ?? [] };
      break;
    case 'histogram':
    case 'gaugehistogram':
      object.histogram = {
        sampleCount: metric.count,
        sampleSum: metric.sum,
        bucket: (metric.buckets ?? []).map((bucket) => ({ cumulativeCount: bucket.cumulativeCount, upperBound: bucket.upperBound })),
      };
  }
  return object;
}

// MetricFamily's fields as (field number << 3 | wire type): name (1, bytes) and metric (4, bytes).
const NAME_TAG = (1 << 3) | 2;
const METRIC_TAG = (4 << 3) | 2;

/**
 * Walks a delimited protobuf body message by message and counts the `metric` fields of each family, by
 * family name (a name seen in two messages adds up). Only the framing and the MetricFamily fields are
 * decoded; each series is skipped by its length. Throws if the framing is broken or a message has no name.
 */
export function countMetricsByFamily(body: Uint8Array): Map<string, number> {
  const reader = Reader.create(body);
  const counts = new Map<string, number>();
  while (reader.pos < reader.len) {
    const end = reader.uint32() + reader.pos;
    if (end > reader.len) throw new Error(`protobuf message ends at byte ${end}, past the body's ${reader.len}`);
    let name: string | undefined;
    let metrics = 0;
    while (reader.pos < end) {
      const tag = reader.uint32();
      if (tag === NAME_TAG) name = reader.string();
      else if (tag === METRIC_TAG) {
        reader.skipType(2);
        metrics++;
      } else reader.skipType(tag & 7);
    }
    if (reader.pos !== end) throw new Error(`protobuf message overran its length (at ${reader.pos}, end ${end})`);
    if (name === undefined) throw new Error('protobuf message without a family name');
    counts.set(name, (counts.get(name) ?? 0) + metrics);
  }
  return counts;
}
