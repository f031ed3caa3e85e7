// The groups and the one way to change them: apply(write), synchronous and all-or-nothing.
import type { Change, ChangeListener } from '../model/change.ts';
import type { EncodedFamily, EncodedPush, Group, StoredFamily } from '../model/group.ts';
import { groupKeyOf } from '../model/group.ts';
import { type ExpiryPolicy, NO_EXPIRY, expiryOf } from '../model/expiry.ts';
import { type LabelMatcher, matchesAny } from '../model/label-matchers.ts';
import type { Labels, MetricFamily, MetricType } from '../model/metric.ts';
import { NO_QUOTAS, type Quotas } from '../model/quotas.ts';
import type { HeldElsewhere, PreparedFamily } from './consistency.ts';
import { checkWrite } from './consistency.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { GroupingShapes, type Reach, keyWithin } from './grouping-shapes.ts';
import { NameIndex } from './name-index.ts';
import { Problems } from './problems.ts';
import { hasUtf8Names } from '../model/names.ts';
import { hasTimestamps, sanitizeFamilies, seriesLabelsOf } from './sanitize.ts';
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC, pushFailureTimeFamily, pushTimeFamily } from './timestamp-gauges.ts';
import { decodeFamilyLines } from '../stored/family-lines.ts';
import { encodeStoredFamily } from '../stored/family-text.ts';
import { withValue } from '../stored/line-edits.ts';
import { mayCarryLabel } from '../stored/line-search.ts';
import { SizeQuotas } from './size-quotas.ts';

/**
 * A change to one group: a push (PUT when `replace`, POST otherwise) of `families` or `encoded`, or, with
 * neither, a delete. `labels` are the grouping labels, sorted by name and already validated. The store
 * takes ownership of `families` and rewrites their labels.
 */
export interface WriteRequest {
  readonly labels: Labels;
  readonly families?: MetricFamily[];
  /** The push in stored form already (the text parser's fast path), instead of `families`. */
  readonly encoded?: EncodedPush;
  readonly replace: boolean;
  /** When the request was received, ms since the epoch. */
  readonly timeMs: number;
  /**
   * The group's own TTL its pusher chose, in ms (0 = never; see Group.expireAfterMs), applied only if the
   * push succeeds. Absent: a PUT, which replaces the whole group, leaves it to `--metrics.ttl`; a POST,
   * which changes only what it names, keeps the TTL the group had.
   */
  readonly expireAfterMs?: number;
}

/**
 * A refusal carries Go's message, or ours for a write over a size quota: then `quota` names it, and nothing
 * changed, not even the group's failure time (as for a push over a `--push.max-…` limit).
 */
export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly error: string; readonly quota?: keyof Quotas };

/** Prefix of every store-side rejection, as Go words it (SPEC §1 item 5). */
export const REJECTION_PREFIX = 'pushed metrics are invalid or inconsistent with existing metrics: ';

export interface StoreOptions {
  /** `--push.disable-consistency-check` turns this off: then anything is stored. */
  readonly checkConsistency: boolean;
  /** Names and types of the families the gateway exposes itself. */
  readonly ownTypes: ReadonlyMap<string, MetricType>;
  /** How long groups live after their last push (`--metrics.ttl`, `--metrics.max-ttl`); absent = until deleted. */
  readonly expiry?: ExpiryPolicy;
  /** The size quotas the store keeps (series per group, groups per job); none when absent. */
  readonly quotas?: Quotas;
  /** `--push.enable-utf8-names`: label names may be any UTF-8 (not `__…`), kept as UTF-8 families; absent = off. */
  readonly utf8Names?: boolean;
}

const OK: WriteResult = { ok: true };
const NOWHERE: HeldElsewhere = () => false;

/**
 * The single writer. JavaScript runs one thing at a time and `apply` never awaits, so every change is
 * applied whole, in call order, and readers never see half of one. Groups are replaced, never mutated:
 * a reader may keep the groups it got across awaits and stream them.
 */
export class Store {
  readonly #options: StoreOptions;
  readonly #utf8Names: boolean;
  /** Keys of the groups holding a UTF-8 family (see utf8Groups). */
  readonly #utf8Keys = new Set<string>();
  readonly #groups = new Map<string, Group>();
  readonly #names = new NameIndex();
  readonly #shapes = new GroupingShapes();
  /** A group's series hashes as a set, made the first time a push could clash with that group. */
  readonly #seriesSets = new WeakMap<Group, Set<number>>();
  /** Series looked up in other groups' sets so far (see indexOperations). */
  #seriesLookups = 0;
  /** Families encoded here so far (see encodes). */
  #encodes = 0;
  /** With the check disabled: each stored family's structure, for the scrape-time re-check. */
  readonly #unchecked = new WeakMap<StoredFamily, MetricFamily>();
  /** Memo of inconsistency(); null = stale. */
  #verdict: string | undefined | null = null;
  #orderedKeys: string[] | undefined;
  #ordered: readonly Group[] | undefined;
  #listeners: readonly ChangeListener[] = [];
  readonly #expiry: ExpiryPolicy;
  /** The deadline of every group that has one, kept in step by #replace. */
  readonly #deadlines = new DeadlineHeap();
  #expired = 0;
  readonly #quotas: SizeQuotas;

  constructor(options: StoreOptions) {
    this.#options = options;
    this.#expiry = options.expiry ?? NO_EXPIRY;
    this.#quotas = new SizeQuotas(options.quotas ?? NO_QUOTAS);
    this.#utf8Names = options.utf8Names === true;
  }

  /**
   * How many groups hold a UTF-8 family (stored/family-text.ts encodeStoredFamily), whose lines show
   * escaped names: while there are none, a scrape can send the stored lines of every group as they are.
   */
  get utf8Groups(): number {
    return this.#utf8Keys.size;
  }

  get size(): number {
    return this.#groups.size;
  }

  /** When the next group expires, ms since the epoch; undefined when none has a deadline. O(1). */
  get nextExpiry(): number | undefined {
    return this.#deadlines.earliest;
  }

  /** Groups expired so far (`pushgateway_groups_expired_total`). */
  get expiredGroups(): number {
    return this.#expired;
  }

  /** Deadline heap operations so far (entries set, removed or moved): for tests that count work, not time. */
  get deadlineOperations(): number {
    return this.#deadlines.operations;
  }

  /**
   * Deletes every group whose deadline is `nowMs` or earlier, earliest first, each exactly as a DELETE
   * would (one `delete` change each, marked `expired`). Returns how many went. Costs O(log n) per group
   * that goes and nothing for the others: the deadlines are a heap.
   */
  expireDue(nowMs: number): number {
    let count = 0;
    for (let next = this.#deadlines.earliest; next !== undefined && next <= nowMs; next = this.#deadlines.earliest) {
      const key = this.#deadlines.earliestKey!;
      this.#delete(key, this.#groups.get(key)!, true);
      count++;
    }
    this.#expired += count;
    return count;
  }

  /** Index operations so far (names looked up or changed, series looked up in other groups); for tests that count work, not time. */
  get indexOperations(): number {
    return this.#names.operations + this.#seriesLookups;
  }

  /**
   * Families the store encoded into stored lines itself so far: pushed families that came structured,
   * and timestamp gauges built anew (not those that took a new value in their old line). For tests that
   * count work, not time: a push the parser handed over encoded adds none of its own families here.
   */
  get encodes(): number {
    return this.#encodes;
  }

  /**
   * Tells `listener` every change from now on, once each, right after it was applied and before `apply`
   * returns (see model/change.ts). Returns a function that stops it.
   */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  #publish(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }

  /** Removes every group, as one change. */
  wipe(): void {
    if (this.#groups.size === 0) return;
    this.#clear();
    this.#publish({ kind: 'wipe' });
  }

  /**
   * Removes every group that one of `selectors` matches (model/label-matchers.ts matchesAny), as one
   * `delete-many` change; returns how many. A walk over all groups: fine for an admin call (bench/README.md).
   */
  deleteMatching(selectors: readonly (readonly LabelMatcher[])[]): number {
    const gone: Group[] = [];
    for (const group of this.#groups.values()) if (matchesAny(selectors, group.labels)) gone.push(group);
    if (gone.length === 0) return 0;
    for (const group of gone) this.#replace(group.key, group, undefined);
    this.#publish({ kind: 'delete-many', groups: gone.map(({ key, labels }) => ({ key, labels })) });
    return gone.length;
  }

  /**
   * Replaces the store's contents by `groups` (a snapshot, a journal replay, a resync) and rebuilds every
   * index from them. The groups are taken as they are, without a consistency check (as Go restores its
   * file); they must have distinct keys. Published as one `restore` change.
   */
  restore(groups: readonly Group[]): void {
    this.#clear();
    for (const group of groups) {
      if (!this.#options.checkConsistency) this.#keepStructures(group);
      this.#replace(group.key, this.#groups.get(group.key), group);
    }
    this.#publish({ kind: 'restore', groups: this.groups() });
  }

  // Without the check, the scrape-time re-check needs each family's structure: the structured copy a
  // family kept, or its lines read back.
  #keepStructures(group: Group): void {
    for (const family of group.families.values()) {
      const structure = family.exact ?? { name: family.name, help: family.help, type: family.type, metrics: decodeFamilyLines(family.name, family.type, family.text) };
      this.#unchecked.set(family, structure);
    }
  }

  #clear(): void {
    for (const [key, group] of this.#groups) this.#replace(key, group, undefined);
  }

  get(labels: Labels): Group | undefined {
    return this.#groups.get(groupKeyOf(labels));
  }

  /**
   * All groups in grouping-key order. The same array is returned until the next change, so readers can
   * cache what they derive from it by its identity; it must not be mutated.
   */
  groups(): readonly Group[] {
    if (this.#ordered === undefined) {
      this.#orderedKeys ??= [...this.#groups.keys()].sort();
      this.#ordered = this.#orderedKeys.map((key) => this.#groups.get(key)!);
    }
    return this.#ordered;
  }

  /** True when writes stored with the consistency check disabled broke Go's rules (SPEC §5.5). */
  get inconsistent(): boolean {
    return this.inconsistency() !== undefined;
  }

  /**
   * What makes the store inconsistent, worded as Go's scrape reports it, or undefined. With the check on
   * the store cannot get there. With it off, the whole store is re-checked, group by group in key order,
   * as Go does on every scrape; the verdict is kept until the next write.
   */
  inconsistency(): string | undefined {
    if (this.#options.checkConsistency) return undefined;
    if (this.#verdict === null) this.#verdict = this.#recheck();
    return this.#verdict;
  }

  #recheck(): string | undefined {
    const seen = new Set<number>();
    const ctx = { names: new NameIndex(), heldElsewhere: (hash: number) => seen.has(hash), ownTypes: this.#options.ownTypes, utf8Names: this.#utf8Names };
    const problems = new Problems();
    for (const group of this.groups()) {
      const stored = [...group.families.values()].filter((family) => family.seriesHashes.length > 0);
      const prepared = stored.map((family) => ({
        name: family.name,
        type: family.type,
        hashes: family.seriesHashes,
        metrics: this.#unchecked.get(family)!.metrics,
      }));
      checkWrite(ctx, prepared, [], problems);
      for (const family of stored) {
        ctx.names.add(family.name, family.type);
        for (const hash of family.seriesHashes) seen.add(hash);
      }
    }
    return problems.count === 0 ? undefined : problems.format();
  }

  /**
   * Applies one write, or refuses it and changes nothing but the group's failure time (SPEC §3.1).
   * Never throws for bad input; the result carries Go's message for a refusal.
   */
  apply(write: WriteRequest): WriteResult {
    const key = groupKeyOf(write.labels);
    const old = this.#groups.get(key);
    const encoded = write.encoded;
    const isPush = write.families !== undefined || encoded !== undefined;
    // First, so that not even a refused push's failure time can create a group past the quota.
    if (isPush && old === undefined) {
      const refusal = this.#quotas.newGroupRefusal(write.labels);
      if (refusal !== undefined) return refusal;
    }
    // Without the check, the scrape-time re-check needs each family's structure.
    if (encoded !== undefined && !this.#options.checkConsistency) return this.#applyStructured(write, encoded);
    if (!isPush) {
      if (old !== undefined) this.#delete(key, old, false);
      return OK;
    }
    let added: Prepared[];
    if (encoded !== undefined) {
      added = encoded.families.map(preparedOf);
    } else {
      if (hasTimestamps(write.families!)) return this.#fail(key, old, write, 'pushed metrics must not have timestamps');
      added = sanitizeFamilies(write.families!, write.labels).map((family) => this.#prepare(family));
    }
    const seconds = write.timeMs / 1000;
    added.push(this.#pushTimeGauge(write.labels, old, seconds));
    const keepFailure = old?.families.get(PUSH_FAILURE_TIME_METRIC);
    if (keepFailure === undefined) added.push(this.#prepare(pushFailureTimeFamily(seriesLabelsOf(write.labels), 0)));

    const removed: StoredFamily[] = [];
    if (old !== undefined) {
      for (const family of old.families.values()) {
        if (family === keepFailure) continue;
        if (write.replace || added.some((a) => a.name === family.name)) removed.push(family);
      }
    }
    const tooManySeries = this.#quotas.seriesRefusal(write.labels, old, added, removed);
    if (tooManySeries !== undefined) return tooManySeries;
    if (this.#options.checkConsistency) {
      const reach = this.#shapes.reachFrom(write.labels);
      // Encoded families carry no labels to tell which group of a wider shape a series names: when one of
      // their series could carry such a shape's labels at all, the structured parse has to say.
      if (encoded !== undefined && reach.wider.length > 0) {
        const texts = encoded.families.map((family) => family.text);
        if (reach.wider.some((shape) => mayCarryLabel(texts, shape.lacked))) return this.#applyStructured(write, encoded);
      }
      // A family without samples never shows in a scrape and clashes with nothing, as in Go's per-sample check.
      const checked = added.filter((prepared) => prepared.hashes.length > 0);
      const ctx = { names: this.#names, heldElsewhere: this.#heldElsewhere(reach), ownTypes: this.#options.ownTypes, utf8Names: this.#utf8Names };
      const problems = new Problems();
      checkWrite(ctx, checked, removed, problems);
      if (problems.count > 0) {
        // Nothing has changed yet: the structured families give the refusal Go's wording.
        return encoded !== undefined ? this.#applyStructured(write, encoded) : this.#fail(key, old, write, problems.format());
      }
    }

    const next = new Map<string, StoredFamily>();
    if (old !== undefined && !write.replace) for (const [name, family] of old.families) next.set(name, family);
    if (keepFailure !== undefined) next.set(PUSH_FAILURE_TIME_METRIC, keepFailure);
    for (const family of removed) next.delete(family.name);
    for (const prepared of added) next.set(prepared.name, this.#store(prepared, write.timeMs));
    const expireAfterMs = write.expireAfterMs ?? (write.replace ? undefined : old?.expireAfterMs);
    const group: Group = { key, labels: write.labels, families: next, pushTime: seconds, failureTime: old?.failureTime ?? 0, expireAfterMs };
    this.#replace(key, old, group);
    this.#publish({ kind: 'push', group, created: old === undefined });
    return OK;
  }

  // The group's push_time_seconds at `seconds`: its previous line with the new value when it has one
  // (labels and hash are the group's, unchanged), else built and encoded. Its series needs no label
  // check (the grouping labels passed it before) and can clash with nothing: the group holds it alone.
  // Without the check the store keeps every family's structure, so it is built then.
  #pushTimeGauge(labels: Labels, old: Group | undefined, seconds: number): Prepared {
    const previous = old?.families.get(PUSH_TIME_METRIC);
    if (previous === undefined || previous.exact !== undefined || !this.#options.checkConsistency) {
      return this.#prepare(pushTimeFamily(seriesLabelsOf(labels), seconds));
    }
    const { name, type, help, seriesHashes } = previous;
    return { name, type, help, text: withValue(previous.text, seconds), hashes: seriesHashes, metrics: undefined, exact: undefined, structure: undefined };
  }

  #applyStructured(write: WriteRequest, encoded: EncodedPush): WriteResult {
    return this.apply({ ...write, encoded: undefined, families: encoded.structured() });
  }

  // Records a refused write: the group's failure time becomes now. A group that does not exist yet is
  // created for that only if its two gauges cannot clash with another group's series; Go creates it
  // regardless and can thereby break every later push and scrape (SPEC §5.7).
  #fail(key: string, old: Group | undefined, write: WriteRequest, message: string): WriteResult {
    const seconds = write.timeMs / 1000;
    const seriesLabels = seriesLabelsOf(write.labels);
    const failure = this.#prepare(pushFailureTimeFamily(seriesLabels, seconds));
    const families = new Map(old?.families);
    families.set(PUSH_FAILURE_TIME_METRIC, this.#store(failure, write.timeMs));
    if (old === undefined) {
      const pushTime = this.#prepare(pushTimeFamily(seriesLabels, 0));
      const held = this.#heldElsewhere(this.#shapes.reachFrom(write.labels));
      const clashes = [failure, pushTime].some((p) => held(p.hashes[0]!, p.metrics![0]!.labels));
      if (clashes && this.#options.checkConsistency) return { ok: false, error: REJECTION_PREFIX + message };
      families.set(PUSH_TIME_METRIC, this.#store(pushTime, write.timeMs));
    }
    // A refused push changes no TTL: the group keeps its own, if it had one.
    const group: Group = { key, labels: write.labels, families, pushTime: old?.pushTime ?? 0, failureTime: seconds, expireAfterMs: old?.expireAfterMs };
    this.#replace(key, old, group);
    this.#publish({ kind: 'failure', group, created: old === undefined });
    return { ok: false, error: REJECTION_PREFIX + message };
  }

  // Encodes a sanitised family (which also hashes its series).
  #prepare(family: MetricFamily): Prepared {
    this.#encodes++;
    const encoding = encodeStoredFamily(family, this.#utf8Names);
    return {
      name: family.name,
      type: family.type,
      help: family.help,
      text: encoding.text,
      hashes: encoding.seriesHashes,
      metrics: family.metrics,
      exact: encoding.exact,
      structure: family,
    };
  }

  #store(prepared: Prepared, pushedAt: number): StoredFamily {
    const stored: StoredFamily = {
      name: prepared.name,
      type: prepared.type,
      help: prepared.help,
      pushedAt,
      text: prepared.text,
      seriesHashes: prepared.hashes,
      exact: prepared.exact,
    };
    if (!this.#options.checkConsistency) this.#unchecked.set(stored, prepared.structure!);
    return stored;
  }

  // Whether another group than the written one holds a series, looking only where the series could be
  // (see GroupingShapes). A series' labels are needed only for shapes in `reach.wider`. A series without
  // them either was encoded, and then apply made sure it carries none of those shapes' labels, or is the
  // push time gauge of an existing group, whose series the group held already.
  #heldElsewhere(reach: Reach): HeldElsewhere {
    const subsetHolders: Set<number>[] = [];
    for (const key of reach.subsetKeys) {
      const holder = this.#groups.get(key);
      if (holder !== undefined) subsetHolders.push(this.#seriesSetOf(holder));
    }
    if (subsetHolders.length === 0 && reach.wider.length === 0) return NOWHERE;
    return (hash, labels) => {
      for (const set of subsetHolders) {
        this.#seriesLookups++;
        if (set.has(hash)) return true;
      }
      if (labels === undefined) return false;
      for (const shape of reach.wider) {
        const key = keyWithin(labels, shape.names);
        const holder = key === undefined ? undefined : this.#groups.get(key);
        if (holder === undefined) continue;
        this.#seriesLookups++;
        if (this.#seriesSetOf(holder).has(hash)) return true;
      }
      return false;
    };
  }

  #seriesSetOf(group: Group): Set<number> {
    let set = this.#seriesSets.get(group);
    if (set === undefined) {
      set = new Set();
      for (const family of group.families.values()) for (const hash of family.seriesHashes) set.add(hash);
      this.#seriesSets.set(group, set);
    }
    return set;
  }

  #delete(key: string, old: Group, expired: boolean): void {
    this.#replace(key, old, undefined);
    this.#publish(expired ? { kind: 'delete', key, labels: old.labels, expired } : { kind: 'delete', key, labels: old.labels });
  }

  // Swaps a group for its next version (or removes it) and keeps the indexes in step.
  #replace(key: string, old: Group | undefined, next: Group | undefined): void {
    if (old !== undefined) {
      for (const family of old.families.values()) {
        if (next?.families.get(family.name) === family || family.seriesHashes.length === 0) continue;
        this.#names.remove(family.name, family.type);
      }
    }
    if (next !== undefined) {
      for (const family of next.families.values()) {
        if (old?.families.get(family.name) === family || family.seriesHashes.length === 0) continue;
        this.#names.add(family.name, family.type);
      }
      if (old === undefined) {
        this.#shapes.add(next.labels);
        this.#quotas.groupAdded(next.labels);
      }
      this.#groups.set(key, next);
      if (holdsUtf8Family(next)) this.#utf8Keys.add(key);
      else this.#utf8Keys.delete(key);
    } else if (old !== undefined) {
      this.#shapes.remove(old.labels);
      this.#quotas.groupRemoved(old.labels);
      this.#groups.delete(key);
      this.#utf8Keys.delete(key);
    }
    if ((old === undefined) !== (next === undefined)) this.#orderedKeys = undefined;
    this.#ordered = undefined;
    this.#verdict = null;
    const deadline = next === undefined ? undefined : expiryOf(next, this.#expiry);
    if (deadline === undefined) this.#deadlines.delete(key);
    else this.#deadlines.set(key, deadline);
  }
}

/** A family of a write ready to check and store: encoded, hashed, with its structure when it has one. */
interface Prepared extends PreparedFamily {
  readonly help: string | undefined;
  readonly text: Uint8Array;
  readonly exact: MetricFamily | undefined;
  /** The sanitised family; undefined for one the parser encoded (only stored when the check is on). */
  readonly structure: MetricFamily | undefined;
}

// Only a family kept structured can be one (see encodeStoredFamily); a group that holds none costs a walk
// over its families' `exact` fields.
function holdsUtf8Family(group: Group): boolean {
  for (const family of group.families.values()) if (family.exact !== undefined && hasUtf8Names(family.exact)) return true;
  return false;
}

function preparedOf(family: EncodedFamily): Prepared {
  const { name, type, help, text, seriesHashes } = family;
  return { name, type, help, text, hashes: seriesHashes, metrics: undefined, exact: undefined, structure: undefined };
}
