// A change as the replicas ship it through Redis: the journal's record of it (persist/journal-format.ts) in a stream entry with its version.
import { groupKeyOf } from '../model/group.ts';
import { SET_GROUP_RECORD_HEAD_BYTES, changeRecord, readRecord } from '../persist/journal-format.ts';
import type { CommittableChange } from '../store/store.ts';

/** One entry of the change stream: its id, the version the change made, the change's record. */
export interface StreamEntry {
  readonly id: string;
  readonly version: number;
  readonly record: Uint8Array;
}

/** The COMMIT script's arguments for a change (see redis-scripts.ts): what it does to the hash, its record, the group keys. */
export interface CommitArgs {
  readonly op: 'set' | 'delete' | 'wipe';
  readonly record: Uint8Array;
  readonly keys: readonly string[];
}

export function commitArgsOf(change: CommittableChange): CommitArgs {
  const record = Buffer.concat(changeRecord(change));
  switch (change.kind) {
    case 'push':
    case 'failure':
      return { op: 'set', record, keys: [change.group.key] };
    case 'delete':
      return { op: 'delete', record, keys: [change.key] };
    case 'delete-many':
      return { op: 'delete', record, keys: change.groups.map((group) => group.key) };
    case 'wipe':
      return { op: 'wipe', record, keys: [] };
  }
}

/** How many bytes of a `set` record come before the group's bytes (the COMMIT script stores only those). */
export const SET_RECORD_SKIP = String(SET_GROUP_RECORD_HEAD_BYTES);

/**
 * The change a record read back from the stream stands for. A push and a refused push's failure time both
 * travel as the group they left, so both come back as a push; an expiry comes back as a delete (the
 * replica that committed it counted it). Throws Error for a damaged record.
 */
export function changeOfRecord(record: Uint8Array): CommittableChange {
  const entry = readRecord(record);
  switch (entry.kind) {
    case 'set':
      return { kind: 'push', group: entry.group, created: false };
    case 'delete':
      return { kind: 'delete', key: groupKeyOf(entry.labels), labels: entry.labels };
    case 'delete-many':
      return { kind: 'delete-many', groups: entry.labels.map((labels) => ({ key: groupKeyOf(labels), labels })) };
    case 'wipe':
      return { kind: 'wipe' };
  }
}

/** A notice (see RedisKeys.notices): a change's stream id and version, without its record. */
export interface Notice {
  readonly id: string;
  readonly version: number;
}

/** A stream entry as read: `[id, [field, value, …]]`, as Buffers through callBuffer, as text through Bun's client. */
type RawEntry<T extends Buffer | string> = [T, T[]];

/** The entries of an XRANGE reply of the change stream read with callBuffer. */
export function entriesOfRange(reply: unknown): StreamEntry[] {
  return (reply as RawEntry<Buffer>[]).map(([id, fields]) => {
    const { version, record } = fieldsOf('stream entry', id, fields);
    if (record === undefined) throw new Error(`stream entry ${id.toString()} lacks its record`);
    return { id: id.toString(), version, record };
  });
}

/**
 * The notices of an XREAD reply of the notice stream read with Bun's client: none (null), or with RESP3
 * `{[stream]: entries}`, with RESP2 `[[stream, entries]]`; each entry as text.
 */
export function noticesOfRead(reply: unknown): Notice[] {
  if (reply === null) return [];
  const [entries] = Array.isArray(reply) ? [(reply as [string, RawEntry<string>[]][])[0]?.[1]] : Object.values(reply as Record<string, RawEntry<string>[]>);
  return (entries ?? []).map(([id, fields]) => ({ id, version: fieldsOf('notice', id, fields).version }));
}

/** The version field (`v`) and the record field (`r`) of entry `id`; `what` names it when the version is missing. */
function fieldsOf<T extends Buffer | string>(what: string, id: T, fields: T[]): { version: number; record: T | undefined } {
  let version = NaN;
  let record: T | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toString();
    if (name === 'v') version = Number(fields[i + 1]!.toString());
    else if (name === 'r') record = fields[i + 1]!;
  }
  if (!Number.isSafeInteger(version)) throw new Error(`${what} ${id.toString()} lacks its version`);
  return { version, record };
}
