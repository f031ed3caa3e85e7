// Re-spells every varint of a delimited MetricFamily body in more bytes than it needs, as a protobuf writer may (issue 11, finding 3).

/** Which length-delimited fields of each message are nested messages (the rest are strings, bytes or packed scalars). */
const NESTED: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  MetricFamily: { 4: "Metric" },
  Metric: { 1: "LabelPair", 2: "Value", 3: "Counter", 4: "Summary", 5: "Value", 7: "Histogram" },
  Value: {},
  LabelPair: {},
  Counter: { 2: "Exemplar", 3: "Timestamp" },
  Summary: { 3: "Quantile", 4: "Timestamp" },
  Quantile: {},
  Histogram: { 3: "Bucket", 9: "BucketSpan", 12: "BucketSpan", 15: "Timestamp", 16: "Exemplar" },
  Bucket: { 3: "Exemplar" },
  BucketSpan: {},
  Exemplar: { 1: "LabelPair", 3: "Timestamp" },
  Timestamp: {},
};

/**
 * `body` (a delimited body whose messages are canonical) with every varint inside its messages (tags,
 * lengths, enums, integers) written in `width(canonicalLength)` bytes instead, at most ten: the same
 * values, which a decoder must read the same. The length prefixes of the messages stay canonical (Go
 * reads at most five bytes there).
 */
export function withLongVarints(body: Uint8Array, width: (canonical: number) => number): Uint8Array {
  const out: number[] = [];
  let at = 0;
  while (at < body.length) {
    const [length, next] = readVarint(body, at);
    const message = respell(body.subarray(next, next + Number(length)), "MetricFamily", width);
    writeVarint(out, BigInt(message.length), canonicalLength(BigInt(message.length)));
    out.push(...message);
    at = next + Number(length);
  }
  return Uint8Array.from(out);
}

function respell(bytes: Uint8Array, type: string, width: (canonical: number) => number): number[] {
  const out: number[] = [];
  const long = (value: bigint) => writeVarint(out, value, Math.min(10, Math.max(canonicalLength(value), width(canonicalLength(value)))));
  let at = 0;
  while (at < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, at);
    long(tag);
    at = afterTag;
    const wireType = Number(tag & 7n);
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, at);
      long(value);
      at = next;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      out.push(...bytes.subarray(at, at + size));
      at += size;
    } else if (wireType === 2) {
      const [length, next] = readVarint(bytes, at);
      const content = bytes.subarray(next, next + Number(length));
      const nested = NESTED[type]![Number(tag >> 3n)];
      const inner = nested === undefined ? [...content] : respell(content, nested, width);
      long(BigInt(inner.length));
      out.push(...inner);
      at = next + Number(length);
    } else {
      throw new Error(`wire type ${wireType} in a test body`);
    }
  }
  return out;
}

function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const byte = bytes[at++]!;
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return [value, at];
  }
}

function canonicalLength(value: bigint): number {
  let length = 1;
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) length++;
  return length;
}

/** `value` in exactly `bytes` bytes: continuation bits on all but the last, zero groups as padding. */
function writeVarint(out: number[], value: bigint, bytes: number): void {
  for (let i = 0; i < bytes; i++) {
    const group = Number((value >> BigInt(7 * i)) & 0x7fn);
    out.push(i < bytes - 1 ? group | 0x80 : group);
  }
}
