// The snapshot file: a header, every group's bytes (stored/group-bytes.ts) one after the other, and a checksum.
import { crc32 } from 'node:zlib';
import type { Group } from '../model/group.ts';
import { decodeGroup, encodeGroup, lengthOf } from '../stored/group-bytes.ts';

/**
 * The first bytes of every snapshot: a high byte (caught by anything that strips the 8th bit), the name,
 * and a newline (caught by line-ending conversion), like PNG's signature. Go's gob files never start so.
 */
export const SNAPSHOT_MAGIC = new Uint8Array([0x89, 0x50, 0x47, 0x57, 0x53, 0x4e, 0x50, 0x0a]); // \x89PGWSNP\n
/**
 * The version of the layout below and of stored/group-bytes.ts. Raise it when either changes; a gateway
 * refuses snapshots of a newer version (and keeps them aside) rather than guess. Version 2 added the
 * series hashes to a group's bytes, version 3 a group's own TTL; older snapshots are read as well
 * (group-bytes reads every older head).
 */
export const SNAPSHOT_VERSION = 3;

/** magic, version (u32), journal generation (u32), group count (u32); all little-endian. */
const HEADER_BYTES = SNAPSHOT_MAGIC.length + 12;
/**
 * Per group: its length (u32), then its bytes. At the end: the CRC-32 of everything before it (u32), by
 * node:zlib's crc32 (hardware CRC: ~5 ms for a 96 MiB snapshot here, where Bun.hash.crc32 took ~180 ms).
 */
const LENGTH_BYTES = 4;

/** What a snapshot holds. */
export interface Snapshot {
  /** The first journal generation not folded into the snapshot: replay it and the later ones on top. */
  readonly journalGeneration: number;
  readonly groups: Group[];
}

/** A snapshot that cannot be read, with the reason in words. */
export class SnapshotError extends Error {}

/**
 * The snapshot of `groups` as parts to write in order. A group's bytes are a small head plus its own text
 * arrays (nothing copied), so this is cheap per group; `heads` caches them across snapshots by the
 * immutable group. The groups and their texts must not change while the parts are written, which holds:
 * groups are replaced, never mutated.
 */
export function* snapshotParts(groups: readonly Group[], journalGeneration: number, heads: WeakMap<Group, Uint8Array[]>): Generator<Uint8Array> {
  const header = new Uint8Array(HEADER_BYTES);
  header.set(SNAPSHOT_MAGIC);
  const view = new DataView(header.buffer);
  view.setUint32(SNAPSHOT_MAGIC.length, SNAPSHOT_VERSION, true);
  view.setUint32(SNAPSHOT_MAGIC.length + 4, journalGeneration, true);
  view.setUint32(SNAPSHOT_MAGIC.length + 8, groups.length, true);
  let crc = crc32(header);
  yield header;
  for (const group of groups) {
    let parts = heads.get(group);
    if (parts === undefined) {
      parts = encodeGroup(group);
      heads.set(group, parts);
    }
    const length = new Uint8Array(LENGTH_BYTES);
    new DataView(length.buffer).setUint32(0, lengthOf(parts), true);
    crc = crc32(length, crc);
    yield length;
    for (const part of parts) {
      crc = crc32(part, crc);
      yield part;
    }
  }
  const trailer = new Uint8Array(LENGTH_BYTES);
  new DataView(trailer.buffer).setUint32(0, crc, true);
  yield trailer;
}

/** Whether `bytes` start like a snapshot of ours (of any version). */
export function isSnapshot(bytes: Uint8Array): boolean {
  if (bytes.length < SNAPSHOT_MAGIC.length) return false;
  for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) if (bytes[i] !== SNAPSHOT_MAGIC[i]) return false;
  return true;
}

/**
 * Reads a whole snapshot file. Throws SnapshotError naming the problem: not a snapshot, a newer version
 * (both versions named), cut short, a checksum mismatch, a group that does not decode, or two groups
 * with one key. All or nothing: a snapshot whose checksum holds is taken whole.
 */
export function readSnapshot(bytes: Uint8Array): Snapshot {
  if (!isSnapshot(bytes)) throw new SnapshotError('not a snapshot of this gateway (wrong magic bytes)');
  if (bytes.length < HEADER_BYTES + LENGTH_BYTES) throw new SnapshotError(`cut short: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(SNAPSHOT_MAGIC.length, true);
  if (version > SNAPSHOT_VERSION) {
    throw new SnapshotError(`snapshot format version ${version} is newer than this gateway's ${SNAPSHOT_VERSION}`);
  }
  if (version < 1) throw new SnapshotError(`unknown snapshot format version ${version}`);
  const end = bytes.length - LENGTH_BYTES;
  const crc = crc32(bytes.subarray(0, end));
  if (crc !== view.getUint32(end, true)) throw new SnapshotError('checksum mismatch: the file is cut short or damaged');
  const journalGeneration = view.getUint32(SNAPSHOT_MAGIC.length + 4, true);
  const count = view.getUint32(SNAPSHOT_MAGIC.length + 8, true);
  const groups: Group[] = [];
  const keys = new Set<string>();
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + LENGTH_BYTES > end) throw new SnapshotError(`cut short in group ${i + 1} of ${count}`);
    const length = view.getUint32(at, true);
    at += LENGTH_BYTES;
    if (at + length > end) throw new SnapshotError(`cut short in group ${i + 1} of ${count}`);
    let group: Group;
    try {
      group = decodeGroup(bytes.subarray(at, at + length));
    } catch (error) {
      throw new SnapshotError(`group ${i + 1} of ${count} at byte ${at}: ${(error as Error).message}`);
    }
    if (keys.has(group.key)) throw new SnapshotError(`group ${i + 1} of ${count} repeats the grouping key of an earlier one`);
    keys.add(group.key);
    groups.push(group);
    at += length;
  }
  if (at !== end) throw new SnapshotError(`${end - at} bytes after the last group`);
  return { journalGeneration, groups };
}
