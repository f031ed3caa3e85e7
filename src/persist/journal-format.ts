// The journal file: a header, then one checksummed record per change since the snapshot it continues.
import { crc32 } from 'node:zlib';
import type { Change } from '../model/change.ts';
import type { Group } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';
import { decodeGroup, encodeGroup, lengthOf } from '../stored/group-bytes.ts';

/** `\x89PGWJNL\n`: see SNAPSHOT_MAGIC for why it is shaped so. */
export const JOURNAL_MAGIC = new Uint8Array([0x89, 0x50, 0x47, 0x57, 0x4a, 0x4e, 0x4c, 0x0a]);
/**
 * The version of the record layout below (and of stored/group-bytes.ts). Version 2 added the series hashes
 * to a group's bytes (group-bytes reads both); version 3 added the delete-many record and a group's own TTL
 * (group-bytes reads every older head). Every older version is read: a record kind only ever gains a
 * number, never changes its meaning.
 */
export const JOURNAL_VERSION = 3;
/** magic, version (u32), generation (u32), little-endian. */
export const JOURNAL_HEADER_BYTES = JOURNAL_MAGIC.length + 8;
/** Per record: payload length (u32), CRC-32 of the payload (u32), then the payload: a kind byte and its data. */
const RECORD_HEADER_BYTES = 8;

const SET_GROUP = 1;
const DELETE_GROUP = 2;
const WIPE = 3;
const DELETE_GROUPS = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** What replaying one record does to the groups. */
export type JournalEntry =
  | { readonly kind: 'set'; readonly group: Group }
  | { readonly kind: 'delete'; readonly labels: Labels }
  | { readonly kind: 'delete-many'; readonly labels: readonly Labels[] }
  | { readonly kind: 'wipe' };

/** The first bytes of journal generation `generation`. */
export function journalHeader(generation: number): Uint8Array {
  const header = new Uint8Array(JOURNAL_HEADER_BYTES);
  header.set(JOURNAL_MAGIC);
  const view = new DataView(header.buffer);
  view.setUint32(JOURNAL_MAGIC.length, JOURNAL_VERSION, true);
  view.setUint32(JOURNAL_MAGIC.length + 4, generation, true);
  return header;
}

/** Bytes before the group's bytes in the record of a push or failure (setGroupRecord): its header and kind byte. */
export const SET_GROUP_RECORD_HEAD_BYTES = RECORD_HEADER_BYTES + 1;

/** The record of a push or a recorded failure: the whole group as it now is, from its encodeGroup parts. */
export function setGroupRecord(groupParts: readonly Uint8Array[]): Uint8Array[] {
  return record(SET_GROUP, groupParts);
}

/** The record of a deleted group. */
export function deleteGroupRecord(labels: Labels): Uint8Array[] {
  return record(DELETE_GROUP, [encoder.encode(JSON.stringify(labels))]);
}

/**
 * The record of groups deleted together (a bulk delete): one record, so a crash keeps all of them deleted
 * or none, as the store applied them.
 */
export function deleteGroupsRecord(labels: readonly Labels[]): Uint8Array[] {
  return record(DELETE_GROUPS, [encoder.encode(JSON.stringify(labels))]);
}

/** The record of a wipe. */
export function wipeRecord(): Uint8Array[] {
  return record(WIPE, []);
}

/**
 * The record of one applied change (every kind but a restore, which no record holds): what the journal
 * appends and what a replica ships to the others through Redis (replica/). `groupParts` are the
 * encodeGroup parts of a push's or failure's group, when the caller has them already.
 */
export function changeRecord(change: Exclude<Change, { readonly kind: 'restore' }>, groupParts?: readonly Uint8Array[]): Uint8Array[] {
  switch (change.kind) {
    case 'push':
    case 'failure':
      return setGroupRecord(groupParts ?? encodeGroup(change.group));
    case 'delete':
      return deleteGroupRecord(change.labels);
    case 'delete-many':
      return deleteGroupsRecord(change.groups.map((group) => group.labels));
    case 'wipe':
      return wipeRecord();
  }
}

/** Reads one record as changeRecord made it (its parts joined); throws Error when it is cut short, damaged or unknown. */
export function readRecord(bytes: Uint8Array): JournalEntry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length <= RECORD_HEADER_BYTES || view.getUint32(0, true) !== bytes.length - RECORD_HEADER_BYTES) throw new Error('record cut short');
  const payload = bytes.subarray(RECORD_HEADER_BYTES);
  if (crc32(payload) !== view.getUint32(4, true)) throw new Error('record checksum mismatch');
  return entryOf(payload);
}

function record(kind: number, data: readonly Uint8Array[]): Uint8Array[] {
  const header = new Uint8Array(RECORD_HEADER_BYTES + 1);
  header[RECORD_HEADER_BYTES] = kind;
  let crc = crc32(header.subarray(RECORD_HEADER_BYTES));
  for (const part of data) crc = crc32(part, crc);
  const view = new DataView(header.buffer);
  view.setUint32(0, 1 + lengthOf(data), true);
  view.setUint32(4, crc, true);
  return [header, ...data];
}

/** A journal as read: its records up to the first that cannot be read, and what stopped the reading. */
export interface JournalContents {
  readonly generation: number;
  readonly entries: JournalEntry[];
  /**
   * Why reading stopped before the end, or undefined. `torn` when nothing but zeros follows the bad record
   * (a write cut short by a crash: expected, and nothing after it was acknowledged); otherwise the file is
   * damaged and `offset` says where.
   */
  readonly problem?: { readonly offset: number; readonly message: string; readonly torn: boolean };
}

/** A journal whose header cannot be read: nothing in it can be trusted. */
export class JournalError extends Error {}

/**
 * Reads a whole journal file. Throws JournalError when the header is not ours or is of a newer version
 * (both versions named); otherwise returns every record before the first bad one.
 */
export function readJournal(bytes: Uint8Array): JournalContents {
  if (bytes.length < JOURNAL_HEADER_BYTES || !JOURNAL_MAGIC.every((byte, i) => bytes[i] === byte)) {
    throw new JournalError(bytes.length < JOURNAL_HEADER_BYTES ? `cut short in its header: ${bytes.length} bytes` : 'not a journal of this gateway (wrong magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(JOURNAL_MAGIC.length, true);
  if (version > JOURNAL_VERSION) throw new JournalError(`journal format version ${version} is newer than this gateway's ${JOURNAL_VERSION}`);
  if (version < 1) throw new JournalError(`unknown journal format version ${version}`);
  const generation = view.getUint32(JOURNAL_MAGIC.length + 4, true);
  const entries: JournalEntry[] = [];
  let at = JOURNAL_HEADER_BYTES;
  while (at < bytes.length) {
    const stop = (message: string, recordEnd: number) => ({
      generation,
      entries,
      problem: { offset: at, message, torn: recordEnd >= bytes.length || isZeroFrom(bytes, recordEnd) },
    });
    // Journal files are preallocated with zeros (see Journal): where a record would start, nothing but
    // zeros is the clean end.
    if ((at + RECORD_HEADER_BYTES > bytes.length || view.getUint32(at, true) === 0) && isZeroFrom(bytes, at)) break;
    if (at + RECORD_HEADER_BYTES > bytes.length) return stop('record header cut short', bytes.length);
    const length = view.getUint32(at, true);
    const end = at + RECORD_HEADER_BYTES + length;
    if (length === 0 || end > bytes.length) return stop('record cut short', bytes.length);
    const payload = bytes.subarray(at + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== view.getUint32(at + 4, true)) return stop('record checksum mismatch', end);
    let entry: JournalEntry;
    try {
      entry = entryOf(payload);
    } catch (error) {
      return stop(`record does not decode: ${(error as Error).message}`, end);
    }
    entries.push(entry);
    at = end;
  }
  return { generation, entries };
}

/** Whether every byte from `from` to the end is zero (the preallocated, never written tail of a journal). */
function isZeroFrom(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function entryOf(payload: Uint8Array): JournalEntry {
  const data = payload.subarray(1);
  switch (payload[0]) {
    case SET_GROUP:
      return { kind: 'set', group: decodeGroup(data) };
    case DELETE_GROUP:
      return { kind: 'delete', labels: labelListOf(JSON.parse(decoder.decode(data))) };
    case DELETE_GROUPS: {
      const lists: unknown = JSON.parse(decoder.decode(data));
      if (!Array.isArray(lists) || lists.length === 0) throw new Error('not a non-empty list of label lists');
      return { kind: 'delete-many', labels: lists.map(labelListOf) };
    }
    case WIPE:
      if (data.length !== 0) throw new Error('a wipe carries no data');
      return { kind: 'wipe' };
    default:
      throw new Error(`unknown record kind ${payload[0]}`);
  }
}

function labelListOf(labels: unknown): Labels {
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) throw new Error('not a label list');
  return labels;
}
