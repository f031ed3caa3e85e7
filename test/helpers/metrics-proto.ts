// Protobuf push bodies and scrape decoding for tests, with protobufjs reflection: independent of src/'s hand-written codec.
import protobuf from "protobufjs";
import { compress } from "snappyjs";
import { maskedCrc32c } from "../../src/parse/crc32c.ts";

// client_model 0.6's metrics.proto, written out as protobufjs JSON. Label values are `bytes` so tests can
// send values that are not UTF-8; repeated scalars are unpacked, as Go writes them.
const unpacked = { packed: false };
const root = protobuf.Root.fromJSON({
  nested: {
    LabelPair: { fields: { name: { type: "string", id: 1 }, value: { type: "bytes", id: 2 } } },
    MetricType: { values: { COUNTER: 0, GAUGE: 1, SUMMARY: 2, UNTYPED: 3, HISTOGRAM: 4, GAUGE_HISTOGRAM: 5 } },
    Gauge: { fields: { value: { type: "double", id: 1 } } },
    Timestamp: { fields: { seconds: { type: "int64", id: 1 }, nanos: { type: "int32", id: 2 } } },
    Counter: {
      fields: { value: { type: "double", id: 1 }, exemplar: { type: "Exemplar", id: 2 }, createdTimestamp: { type: "Timestamp", id: 3 } },
    },
    Quantile: { fields: { quantile: { type: "double", id: 1 }, value: { type: "double", id: 2 } } },
    Summary: {
      fields: {
        sampleCount: { type: "uint64", id: 1 },
        sampleSum: { type: "double", id: 2 },
        quantile: { rule: "repeated", type: "Quantile", id: 3 },
        createdTimestamp: { type: "Timestamp", id: 4 },
      },
    },
    Untyped: { fields: { value: { type: "double", id: 1 } } },
    Histogram: {
      fields: {
        sampleCount: { type: "uint64", id: 1 },
        sampleCountFloat: { type: "double", id: 4 },
        sampleSum: { type: "double", id: 2 },
        bucket: { rule: "repeated", type: "Bucket", id: 3 },
        createdTimestamp: { type: "Timestamp", id: 15 },
        schema: { type: "sint32", id: 5 },
        zeroThreshold: { type: "double", id: 6 },
        zeroCount: { type: "uint64", id: 7 },
        zeroCountFloat: { type: "double", id: 8 },
        negativeSpan: { rule: "repeated", type: "BucketSpan", id: 9 },
        negativeDelta: { rule: "repeated", type: "sint64", id: 10, options: unpacked },
        negativeCount: { rule: "repeated", type: "double", id: 11, options: unpacked },
        positiveSpan: { rule: "repeated", type: "BucketSpan", id: 12 },
        positiveDelta: { rule: "repeated", type: "sint64", id: 13, options: unpacked },
        positiveCount: { rule: "repeated", type: "double", id: 14, options: unpacked },
        exemplars: { rule: "repeated", type: "Exemplar", id: 16 },
      },
    },
    Bucket: {
      fields: {
        cumulativeCount: { type: "uint64", id: 1 },
        cumulativeCountFloat: { type: "double", id: 4 },
        upperBound: { type: "double", id: 2 },
        exemplar: { type: "Exemplar", id: 3 },
      },
    },
    BucketSpan: { fields: { offset: { type: "sint32", id: 1 }, length: { type: "uint32", id: 2 } } },
    Exemplar: {
      fields: { label: { rule: "repeated", type: "LabelPair", id: 1 }, value: { type: "double", id: 2 }, timestamp: { type: "Timestamp", id: 3 } },
    },
    Metric: {
      fields: {
        label: { rule: "repeated", type: "LabelPair", id: 1 },
        gauge: { type: "Gauge", id: 2 },
        counter: { type: "Counter", id: 3 },
        summary: { type: "Summary", id: 4 },
        untyped: { type: "Untyped", id: 5 },
        histogram: { type: "Histogram", id: 7 },
        timestampMs: { type: "int64", id: 6 },
      },
    },
    MetricFamily: {
      fields: {
        name: { type: "string", id: 1 },
        help: { type: "string", id: 2 },
        type: { type: "MetricType", id: 3 },
        metric: { rule: "repeated", type: "Metric", id: 4 },
      },
    },
  },
});
const MetricFamily = root.lookupType("MetricFamily");

/** The Content-Type of a delimited protobuf push, as the Go client sends it. */
export const PROTOBUF_CONTENT_TYPE = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/** A MetricFamily in protobufjs's plain-object form (camelCase fields; label values as strings or bytes). */
export type FamilyObject = Record<string, unknown>;

/** `{ name, value }` label pairs from `name=value` arguments; a value may be bytes (for invalid UTF-8). */
export function labels(...pairs: [string, string | Uint8Array][]): { name: string; value: Uint8Array }[] {
  return pairs.map(([name, value]) => ({ name, value: typeof value === "string" ? new TextEncoder().encode(value) : value }));
}

/** One MetricFamily message, not delimited. */
export function encodeFamily(family: FamilyObject): Uint8Array {
  return MetricFamily.encode(MetricFamily.fromObject(family)).finish();
}

/** A delimited protobuf body: each family as a varint length and its message. */
export function delimited(...families: FamilyObject[]): Uint8Array<ArrayBuffer> {
  const writer = protobuf.Writer.create();
  for (const family of families) writer.bytes(encodeFamily(family));
  return new Uint8Array(writer.finish());
}

/**
 * Decodes a delimited body (e.g. a protobuf scrape) into plain objects: 64-bit values as numbers, label
 * values as strings, enums as names, absent fields absent.
 */
export function decodeDelimited(body: Uint8Array): FamilyObject[] {
  const reader = protobuf.Reader.create(body);
  const families: FamilyObject[] = [];
  while (reader.pos < reader.len) {
    const message = MetricFamily.decodeDelimited(reader);
    families.push(labelValuesAsText(MetricFamily.toObject(message, { longs: Number, enums: String, bytes: String })));
  }
  return families;
}

// toObject gives `bytes` fields as base64: turns every label pair's value back into its UTF-8 text.
function labelValuesAsText<T>(node: T): T {
  if (Array.isArray(node)) return node.map(labelValuesAsText) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "label"
      ? (value as { name: string; value?: string }[]).map((pair) => ({ ...pair, value: Buffer.from(pair.value ?? "", "base64").toString() }))
      : labelValuesAsText(value);
  }
  return out as T;
}

/**
 * `data` in the snappy framing format: the stream identifier, then one chunk per `blockSize` bytes,
 * compressed (snappyjs) or stored, each with its masked CRC-32C.
 */
export function snappyFramed(data: Uint8Array, options: { blockSize?: number; uncompressed?: boolean } = {}): Uint8Array<ArrayBuffer> {
  const blockSize = options.blockSize ?? 65536;
  const parts: number[] = [0xff, 6, 0, 0, ...new TextEncoder().encode("sNaPpY")];
  for (let at = 0; at < data.length; at += blockSize) {
    const block = data.subarray(at, at + blockSize);
    const crc = maskedCrc32c(block, 0, block.length);
    const payload = options.uncompressed ? block : compress(block);
    const length = payload.length + 4;
    parts.push(options.uncompressed ? 0x01 : 0x00, length & 0xff, (length >> 8) & 0xff, length >> 16);
    parts.push(crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24, ...payload);
  }
  return Uint8Array.from(parts);
}
