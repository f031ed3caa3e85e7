// Go's protobuf text format of a Metric's fields: the debug scrapes print it, and Go quotes it when it refuses a series.
import { formatGoValue } from './format-float.ts';
import type { Exemplar, Labels, Metric, MetricType, Timestamp, ValueKind } from './metric.ts';

const encoder = new TextEncoder();

/** The value messages of a Metric in the order metrics.proto declares them, which is the order Go prints them in. */
const VALUE_KINDS: readonly ValueKind[] = ['gauge', 'counter', 'summary', 'untyped', 'histogram'];

/** Go's text marshaller: `name: value` lines and `name: <` … `>` blocks, or their one-line compact form. */
export class ProtoTextWriter {
  text = '';
  readonly #compact: boolean;
  #indent = '';

  constructor(compact: boolean) {
    this.#compact = compact;
  }

  scalar(name: string, value: string): void {
    this.text += this.#compact ? `${name}:${value} ` : `${this.#indent}${name}: ${value}\n`;
  }

  open(name: string): void {
    this.text += this.#compact ? `${name}:<` : `${this.#indent}${name}: <\n`;
    this.#indent += '  ';
  }

  close(): void {
    this.#indent = this.#indent.slice(2);
    this.text += this.#compact ? '> ' : `${this.#indent}>\n`;
  }
}

/**
 * Writes a Metric's fields: its labels, then its value message. A series that lacks its family type's
 * value gets the value messages it carried instead, in the order metrics.proto declares them: what Go
 * prints when it refuses such a series (issue 11, finding 6).
 */
export function writeMetricFields(out: ProtoTextWriter, type: MetricType, metric: Metric): void {
  writeLabels(out, metric.labels);
  const foreign = metric.kindMismatch;
  if (foreign === undefined) {
    writeValue(out, type, metric);
    return;
  }
  for (const kind of VALUE_KINDS) {
    const values = foreign[kind];
    if (values !== undefined) writeValue(out, kind, values);
  }
}

// The value message of `type` with the value fields of `metric`, only those set.
function writeValue(out: ProtoTextWriter, type: MetricType, metric: Metric): void {
  switch (type) {
    case 'counter':
    case 'gauge':
    case 'untyped':
      out.open(type);
      if (metric.value !== undefined) out.scalar('value', float(metric.value));
      if (metric.exemplar !== undefined) writeExemplar(out, 'exemplar', metric.exemplar);
      if (metric.createdTimestamp !== undefined) writeTimestamp(out, 'created_timestamp', metric.createdTimestamp);
      out.close();
      return;
    case 'summary':
      out.open('summary');
      if (metric.count !== undefined) out.scalar('sample_count', integer(metric.count));
      if (metric.sum !== undefined) out.scalar('sample_sum', float(metric.sum));
      for (const quantile of metric.quantiles ?? []) {
        out.open('quantile');
        out.scalar('quantile', float(quantile.quantile));
        out.scalar('value', float(quantile.value));
        out.close();
      }
      if (metric.createdTimestamp !== undefined) writeTimestamp(out, 'created_timestamp', metric.createdTimestamp);
      out.close();
      return;
    case 'histogram':
    case 'gaugehistogram':
      out.open('histogram');
      writeHistogram(out, metric);
      out.close();
  }
}

function writeHistogram(out: ProtoTextWriter, metric: Metric): void {
  if (metric.count !== undefined) out.scalar('sample_count', integer(metric.count));
  if (metric.countFloat !== undefined) out.scalar('sample_count_float', float(metric.countFloat));
  if (metric.sum !== undefined) out.scalar('sample_sum', float(metric.sum));
  for (const bucket of metric.buckets ?? []) {
    out.open('bucket');
    // As in the binary encoder: a float bucket's integer count of 0 stands for an absent one.
    if (bucket.cumulativeCount !== 0 || bucket.cumulativeCountFloat === undefined) out.scalar('cumulative_count', integer(bucket.cumulativeCount));
    if (bucket.cumulativeCountFloat !== undefined) out.scalar('cumulative_count_float', float(bucket.cumulativeCountFloat));
    out.scalar('upper_bound', float(bucket.upperBound));
    if (bucket.exemplar !== undefined) writeExemplar(out, 'exemplar', bucket.exemplar);
    out.close();
  }
  if (metric.createdTimestamp !== undefined) writeTimestamp(out, 'created_timestamp', metric.createdTimestamp);
  const native = metric.native;
  if (native !== undefined) {
    if (native.schema !== undefined) out.scalar('schema', String(native.schema));
    if (native.zeroThreshold !== undefined) out.scalar('zero_threshold', float(native.zeroThreshold));
    if (native.zeroCount !== undefined) out.scalar('zero_count', integer(native.zeroCount));
    if (native.zeroCountFloat !== undefined) out.scalar('zero_count_float', float(native.zeroCountFloat));
    for (const [side, spans, deltas, counts] of [
      ['negative', native.negativeSpans, native.negativeDeltas, native.negativeCounts],
      ['positive', native.positiveSpans, native.positiveDeltas, native.positiveCounts],
    ] as const) {
      for (const span of spans) {
        out.open(`${side}_span`);
        out.scalar('offset', String(span.offset));
        out.scalar('length', String(span.length));
        out.close();
      }
      for (const delta of deltas) out.scalar(`${side}_delta`, integer(delta));
      for (const count of counts) out.scalar(`${side}_count`, float(count));
    }
  }
  for (const exemplar of metric.exemplars ?? []) writeExemplar(out, 'exemplars', exemplar);
}

function writeLabels(out: ProtoTextWriter, labels: Labels): void {
  for (let i = 0; i < labels.length; i += 2) {
    out.open('label');
    out.scalar('name', quoteProtoText(labels[i]!));
    out.scalar('value', quoteProtoText(labels[i + 1]!));
    out.close();
  }
}

function writeExemplar(out: ProtoTextWriter, name: string, exemplar: Exemplar): void {
  out.open(name);
  writeLabels(out, exemplar.labels);
  out.scalar('value', float(exemplar.value));
  if (exemplar.timestamp !== undefined) writeTimestamp(out, 'timestamp', exemplar.timestamp);
  out.close();
}

// google.protobuf.Timestamp is proto3: zero fields are not shown.
function writeTimestamp(out: ProtoTextWriter, name: string, timestamp: Timestamp): void {
  out.open(name);
  if (timestamp.seconds !== 0) out.scalar('seconds', integer(timestamp.seconds));
  if (timestamp.nanos !== 0) out.scalar('nanos', String(timestamp.nanos));
  out.close();
}

/** Go's text format spells the special floats `inf`, `-inf`, `nan`; others as `%v` (shortest %g, `-0` kept). */
function float(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isNaN(value)) return 'nan';
  return formatGoValue(value);
}

/** A 64-bit integer field in decimal; past 2^53 JS's own formatting would round the digits. */
function integer(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
}

/** A string as Go's text marshaller quotes it: `\n \r \t \" \\` escaped, any other byte outside 0x20–0x7e as `\ooo` octal. */
export function quoteProtoText(text: string): string {
  let out = '"';
  for (const byte of encoder.encode(text)) {
    switch (byte) {
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      default: out += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '\\' + byte.toString(8).padStart(3, '0');
    }
  }
  return out + '"';
}
