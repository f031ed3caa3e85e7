// Delimited protobuf scrapes: each stored family's `metric` fields encoded once and cached, each scrape a concatenation.
import { Writer } from 'protobufjs/minimal.js';
import type { Group, StoredFamily } from '../model/group.ts';
import type { BucketSpan, Exemplar, Labels, Metric, MetricType, Timestamp } from '../model/metric.ts';
import {
  BUCKET_TAG, EXEMPLAR_TAG, FAMILY_TAG, HISTOGRAM_TAG, LABEL_TAG, METRIC_TAG, PROTO_TYPES, QUANTILE_TAG, SPAN_TAG, SUMMARY_TAG,
  TIMESTAMP_TAG, VALUE_TAG,
} from '../model/metrics-proto.ts';
import { decodeFamilyLines } from '../stored/family-lines.ts';
import { HeaderCache, type MergedFamily, type OwnFamily, mergeFamilies } from './family-merge.ts';
import { type FamilyChunks, GzipRuns } from './gzip-runs.ts';
import { storedMetrics } from './stored-metrics.ts';

// Stored families never change, so their encoded series are cached with them and go when they go.
const metricFields = new WeakMap<StoredFamily, Uint8Array>();
// The name, help (only if defined) and type fields of a MetricFamily message.
const headers = new HeaderCache((name, help, type) => {
  const w = Writer.create().uint32(FAMILY_TAG.NAME).string(name);
  if (help !== undefined) w.uint32(FAMILY_TAG.HELP).string(help);
  return w.uint32(FAMILY_TAG.TYPE).uint32(PROTO_TYPES.indexOf(type)).finish();
});

/**
 * The delimited protobuf exposition (SPEC §6.3) of the gateway's own families and all groups, as byte
 * chunks to send in order: per family, the message length, the name/help/type fields, then the
 * `metric` fields of each source. A protobuf message is the concatenation of its fields, so a stored
 * family's series are encoded once, on its first protobuf scrape, and reused until it is replaced.
 * Families, order and HELP are mergeFamilies' choice, as for the text exposition.
 */
export function renderProtobufExposition(groups: readonly Group[], own: readonly OwnFamily[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const family of protobufFamilies(groups, own)) {
    out.push(...family.lead);
    for (const stored of family.stored) out.push(metricFields.get(stored)!);
  }
  return out;
}

// Every stored family's fields are in `metricFields` once protobufFamilies has run.
const protobufRuns = new GzipRuns((stored) => metricFields.get(stored)!);

/** The same body as renderProtobufExposition, gzipped from cached deflate runs like the text form (gzip-runs.ts). */
export function renderGzipProtobufExposition(groups: readonly Group[], own: readonly OwnFamily[], nowMs: number): Uint8Array[] {
  return protobufRuns.compress(protobufFamilies(groups, own), nowMs);
}

// Each family as the chunks that lead it (message length, header fields, the gateway's own series) and its
// stored families, whose metric fields are encoded into `metricFields` here when not cached yet.
function protobufFamilies(groups: readonly Group[], own: readonly OwnFamily[]): FamilyChunks[] {
  return mergeFamilies(groups, own).map((family) => {
    const header = headers.get(family);
    let length = header.length;
    const ownFields = family.own === undefined ? undefined : encodeMetricFields(family.own.type, decodeFamilyLines(family.own.name, family.own.type, family.own.text));
    if (ownFields !== undefined) length += ownFields.length;
    for (const stored of family.stored) {
      let fields = metricFields.get(stored);
      if (fields === undefined) {
        fields = encodeMetricFields(stored.type, storedMetrics(stored));
        metricFields.set(stored, fields);
      }
      length += fields.length;
    }
    const lead = ownFields === undefined ? [varint(length), header] : [varint(length), header, ownFields];
    return { name: family.name, lead, stored: family.stored };
  });
}

/**
 * All series of a merged family as one list, the gateway's own first: the structured copy of each stored
 * family where the store kept one, else its stored lines read back (stored/family-lines.ts). The lists
 * are new; the series in them may be the stored ones and must not be mutated.
 */
export function mergedMetrics(family: MergedFamily): Metric[] {
  const metrics: Metric[] = [];
  if (family.own !== undefined) metrics.push(...decodeFamilyLines(family.own.name, family.own.type, family.own.text));
  for (const stored of family.stored) metrics.push(...storedMetrics(stored));
  return metrics;
}

/**
 * The `metric` fields (field 4 of MetricFamily) of `metrics` in a family of type `type`, fields in number
 * order as Go writes them. Only the value message of the family's kind is written, and no timestamp
 * (the store refuses them). Returns fresh bytes.
 */
export function encodeMetricFields(type: MetricType, metrics: readonly Metric[]): Uint8Array {
  const w = Writer.create();
  for (const metric of metrics) {
    w.uint32(FAMILY_TAG.METRIC).fork();
    writeLabels(w, METRIC_TAG.LABEL, metric.labels);
    if (metric.kindMismatch === undefined) writeValue(w, type, metric);
    w.ldelim();
  }
  return w.finish();
}

function writeValue(w: Writer, type: MetricType, metric: Metric): void {
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      w.uint32(type === 'counter' ? METRIC_TAG.COUNTER : type === 'gauge' ? METRIC_TAG.GAUGE : METRIC_TAG.UNTYPED).fork();
      if (metric.value !== undefined) w.uint32(VALUE_TAG.VALUE).double(metric.value);
      if (metric.exemplar !== undefined) writeExemplar(w, VALUE_TAG.EXEMPLAR, metric.exemplar);
      if (metric.createdTimestamp !== undefined) writeTimestamp(w, VALUE_TAG.CREATED, metric.createdTimestamp);
      w.ldelim();
      return;
    case 'summary':
      w.uint32(METRIC_TAG.SUMMARY).fork();
      if (metric.count !== undefined) w.uint32(SUMMARY_TAG.COUNT).uint64(metric.count);
      if (metric.sum !== undefined) w.uint32(SUMMARY_TAG.SUM).double(metric.sum);
      for (const quantile of metric.quantiles ?? []) {
        w.uint32(SUMMARY_TAG.QUANTILE).fork();
        w.uint32(QUANTILE_TAG.QUANTILE).double(quantile.quantile).uint32(QUANTILE_TAG.VALUE).double(quantile.value);
        w.ldelim();
      }
      if (metric.createdTimestamp !== undefined) writeTimestamp(w, SUMMARY_TAG.CREATED, metric.createdTimestamp);
      w.ldelim();
      return;
    case 'histogram':
    case 'gaugehistogram':
      w.uint32(METRIC_TAG.HISTOGRAM).fork();
      writeHistogram(w, metric);
      w.ldelim();
  }
}

function writeHistogram(w: Writer, metric: Metric): void {
  if (metric.count !== undefined) w.uint32(HISTOGRAM_TAG.COUNT).uint64(metric.count);
  if (metric.sum !== undefined) w.uint32(HISTOGRAM_TAG.SUM).double(metric.sum);
  for (const bucket of metric.buckets ?? []) {
    w.uint32(HISTOGRAM_TAG.BUCKET).fork();
    // A float bucket usually comes without an integer count; the model holds that as 0, left out again here.
    if (bucket.cumulativeCount !== 0 || bucket.cumulativeCountFloat === undefined) w.uint32(BUCKET_TAG.COUNT).uint64(bucket.cumulativeCount);
    w.uint32(BUCKET_TAG.UPPER_BOUND).double(bucket.upperBound);
    if (bucket.exemplar !== undefined) writeExemplar(w, BUCKET_TAG.EXEMPLAR, bucket.exemplar);
    if (bucket.cumulativeCountFloat !== undefined) w.uint32(BUCKET_TAG.COUNT_FLOAT).double(bucket.cumulativeCountFloat);
    w.ldelim();
  }
  if (metric.countFloat !== undefined) w.uint32(HISTOGRAM_TAG.COUNT_FLOAT).double(metric.countFloat);
  const native = metric.native;
  if (native !== undefined) {
    if (native.schema !== undefined) w.uint32(HISTOGRAM_TAG.SCHEMA).sint32(native.schema);
    if (native.zeroThreshold !== undefined) w.uint32(HISTOGRAM_TAG.ZERO_THRESHOLD).double(native.zeroThreshold);
    if (native.zeroCount !== undefined) w.uint32(HISTOGRAM_TAG.ZERO_COUNT).uint64(native.zeroCount);
    if (native.zeroCountFloat !== undefined) w.uint32(HISTOGRAM_TAG.ZERO_COUNT_FLOAT).double(native.zeroCountFloat);
    writeSide(w, native.negativeSpans, native.negativeDeltas, native.negativeCounts, NEGATIVE_TAGS);
    writeSide(w, native.positiveSpans, native.positiveDeltas, native.positiveCounts, POSITIVE_TAGS);
  }
  if (metric.createdTimestamp !== undefined) writeTimestamp(w, HISTOGRAM_TAG.CREATED, metric.createdTimestamp);
  for (const exemplar of metric.exemplars ?? []) writeExemplar(w, HISTOGRAM_TAG.EXEMPLARS, exemplar);
}

/** The field tags of one side of a native histogram. */
interface SideTags {
  readonly span: number;
  readonly delta: number;
  readonly count: number;
}

const NEGATIVE_TAGS: SideTags = { span: HISTOGRAM_TAG.NEGATIVE_SPAN, delta: HISTOGRAM_TAG.NEGATIVE_DELTA, count: HISTOGRAM_TAG.NEGATIVE_COUNT };
const POSITIVE_TAGS: SideTags = { span: HISTOGRAM_TAG.POSITIVE_SPAN, delta: HISTOGRAM_TAG.POSITIVE_DELTA, count: HISTOGRAM_TAG.POSITIVE_COUNT };

// One side of a native histogram: its spans, then its deltas (integer) or counts (float).
function writeSide(w: Writer, spans: readonly BucketSpan[], deltas: readonly number[], counts: readonly number[], tags: SideTags): void {
  for (const span of spans) {
    w.uint32(tags.span).fork().uint32(SPAN_TAG.OFFSET).sint32(span.offset).uint32(SPAN_TAG.LENGTH).uint32(span.length).ldelim();
  }
  for (const delta of deltas) w.uint32(tags.delta).sint64(delta);
  for (const count of counts) w.uint32(tags.count).double(count);
}

function writeLabels(w: Writer, tag: number, labels: Labels): void {
  for (let i = 0; i < labels.length; i += 2) {
    w.uint32(tag).fork().uint32(LABEL_TAG.NAME).string(labels[i]!).uint32(LABEL_TAG.VALUE).string(labels[i + 1]!).ldelim();
  }
}

function writeExemplar(w: Writer, tag: number, exemplar: Exemplar): void {
  w.uint32(tag).fork();
  writeLabels(w, EXEMPLAR_TAG.LABEL, exemplar.labels);
  w.uint32(EXEMPLAR_TAG.VALUE).double(exemplar.value);
  if (exemplar.timestamp !== undefined) writeTimestamp(w, EXEMPLAR_TAG.TIMESTAMP, exemplar.timestamp);
  w.ldelim();
}

// google.protobuf.Timestamp is proto3: zero fields are not written.
function writeTimestamp(w: Writer, tag: number, timestamp: Timestamp): void {
  w.uint32(tag).fork();
  if (timestamp.seconds !== 0) w.uint32(TIMESTAMP_TAG.SECONDS).int64(timestamp.seconds);
  if (timestamp.nanos !== 0) w.uint32(TIMESTAMP_TAG.NANOS).int32(timestamp.nanos);
  w.ldelim();
}

/** A message length as the varint that prefixes it. */
function varint(value: number): Uint8Array {
  return Writer.create().uint32(value).finish();
}
