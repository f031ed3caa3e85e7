// One io.prometheus.client.MetricFamily message → a family of the model, with Go's wire errors and our [Rec] checks.
import type { Exemplar, ForeignValues, Labels, Metric, MetricFamily, MetricType, Quantile, Timestamp, ValueKind } from '../model/metric.ts';
import {
  EXEMPLAR_TAG, FAMILY_TAG, LABEL_TAG, METRIC_TAG, PROTO_TYPES, QUANTILE_TAG, SUMMARY_TAG, TIMESTAMP_TAG, VALUE_TAG,
} from '../model/metrics-proto.ts';
import { isValidMetricName, isValidUtf8Name } from '../model/names.ts';
import { quoteBytes } from './go-quote.ts';
import { ParseError } from './parse-error.ts';
import { readHistogram } from './protobuf-histogram.ts';
import { samplesOf, tooManySamples } from './push-limit-error.ts';
import { WireReader } from './protobuf-wire.ts';

// Go's names of the generated message types, as its "illegal tag" error quotes them.
const GO_FAMILY = 'io_prometheus_client.MetricFamily';
const GO_METRIC = 'io_prometheus_client.Metric';
const GO_LABEL = 'io_prometheus_client.LabelPair';
const GO_GAUGE = 'io_prometheus_client.Gauge';
const GO_COUNTER = 'io_prometheus_client.Counter';
const GO_UNTYPED = 'io_prometheus_client.Untyped';
const GO_SUMMARY = 'io_prometheus_client.Summary';
const GO_QUANTILE = 'io_prometheus_client.Quantile';
const GO_EXEMPLAR = 'io_prometheus_client.Exemplar';
const GO_TIMESTAMP = 'timestamp.Timestamp';

/** Which value message a series must carry in a family of each type (Go's gather check, SPEC §4.4). */
const VALUE_FIELD_OF: Readonly<Record<MetricType, number>> = {
  counter: METRIC_TAG.COUNTER,
  gauge: METRIC_TAG.GAUGE,
  summary: METRIC_TAG.SUMMARY,
  untyped: METRIC_TAG.UNTYPED,
  histogram: METRIC_TAG.HISTOGRAM,
  gaugehistogram: METRIC_TAG.HISTOGRAM,
};

/** The kind of each value message of a Metric, by its tag. */
const VALUE_KIND_OF: Readonly<Record<number, ValueKind>> = {
  [METRIC_TAG.GAUGE]: 'gauge',
  [METRIC_TAG.COUNTER]: 'counter',
  [METRIC_TAG.SUMMARY]: 'summary',
  [METRIC_TAG.UNTYPED]: 'untyped',
  [METRIC_TAG.HISTOGRAM]: 'histogram',
};

/**
 * Decodes MetricFamily messages into the model the text parser produces, so that the store and the
 * renderers never learn which format a push used. Written in the shape of protobufjs's static code
 * (`pbjs -t static`) on its Reader, rather than through reflection, for three reasons: strings are
 * checked for UTF-8 on their bytes (protobufjs would decode invalid ones silently), proto2 field presence
 * is kept (an absent `type` is COUNTER, an absent value stays undefined), and series land in the model's
 * shape without an intermediate object graph.
 *
 * Wire errors carry Go 1.5.1's texts (`unexpected EOF`, `proto: can't skip unknown wire type 7`, …).
 * Beyond Go, a message is refused when its family has no name or an invalid one, an unknown type, or a
 * string that is not UTF-8 (SPEC §4.4 [Rec]). Which value a series carries versus its family type is left
 * to the store (`kindMismatch`), as in Go. One instance per body, decoding its messages one at a time.
 */
export class MetricFamilyDecoder {
  readonly #wire = new WireReader();
  // What a Histogram message holds that other messages hold too, for readHistogram.
  readonly #nested = { exemplar: (): Exemplar => this.#exemplar(), timestamp: (): Timestamp => this.#timestamp() };
  /** For error texts: the 1-based number of the message in the body, and its family's name once known. */
  #message = 0;
  #familyName: string | undefined;
  // Samples decoded so far in this body, against `maxSamples` (`--push.max-series`).
  readonly #maxSamples: number;
  readonly #utf8Names: boolean;
  #samples = 0;

  /**
   * `maxSamples` bounds the samples of the whole body (a value, or a bucket or quantile plus sum and count),
   * checked before a family's series become objects: a 13-byte series decodes into ~140 bytes, so a body's
   * byte limit alone would let one push hold gigabytes. `utf8Names` (`--push.enable-utf8-names`) lets a
   * family name be any valid UTF-8; label names are the store's to check.
   */
  constructor(maxSamples = Infinity, utf8Names = false) {
    this.#maxSamples = maxSamples;
    this.#utf8Names = utf8Names;
  }

  /**
   * Decodes the message `bytes[start, end)`, the `messageNumber`-th of the body. Throws ParseError. The
   * returned family is new and owned by the caller; it keeps no reference to `bytes`.
   */
  decode(bytes: Uint8Array, start: number, end: number, messageNumber: number): MetricFamily {
    this.#message = messageNumber;
    this.#familyName = undefined;
    return this.#wire.decoding(bytes, start, end, () => this.#family(start, end));
  }

  // Two passes over the family's own fields: the first finds name, help and type (which a writer may put
  // after the series), the second decodes each series knowing the type.
  #family(start: number, end: number): MetricFamily {
    const r = this.#wire.reader;
    let nameStart = -1;
    let nameEnd = -1;
    let help: string | undefined;
    let typeNumber = 0; // proto2 default: COUNTER
    let metricCount = 0;
    while (r.pos < end) {
      const tag = this.#wire.tag();
      switch (tag) {
        case FAMILY_TAG.NAME:
          this.#wire.skipText();
          nameStart = this.#wire.textStart;
          nameEnd = this.#wire.textEnd;
          break;
        case FAMILY_TAG.HELP:
          help = this.#wire.text() ?? this.#textFailure('HELP is not valid UTF-8');
          break;
        case FAMILY_TAG.TYPE:
          typeNumber = this.#wire.int32();
          break;
        case FAMILY_TAG.METRIC:
          this.#wire.skipBytes();
          metricCount++;
          break;
        default:
          this.#wire.skip(tag, GO_FAMILY);
      }
    }
    const name = this.#familyNameOf(nameStart, nameEnd);
    const type = PROTO_TYPES[typeNumber];
    if (type === undefined) throw this.#fail(`unknown metric type ${typeNumber}`);
    // Go 1.5.1 stores it and then cuts every scrape short at this family ([Rec] of SPEC §4.6).
    if (type === 'gaugehistogram') throw this.#fail('gauge histograms are not supported: push it as a histogram');
    // Every series is at least one sample: a family with too many is refused before any is decoded, and the
    // exact count (buckets, quantiles) is kept as they are.
    if (this.#samples + metricCount > this.#maxSamples) throw tooManySamples(this.#maxSamples, `family ${JSON.stringify(name)}`);
    const metrics: Metric[] = [];
    if (metricCount > 0) {
      r.pos = start;
      while (r.pos < end) {
        const tag = this.#wire.tag();
        if (tag !== FAMILY_TAG.METRIC) {
          this.#wire.skip(tag, GO_FAMILY);
          continue;
        }
        const metric = this.#metric(type);
        this.#samples += samplesOf(metric);
        if (this.#samples > this.#maxSamples) throw tooManySamples(this.#maxSamples, `family ${JSON.stringify(name)}`);
        metrics.push(metric);
      }
    }
    // Empty HELP is no HELP ([Rec] of SPEC §5.4; Go would print `# HELP name ` with a trailing blank).
    return { name, help: help === '' ? undefined : help, type, metrics };
  }

  #familyNameOf(start: number, end: number): string {
    // A nameless family breaks Go's scrape ([Rec], SPEC §4.4); an invalid name would be exposed verbatim.
    if (start === end) throw this.#fail('metric family has no name');
    const name = this.#wire.string(start, end);
    if (name === undefined || !(this.#utf8Names ? isValidUtf8Name(name) : isValidMetricName(name))) throw this.#fail(`invalid metric name ${quoteBytes(this.#wire.reader.buf, start, end)}`);
    this.#familyName = name;
    return name;
  }

  #metric(type: MetricType): Metric {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const labels: Labels = [];
    const metric: Metric = { labels };
    const wanted = VALUE_FIELD_OF[type];
    let matched = false;
    let foreign: ForeignValues | undefined;
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === METRIC_TAG.LABEL) {
        this.#labelPair(labels, 'label');
        continue;
      }
      if (tag === METRIC_TAG.TIMESTAMP_MS) {
        metric.timestampMs = this.#wire.int64();
        continue;
      }
      let target = metric;
      if (tag === wanted) {
        matched = true;
      } else {
        // A value message of another kind is still decoded (Go refuses the push if it is malformed), apart
        // from the series: only the family type's kind counts, as in Go's text encoder, but Go quotes the
        // others when it refuses a series that lacks its own. Repeated messages merge, as in Go.
        const kind = VALUE_KIND_OF[tag];
        if (kind === undefined) {
          this.#wire.skip(tag, GO_METRIC);
          continue;
        }
        target = (foreign ??= {})[kind] ??= { labels: [] };
      }
      switch (tag) {
        case METRIC_TAG.GAUGE:
          this.#value(target, GO_GAUGE);
          break;
        case METRIC_TAG.UNTYPED:
          this.#value(target, GO_UNTYPED);
          break;
        case METRIC_TAG.COUNTER:
          this.#value(target, GO_COUNTER);
          break;
        case METRIC_TAG.SUMMARY:
          this.#summary(target);
          break;
        case METRIC_TAG.HISTOGRAM:
          readHistogram(this.#wire, target, this.#nested);
          break;
      }
    }
    this.#wire.leave(outer);
    if (!matched) metric.kindMismatch = foreign ?? {};
    return metric;
  }

  // A LabelPair appended to `labels`; `what` names the pair's role in error texts.
  #labelPair(labels: Labels, what: string): void {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    // Nearly every pair is `name` then `value`, each shorter than 128 bytes: read those bytes directly
    // instead of field by field (a third of a push's decoding time otherwise). Both lengths must be
    // one-byte varints: `0x80 0x00` is a longer spelling of 0, and the bytes after it other fields.
    const buf = r.buf;
    const pos = r.pos;
    const nameLength = buf[pos + 1]!;
    const valueAt = pos + 2 + nameLength;
    const valueLength = buf[valueAt + 1]!;
    if (
      buf[pos] === LABEL_TAG.NAME && nameLength < 0x80 && buf[valueAt] === LABEL_TAG.VALUE && valueLength < 0x80 &&
      valueAt + 2 + valueLength === r.len
    ) {
      const name = this.#wire.string(pos + 2, valueAt);
      const value = this.#wire.string(valueAt + 2, r.len);
      if (name !== undefined && value !== undefined) {
        labels.push(name, value);
        r.pos = r.len;
        this.#wire.leave(outer);
        return;
      }
    }
    let name = '';
    let valueStart = 0;
    let valueEnd = 0;
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === LABEL_TAG.NAME) {
        const text = this.#wire.text();
        name = text ?? this.#textFailure(`${what} name ${quoteBytes(r.buf, this.#wire.textStart, this.#wire.textEnd)} is not valid UTF-8`);
      } else if (tag === LABEL_TAG.VALUE) {
        this.#wire.skipText();
        valueStart = this.#wire.textStart;
        valueEnd = this.#wire.textEnd;
      } else {
        this.#wire.skip(tag, GO_LABEL);
      }
    }
    this.#wire.leave(outer);
    // Checked after the loop so that the message can name the label whatever the field order.
    const value = this.#wire.string(valueStart, valueEnd);
    if (value === undefined) {
      throw this.#fail(`value of ${what} ${JSON.stringify(name)} is not valid UTF-8: ${quoteBytes(r.buf, valueStart, valueEnd)}`);
    }
    labels.push(name, value);
  }

  // Gauge, Untyped or Counter (`goType` says which); only a Counter has an exemplar and a creation time.
  #value(target: Metric, goType: string): void {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const isCounter = goType === GO_COUNTER;
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === VALUE_TAG.VALUE) target.value = r.double();
      else if (tag === VALUE_TAG.EXEMPLAR && isCounter) target.exemplar = this.#exemplar();
      else if (tag === VALUE_TAG.CREATED && isCounter) target.createdTimestamp = this.#timestamp();
      else this.#wire.skip(tag, goType);
    }
    this.#wire.leave(outer);
  }

  #summary(target: Metric): void {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const quantiles = (target.quantiles ??= []);
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      switch (tag) {
        case SUMMARY_TAG.COUNT:
          target.count = this.#wire.uint64();
          break;
        case SUMMARY_TAG.SUM:
          target.sum = r.double();
          break;
        case SUMMARY_TAG.QUANTILE:
          quantiles.push(this.#quantile());
          break;
        case SUMMARY_TAG.CREATED:
          target.createdTimestamp = this.#timestamp();
          break;
        default:
          this.#wire.skip(tag, GO_SUMMARY);
      }
    }
    this.#wire.leave(outer);
  }

  #quantile(): Quantile {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const quantile: Quantile = { quantile: 0, value: 0 };
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === QUANTILE_TAG.QUANTILE) quantile.quantile = r.double();
      else if (tag === QUANTILE_TAG.VALUE) quantile.value = r.double();
      else this.#wire.skip(tag, GO_QUANTILE);
    }
    this.#wire.leave(outer);
    return quantile;
  }

  #exemplar(): Exemplar {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const exemplar: Exemplar = { labels: [], value: 0 };
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === EXEMPLAR_TAG.LABEL) this.#labelPair(exemplar.labels, 'exemplar label');
      else if (tag === EXEMPLAR_TAG.VALUE) exemplar.value = r.double();
      else if (tag === EXEMPLAR_TAG.TIMESTAMP) exemplar.timestamp = this.#timestamp();
      else this.#wire.skip(tag, GO_EXEMPLAR);
    }
    this.#wire.leave(outer);
    return exemplar;
  }

  #timestamp(): Timestamp {
    const r = this.#wire.reader;
    const outer = this.#wire.enter();
    const timestamp: Timestamp = { seconds: 0, nanos: 0 };
    while (r.pos < r.len) {
      const tag = this.#wire.tag();
      if (tag === TIMESTAMP_TAG.SECONDS) timestamp.seconds = this.#wire.int64();
      else if (tag === TIMESTAMP_TAG.NANOS) timestamp.nanos = this.#wire.int32();
      else this.#wire.skip(tag, GO_TIMESTAMP);
    }
    this.#wire.leave(outer);
    return timestamp;
  }

  #textFailure(problem: string): never {
    throw this.#fail(problem);
  }

  #fail(problem: string): ParseError {
    const family = this.#familyName === undefined ? '' : ` (metric family ${JSON.stringify(this.#familyName)})`;
    return ParseError.withoutLine(`protobuf message ${this.#message}${family}: ${problem}`);
  }
}
