// What the store's change feed publishes: one record per applied effect, as plain data.
import type { Group } from './group.ts';
import type { Labels } from './metric.ts';

/**
 * One effect of the store's single writer, published once, after it was applied. Records hold data only
 * (immutable groups, never a request, body or closure), so a subscriber may keep them, journal them or
 * ship them to another process, and replaying them in order onto the groups they started from gives the
 * same groups.
 * - `push`: a write succeeded; `group` is the group as it now is (created when `created`).
 * - `failure`: a write was refused and only the group's failure time was recorded; `group` is the group
 *   as it now is (created when `created`).
 * - `delete`: the group with these labels is gone: deleted, or, marked `expired`, its TTL ran out (model/expiry.ts).
 * - `delete-many`: the groups with these keys and labels are gone, all in this one change (a bulk delete
 *   by selector): readers and the journal see all of them go or none.
 * - `wipe`: every group is gone.
 * - `restore`: the store's contents were replaced by `groups` (a snapshot or journal load, a resync).
 */
export type Change =
  | { readonly kind: 'push'; readonly group: Group; readonly created: boolean }
  | { readonly kind: 'failure'; readonly group: Group; readonly created: boolean }
  | { readonly kind: 'delete'; readonly key: string; readonly labels: Labels; readonly expired?: true }
  | { readonly kind: 'delete-many'; readonly groups: readonly { readonly key: string; readonly labels: Labels }[] }
  | { readonly kind: 'wipe' }
  | { readonly kind: 'restore'; readonly groups: readonly Group[] };

/** Told every change, synchronously, in the order they were applied. Must not throw or change the store. */
export type ChangeListener = (change: Change) => void;
