// The named pieces of store state a decision reads and a change writes, so that a replica's commit on Redis checks only what its decision depended on (issue #15).
import type { Group } from '../model/group.ts';
import { jobOf } from '../model/quotas.ts';
import type { CommittableChange } from './store.ts';

/**
 * Every piece of state a decision can read has a key, and every change names the keys whose state it
 * changes. A decision stays valid as long as none of the keys it read has been written since the state it
 * was made on: it would read the same values and, being deterministic, decide the same.
 *
 * - `g:<group key>`: whether that group exists and what it holds (Store's groups map, one entry).
 * - `n:<family name>`: the name→types index entry of that name: its types and their counts (NameIndex). A
 *   change whose counts for a name net to zero (a re-push keeping the type) leaves the entry as it was: with
 *   the consistency check on, a name is held with one type (checkWrite refuses a second), so removing and
 *   re-adding it cannot even reorder the entry's types; with the check off, no decision reads the index.
 * - `j:<job>`: how many groups that job has (the groups-per-job quota).
 * - `s`: the grouping shapes and their group counts (GroupingShapes), one key for all of them.
 * - `*`: everything; read by a decision that scans every group (wipe, bulk delete, expiry), written by a
 *   change that may remove any group. Every check compares against `*`'s version too.
 */
export const ALL = '*';
export const SHAPES = 's';

export function groupStateKey(key: string): string {
  return `g:${key}`;
}

export function nameStateKey(name: string): string {
  return `n:${name}`;
}

export function jobStateKey(job: string): string {
  return `j:${job}`;
}

/**
 * The keys `change` writes when applied to a store where `old` is the group it replaces or removes (undefined
 * if the group is new). A push or failure writes its group; the names whose count of any (name, type) it
 * changes — exactly those for which Store's index update (#replace) leaves a different count, so a re-push of
 * the same names and types writes none; and, when it creates the group, its job and the shapes. A delete
 * writes its group, every name the group held with series, its job and the shapes. A bulk delete, a wipe and
 * an expiry write `*`.
 */
export function writtenKeysOf(change: CommittableChange, old: Group | undefined): string[] {
  switch (change.kind) {
    case 'push':
    case 'failure': {
      const next = change.group;
      const keys = [groupStateKey(next.key), ...changedNames(old, next).map(nameStateKey)];
      if (old === undefined) keys.push(jobStateKey(jobOf(next.labels)), SHAPES);
      return keys;
    }
    case 'delete':
      if (change.expired === true || old === undefined) return [ALL];
      return [groupStateKey(change.key), ...changedNames(old, undefined).map(nameStateKey), jobStateKey(jobOf(old.labels)), SHAPES];
    case 'delete-many':
    case 'wipe':
      return [ALL];
  }
}

// The names whose count of some type differs between `old` and `next`: the same walk as Store's #replace
// (a family object kept as is counts nothing; a family without series is not indexed). A group holds a
// name once, with one type, so a name's count changes unless both hold it, with series, of the same type.
function changedNames(old: Group | undefined, next: Group | undefined): string[] {
  const changed: string[] = [];
  if (old !== undefined) {
    for (const family of old.families.values()) {
      if (family.seriesHashes.length === 0) continue;
      const now = next?.families.get(family.name);
      if (now === family) continue;
      if (now === undefined || now.seriesHashes.length === 0 || now.type !== family.type) changed.push(family.name);
    }
  }
  if (next !== undefined) {
    for (const family of next.families.values()) {
      if (family.seriesHashes.length === 0) continue;
      const was = old?.families.get(family.name);
      // One held with series (the same object, or one the loop above compared) is settled already.
      if (was === undefined || was.seriesHashes.length === 0) changed.push(family.name);
    }
  }
  return changed;
}
