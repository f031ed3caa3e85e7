// A group as bytes and back (msgpack): the one form a group takes on disk, in the journal and, later, to another replica.
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
 * A family as packed: `[name, type index, help or null, pushedAt, text, exact or null]`. Series hashes
 * are not packed: they are computed again from the text (model/series-hash.ts may change between
 * versions; the text lines cannot without a new format).
 */
type PackedFamily = [string, number, string | null, number, Uint8Array, unknown];
/** A group as packed: `[labels, pushTime, failureTime, families]`. Its key is derived from the labels. */
type PackedGroup = [Labels, number, number, PackedFamily[]];

/** The group's bytes. Deterministic for equal groups; the caller owns the result. Never throws for a stored group. */
export function encodeGroup(group: Group): Uint8Array {
  const families: PackedFamily[] = [];
  for (const family of group.families.values()) {
    const exact = family.exact === undefined ? null : markNegativeZeros(family.exact);
    families.push([family.name, TYPES.indexOf(family.type), family.help ?? null, family.pushedAt, family.text, exact]);
  }
  const packed: PackedGroup = [group.labels, group.pushTime, group.failureTime, families];
  return packr.pack(packed);
}

/**
 * The group `encodeGroup` wrote. Its text is copied out of `bytes`, so a large buffer holding many groups
 * is not kept alive by the ones that stay. Throws an Error saying what is wrong when the bytes are not a
 * group (a corrupt file or record); the caller decides what that costs.
 */
export function decodeGroup(bytes: Uint8Array): Group {
  const packed: unknown = packr.unpack(bytes);
  if (!isPackedGroup(packed)) throw new Error('not a stored group');
  const [labels, pushTime, failureTime, packedFamilies] = packed;
  const families = new Map<string, StoredFamily>();
  for (const entry of packedFamilies) {
    if (!isPackedFamily(entry)) throw new Error('not a stored family');
    const [name, typeIndex, help, pushedAt, text, exact] = entry;
    const type = TYPES[typeIndex]!;
    const copy = new Uint8Array(text);
    families.set(name, {
      name,
      type,
      help: help ?? undefined,
      pushedAt,
      text: copy,
      seriesHashes: seriesHashesOfLines(name, type, copy),
      ...(exact === null ? {} : { exact: exact as MetricFamily }),
    });
  }
  return { key: groupKeyOf(labels), labels, families, pushTime, failureTime };
}

function isPackedGroup(value: unknown): value is PackedGroup {
  return Array.isArray(value) && value.length === 4 && Array.isArray(value[0]) && value[0].every((v) => typeof v === 'string') &&
    value[0].length % 2 === 0 && typeof value[1] === 'number' && typeof value[2] === 'number' && Array.isArray(value[3]);
}

function isPackedFamily(value: unknown): value is PackedFamily {
  return Array.isArray(value) && value.length === 6 && typeof value[0] === 'string' && typeof value[1] === 'number' &&
    TYPES[value[1]] !== undefined && (value[2] === null || typeof value[2] === 'string') && typeof value[3] === 'number' &&
    value[4] instanceof Uint8Array && (value[5] === null || typeof value[5] === 'object');
}

/** A copy of `value` with every `-0` replaced by the NegativeZero marker. */
function markNegativeZeros(value: unknown): unknown {
  if (typeof value === 'number') return value === 0 && 1 / value < 0 ? NEGATIVE_ZERO : value;
  if (Array.isArray(value)) return value.map(markNegativeZeros);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== undefined) copy[key] = markNegativeZeros(field);
  return copy;
}
