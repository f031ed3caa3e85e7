// A group as bytes and back: the one form a group takes on disk, in the journal and, later, to another replica.
import { Packr, addExtension } from 'msgpackr';
import { type Group, type StoredFamily, groupKeyOf } from '../model/group.ts';
import type { Labels, MetricFamily, MetricType } from '../model/metric.ts';
import { seriesHashesOfLines } from './family-lines.ts';

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
 * A family in the head: `[name, type index, help or null, pushedAt, text length, exact or null]`. Series
 * hashes are not written: they are computed again from the text (model/series-hash.ts may change between
 * versions; the stored lines cannot without a new format).
 */
type HeadFamily = [string, number, string | null, number, number, unknown];
/** The head of a group: `[labels, pushTime, failureTime, families]`. Its key is derived from the labels. */
type Head = [Labels, number, number, HeadFamily[]];

/** Bytes of the length that starts a group's bytes (a little-endian uint32: the head's length). */
const HEAD_LENGTH_BYTES = 4;

/**
 * The group's bytes, as parts to write one after the other: a 4-byte little-endian length, the head (the
 * labels, times and family metadata, msgpack) and then each family's stored text as it is, in head order.
 * The texts are the group's own arrays, not copies, so writing a group costs one small msgpack head; the
 * parts must not be mutated. Deterministic for equal groups. Never throws for a stored group.
 */
export function encodeGroup(group: Group): Uint8Array[] {
  const families: HeadFamily[] = [];
  const parts: Uint8Array[] = [new Uint8Array(HEAD_LENGTH_BYTES)];
  for (const family of group.families.values()) {
    const exact = family.exact === undefined ? null : markNegativeZeros(family.exact);
    families.push([family.name, TYPES.indexOf(family.type), family.help ?? null, family.pushedAt, family.text.length, exact]);
    parts.push(family.text);
  }
  const head: Head = [group.labels, group.pushTime, group.failureTime, families];
  const packed = packr.pack(head);
  new DataView(parts[0]!.buffer).setUint32(0, packed.length, true);
  parts.splice(1, 0, packed);
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
  const families = new Map<string, StoredFamily>();
  for (const entry of headFamilies) {
    if (!isHeadFamily(entry)) throw new Error('not a stored family');
    const [name, typeIndex, help, pushedAt, textLength, exact] = entry;
    if (at + textLength > bytes.length) throw new Error('a stored group is cut short');
    const type = TYPES[typeIndex]!;
    const text = bytes.slice(at, at + textLength);
    at += textLength;
    families.set(name, {
      name,
      type,
      help: help ?? undefined,
      pushedAt,
      text,
      seriesHashes: seriesHashesOfLines(name, type, text),
      ...(exact === null ? {} : { exact: exact as MetricFamily }),
    });
  }
  if (at !== bytes.length) throw new Error(`a stored group has ${bytes.length - at} bytes too many`);
  return { key: groupKeyOf(labels), labels, families, pushTime, failureTime };
}

function isHead(value: unknown): value is Head {
  return Array.isArray(value) && value.length === 4 && Array.isArray(value[0]) && value[0].length % 2 === 0 &&
    value[0].every((v) => typeof v === 'string') && typeof value[1] === 'number' && typeof value[2] === 'number' &&
    Array.isArray(value[3]);
}

function isHeadFamily(value: unknown): value is HeadFamily {
  return Array.isArray(value) && value.length === 6 && typeof value[0] === 'string' && typeof value[1] === 'number' &&
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
