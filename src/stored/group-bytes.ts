// A group as bytes and back: the one form a group takes on disk, in the journal and, later, to another replica.
import { Packr, addExtension } from 'msgpackr';
import { type Group, type StoredFamily, groupKeyOf } from '../model/group.ts';
import type { Labels, MetricFamily, MetricType } from '../model/metric.ts';
import { SERIES_HASH_VERSION } from '../model/series-hash.ts';
import { hasUtf8Names } from '../model/names.ts';
import { seriesHashesOfLines } from './family-lines.ts';
import { encodeFamilyText } from './family-text.ts';

/**
 * msgpack has one integer zero, and msgpackr packs a float that equals an integer as that integer, so
 * `-0` would come back as `0`. The structured copy a family keeps exists precisely for values the text
 * loses, `-0` among them: such a zero is packed as this extension instead.
 */
class NegativeZero {}
const NEGATIVE_ZERO = new NegativeZero();
addExtension({ Class: NegativeZero, type: 0x2d, write: () => 0, read: () => -0 });

// Records (msgpackr's shared object shapes) are off: each group's bytes must decode on their own.
const packr = new Packr({ useRecords: false, moreTypes: false });

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gaugehistogram'];

/**
 * A family in the head: `[name, type index, help or null, pushedAt, text length, exact or null, series]`:
 * `series` is how many series hashes follow the texts for it (see Head).
 */
type HeadFamily = [string, number, string | null, number, number, unknown, number];
/**
 * The head of a group: `[labels, pushTime, failureTime, families, hash version]`, then, only for a group
 * with a TTL of its own (format version 3), that TTL in ms. Its key is derived from the labels. After the texts come each family's series hashes (little-endian float64s, as every platform
 * Bun runs on lays out a Float64Array), computed by model/series-hash.ts of `hash version`: recomputing
 * them from the text was the larger half of reading a snapshot back. A reader whose hash function is of
 * another version computes them again from the text, as it does for heads of format version 1, which had
 * neither the count nor the version.
 */
type Head = [Labels, number, number, HeadFamily[], number] | [Labels, number, number, HeadFamily[], number, number];
type HeadV1 = [Labels, number, number, [string, number, string | null, number, number, unknown][]];

/** Bytes of the length that starts a group's bytes (a little-endian uint32: the head's length). */
const HEAD_LENGTH_BYTES = 4;

/**
 * The group's bytes, as parts to write one after the other: a 4-byte little-endian length, the head (the
 * labels, times and family metadata, msgpack), each family's stored text as it is, and all families'
 * series hashes in one part, in head order. The texts are the group's own arrays, not copies, so writing a
 * group costs one small msgpack head and its hashes' 8 bytes each; the parts must not be mutated.
 * Deterministic for equal groups. Never throws for a stored group.
 */
export function encodeGroup(group: Group): Uint8Array[] {
  const families: HeadFamily[] = [];
  const parts: Uint8Array[] = [new Uint8Array(HEAD_LENGTH_BYTES)];
  let seriesCount = 0;
  for (const family of group.families.values()) {
    const exact = family.exact === undefined ? null : markNegativeZeros(family.exact);
    const series = family.seriesHashes;
    families.push([family.name, TYPES.indexOf(family.type), family.help ?? null, family.pushedAt, family.text.length, exact, series.length]);
    parts.push(family.text);
    seriesCount += series.length;
  }
  const head: Head = [group.labels, group.pushTime, group.failureTime, families, SERIES_HASH_VERSION];
  // Left out when there is none, so that a group without one has the bytes it had before TTLs existed.
  if (group.expireAfterMs !== undefined) head.push(group.expireAfterMs);
  const packed = packr.pack(head);
  new DataView(parts[0]!.buffer).setUint32(0, packed.length, true);
  parts.splice(1, 0, packed);
  parts.push(hashBytes(group, seriesCount));
  return parts;
}

/** The total length of `parts`. */
export function lengthOf(parts: readonly Uint8Array[]): number {
  let length = 0;
  for (const part of parts) length += part.length;
  return length;
}

/**
 * The group `encodeGroup` wrote, from its parts laid end to end. The texts are copied out of `bytes`, so a
 * large buffer holding many groups is not kept alive by the ones that stay. Throws an Error saying what is
 * wrong when the bytes are not exactly one group (a corrupt file or record); the caller decides what that
 * costs.
 */
export function decodeGroup(bytes: Uint8Array): Group {
  if (bytes.length < HEAD_LENGTH_BYTES) throw new Error('a stored group is cut short');
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0, true);
  let at = HEAD_LENGTH_BYTES + headLength;
  if (at > bytes.length) throw new Error('a stored group is cut short');
  const head: unknown = packr.unpack(bytes.subarray(HEAD_LENGTH_BYTES, at));
  if (!isHead(head)) throw new Error('not a stored group');
  const [labels, pushTime, failureTime, headFamilies] = head;
  const hashVersion = head.length >= 5 ? head[4] : undefined;
  const expireAfterMs = head.length === 6 ? head[5] : undefined;
  const texts: Uint8Array[] = [];
  for (const entry of headFamilies) {
    if (!isHeadFamily(entry, hashVersion !== undefined)) throw new Error('not a stored family');
    const textLength = entry[4];
    if (at + textLength > bytes.length) throw new Error('a stored group is cut short');
    texts.push(copyOf(bytes, at, at + textLength));
    at += textLength;
  }
  const families = new Map<string, StoredFamily>();
  headFamilies.forEach((entry, i) => {
    const [name, typeIndex, help, pushedAt, , exact] = entry;
    const type = TYPES[typeIndex]!;
    const text = texts[i]!;
    let seriesHashes: Float64Array;
    if (hashVersion === undefined) {
      seriesHashes = hashesAnew(name, type, text, exact);
    } else {
      const count = (entry as HeadFamily)[6];
      const byteLength = count * Float64Array.BYTES_PER_ELEMENT;
      if (at + byteLength > bytes.length) throw new Error('a stored group is cut short');
      seriesHashes = hashVersion === SERIES_HASH_VERSION ? readHashes(bytes, at, count) : hashesAnew(name, type, text, exact);
      at += byteLength;
    }
    families.set(name, {
      name,
      type,
      help: help ?? undefined,
      pushedAt,
      text,
      seriesHashes,
      ...(exact === null ? {} : { exact: exact as MetricFamily }),
    });
  });
  if (at !== bytes.length) throw new Error(`a stored group has ${bytes.length - at} bytes too many`);
  return { key: groupKeyOf(labels), labels, families, pushTime, failureTime, expireAfterMs };
}

/**
 * A family's series hashes computed again (its head is of another hash version): from its lines, or for a
 * UTF-8 family, whose lines hold escaped names, from its structure as encodeStoredFamily hashes it.
 */
function hashesAnew(name: string, type: MetricType, text: Uint8Array, exact: unknown): Float64Array {
  const family = exact as MetricFamily | null;
  return family !== null && hasUtf8Names(family) ? encodeFamilyText(family, 'allow-utf-8').seriesHashes : seriesHashesOfLines(name, type, text);
}

/**
 * A copy of `bytes[start, end)` in an array of its own. Not `bytes.slice`: on a Buffer (what node:fs and
 * ioredis read) that is a view, which would keep the whole file's or reply's buffer alive for as long as one
 * of its groups. Nor `Uint8Array.prototype.slice` called on that Buffer: it builds the copy through the
 * Buffer constructor (its species), which took half of a replica's CPU applying other replicas' changes
 * (bench/README.md); the copy is sliced from a plain Uint8Array view of the same bytes.
 */
function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start).slice();
}

/**
 * Every family's series hashes, in order, as one part. Copied, not viewed: a view of each family's small
 * Float64Array makes JSC give that array a buffer of its own (a separate allocation per family and push),
 * which measured slower than writing the ~60 numbers of a group once (journal at 10 000 groups: 4.9 → 3.8
 * page faults and 0.30–0.33 → 0.27 ms of CPU per push).
 */
function hashBytes(group: Group, seriesCount: number): Uint8Array {
  const buffer = new ArrayBuffer(seriesCount * Float64Array.BYTES_PER_ELEMENT);
  const view = new DataView(buffer);
  let at = 0;
  for (const family of group.families.values()) {
    for (const hash of family.seriesHashes) {
      view.setFloat64(at, hash, true);
      at += Float64Array.BYTES_PER_ELEMENT;
    }
  }
  return new Uint8Array(buffer);
}

/**
 * `count` little-endian float64s from `bytes[at]` on, read one by one: a group inside a file does not start
 * 8-byte aligned, and a view's `.buffer` of a copy cost more here (JSC makes a small array's buffer real).
 */
function readHashes(bytes: Uint8Array, at: number, count: number): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, count * Float64Array.BYTES_PER_ELEMENT);
  const hashes = new Float64Array(count);
  for (let i = 0; i < count; i++) hashes[i] = view.getFloat64(i * Float64Array.BYTES_PER_ELEMENT, true);
  return hashes;
}

function isHead(value: unknown): value is Head | HeadV1 {
  return Array.isArray(value) && (value.length === 4 || (value.length >= 5 && Number.isInteger(value[4]))) &&
    (value.length <= 5 || (value.length === 6 && typeof value[5] === 'number' && value[5] >= 0)) && Array.isArray(value[0]) && value[0].length % 2 === 0 &&
    value[0].every((v) => typeof v === 'string') && typeof value[1] === 'number' && typeof value[2] === 'number' &&
    Array.isArray(value[3]);
}

function isHeadFamily(value: unknown, withSeries: boolean): value is HeadFamily {
  return Array.isArray(value) && value.length === (withSeries ? 7 : 6) && (!withSeries || (Number.isInteger(value[6]) && value[6] >= 0)) && typeof value[0] === 'string' && typeof value[1] === 'number' &&
    TYPES[value[1]] !== undefined && (value[2] === null || typeof value[2] === 'string') && typeof value[3] === 'number' &&
    Number.isInteger(value[4]) && value[4] >= 0 && (value[5] === null || typeof value[5] === 'object');
}

/** A copy of `value` with every `-0` replaced by the NegativeZero marker. */
function markNegativeZeros(value: unknown): unknown {
  if (typeof value === 'number') return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
  if (Array.isArray(value)) return value.map(markNegativeZeros);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = markNegativeZeros(field);
  return copy;
}
