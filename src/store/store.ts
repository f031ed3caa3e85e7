// The groups and the one way to change them: decide a write, then commit it (apply does both), synchronous and all-or-nothing.
import type { Change, ChangeListener } from '../model/change.ts';
import type { EncodedFamily, EncodedPush, Group, StoredFamily } from '../model/group.ts';
import { groupKeyOf } from '../model/group.ts';
import { type ExpiryPolicy, NO_EXPIRY, expiryOf } from '../model/expiry.ts';
import { type LabelMatcher, matchesAny } from '../model/label-matchers.ts';
import type { Labels, MetricFamily, MetricType } from '../model/metric.ts';
import { NO_QUOTAS, type Quotas, jobOf } from '../model/quotas.ts';
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
import { ALL, SHAPES, groupStateKey, jobStateKey, writtenKeysOf } from './state-keys.ts';

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

/**
 * Every kind of change a client (or the expiry timer) asks for: a push or delete of one group, a bulk delete
 * by selectors, a wipe, or the expiry of the earliest group due at `nowMs` (one group per write, so that
 * each expiry is one change a replica can commit on its own).
 */
export type Write =
  | { readonly kind: 'group'; readonly request: WriteRequest }
  | { readonly kind: 'delete-matching'; readonly selectors: readonly (readonly LabelMatcher[])[] }
  | { readonly kind: 'wipe' }
  | { readonly kind: 'expire'; readonly nowMs: number };

/** A change the store can commit: every kind but a wholesale restore. */
export type CommittableChange = Exclude<Change, { readonly kind: 'restore' }>;

/**
 * What a write would do to the store as it is now, decided but not applied: the verdict and the one change
 * committing it makes (undefined when it changes nothing: a refusal by a quota, a delete of a group that is
 * not there). Valid only while the store is unchanged (see Store.commit).
 */
export interface Decision {
  readonly result: WriteResult;
  readonly change: CommittableChange | undefined;
  /** Groups the change removes (a bulk delete, a wipe, an expiry, a delete); 0 for a push. */
  readonly deleted: number;
  /**
   * Set by `decide`: the keys of the state the decision read and of the state its change writes (see
   * state-keys.ts). A decision checked against another writer's changes needs only these.
   */
  readonly reads?: readonly string[];
  readonly writes?: readonly string[];
}

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
const NO_CHANGE: Decision = { result: OK, change: undefined, deleted: 0 };

function unchanged(result: WriteResult): Decision {
  return { result, change: undefined, deleted: 0 };
}

/**
 * The single writer. JavaScript runs one thing at a time and neither `decide` nor `commit` awaits, so every
 * change is applied whole, in call order, and readers never see half of one. Groups are replaced, never
 * mutated: a reader may keep the groups it got across awaits and stream them. A write is decided against
 * the store as it is, then committed; `apply` does both at once. Splitting them lets a replica
 * (src/replica/) have another authority accept the change between the two, and `replay` applies a change
 * that authority accepted from another replica.
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
  /**
   * While a recording `decide` runs: the keys of the state it has read so far. Undefined otherwise, and
   * `this.#reads?.add(key(…))` then does not even build the key (an optional call skips its arguments).
   */
  #reads: Set<string> | undefined;
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
    for (let decision = this.decide({ kind: 'expire', nowMs }); decision.change !== undefined; decision = this.decide({ kind: 'expire', nowMs })) {
      this.commit(decision);
      count++;
    }
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
    this.commit(this.decide({ kind: 'wipe' }));
  }

  /**
   * Removes every group that one of `selectors` matches (model/label-matchers.ts matchesAny), as one
   * `delete-many` change; returns how many. A walk over all groups: fine for an admin call (bench/README.md).
   */
  deleteMatching(selectors: readonly (readonly LabelMatcher[])[]): number {
    const decision = this.decide({ kind: 'delete-matching', selectors });
    this.commit(decision);
    return decision.deleted;
  }

  /**
   * Decides `write` against the store as it is now, changing nothing (see Decision). Never throws for bad
   * input: a refusal carries Go's message. With `recording` (replicas: decideInOrder), the decision also
   * names the state it read and the state its change writes (state-keys.ts); a gateway that is its own
   * authority does not pay for that bookkeeping on every push.
   */
  decide(write: Write, recording = false): Decision {
    if (!recording) return this.#decideAny(write);
    const reads = new Set<string>();
    this.#reads = reads;
    this.#names.reads = reads;
    let decision: Decision;
    try {
      decision = this.#decideAny(write);
    } finally {
      this.#reads = undefined;
      this.#names.reads = undefined;
    }
    if (write.kind !== 'group') reads.add(ALL);
    const change = decision.change;
    if (change === undefined) return { ...decision, reads: [...reads], writes: [] };
    const old = change.kind === 'push' || change.kind === 'failure' ? this.#groups.get(change.group.key) : change.kind === 'delete' ? this.#groups.get(change.key) : undefined;
    return { ...decision, reads: [...reads], writes: writtenKeysOf(change, old) };
  }

  #decideAny(write: Write): Decision {
    switch (write.kind) {
      case 'group':
        return this.#decideGroup(write.request);
      case 'wipe':
        return this.#groups.size === 0 ? NO_CHANGE : { result: OK, change: { kind: 'wipe' }, deleted: this.#groups.size };
      case 'delete-matching': {
        const gone: { key: string; labels: Labels }[] = [];
        for (const { key, labels } of this.#groups.values()) if (matchesAny(write.selectors, labels)) gone.push({ key, labels });
        return gone.length === 0 ? NO_CHANGE : { result: OK, change: { kind: 'delete-many', groups: gone }, deleted: gone.length };
      }
      case 'expire': {
        const next = this.#deadlines.earliest;
        if (next === undefined || next > write.nowMs) return NO_CHANGE;
        const key = this.#deadlines.earliestKey!;
        return { result: OK, change: { kind: 'delete', key, labels: this.#groups.get(key)!.labels, expired: true }, deleted: 1 };
      }
    }
  }

  /**
   * Decides `writes` in order, each against the store as the ones before it would leave it, and changes
   * nothing: the same decisions `decide` then `commit` one by one would make, to be committed in that
   * order (a replica sends them to Redis together first, see replica/redis-writer.ts). Each decision but
   * the last is applied for the next to see and taken back before this returns, without publishing: no
   * await comes between, so no reader and no listener can see a change that was only tried.
   */
  decideInOrder(writes: readonly Write[]): Decision[] {
    const decisions: Decision[] = [];
    const undo: [string, Group | undefined][] = [];
    try {
      for (const [i, write] of writes.entries()) {
        const decision = this.decide(write, true);
        decisions.push(decision);
        if (decision.change !== undefined && i < writes.length - 1) this.#tryOut(decision.change, undo);
      }
    } finally {
      for (let i = undo.length - 1; i >= 0; i--) {
        const [key, was] = undo[i]!;
        this.#replace(key, this.#groups.get(key), was);
      }
    }
    return decisions;
  }

  // Applies `change` without publishing it, noting in `undo` what each group it touches was before.
  #tryOut(change: CommittableChange, undo: [string, Group | undefined][]): void {
    const set = (key: string, next: Group | undefined) => {
      const old = this.#groups.get(key);
      undo.push([key, old]);
      this.#replace(key, old, next);
    };
    switch (change.kind) {
      case 'push':
      case 'failure':
        if (!this.#options.checkConsistency) this.#keepStructures(change.group);
        return set(change.group.key, change.group);
      case 'delete':
        return set(change.key, undefined);
      case 'delete-many':
        for (const { key } of change.groups) set(key, undefined);
        return;
      case 'wipe':
        for (const key of [...this.#groups.keys()]) set(key, undefined);
        return;
    }
  }

  /**
   * Applies what `decision` decided and publishes its change. The caller must not have changed the store
   * since the decision was made, or only by changes to state the decision did not read (a replica's batch
   * that Redis's COMMIT let through after other replicas' changes). An expiry committed here counts in
   * expiredGroups.
   */
  commit(decision: Decision): void {
    const change = decision.change;
    if (change === undefined) return;
    this.#applyChange(change);
    if (change.kind === 'delete' && change.expired === true) this.#expired++;
  }

  /**
   * Applies a change another writer decided (a replica's change read back from Redis), without any check:
   * a group is set as it is given, a delete of a group not here does nothing. Published like any change;
   * an expiry replayed here does not count in expiredGroups (the replica that committed it counts it).
   */
  replay(change: CommittableChange): void {
    this.#applyChange(change);
  }

  #applyChange(change: CommittableChange): void {
    switch (change.kind) {
      case 'push':
      case 'failure': {
        const group = change.group;
        const old = this.#groups.get(group.key);
        if (!this.#options.checkConsistency) this.#keepStructures(group);
        this.#replace(group.key, old, group);
        this.#publish(change.created === (old === undefined) ? change : { ...change, created: old === undefined });
        return;
      }
      case 'delete': {
        const old = this.#groups.get(change.key);
        if (old === undefined) return;
        this.#replace(change.key, old, undefined);
        this.#publish(change);
        return;
      }
      case 'delete-many': {
        const gone = change.groups.filter(({ key }) => this.#groups.has(key));
        if (gone.length === 0) return;
        for (const { key } of gone) this.#replace(key, this.#groups.get(key), undefined);
        this.#publish(gone.length === change.groups.length ? change : { kind: 'delete-many', groups: gone });
        return;
      }
      case 'wipe':
        if (this.#groups.size === 0) return;
        this.#clear();
        this.#publish(change);
        return;
    }
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
      if (this.#unchecked.has(family)) continue;
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
   * Applies one write, or refuses it and changes nothing but the group's failure time (SPEC §3.1):
   * decide and commit at once. Never throws for bad input; the result carries Go's message for a refusal.
   */
  apply(write: WriteRequest): WriteResult {
    const decision = this.#decideGroup(write);
    this.commit(decision);
    return decision.result;
  }

  #decideGroup(write: WriteRequest): Decision {
    const key = groupKeyOf(write.labels);
    this.#reads?.add(groupStateKey(key));
    const old = this.#groups.get(key);
    const encoded = write.encoded;
    const isPush = write.families !== undefined || encoded !== undefined;
    // First, so that not even a refused push's failure time can create a group past the quota.
    if (isPush && old === undefined) {
      this.#reads?.add(jobStateKey(jobOf(write.labels)));
      const refusal = this.#quotas.newGroupRefusal(write.labels);
      if (refusal !== undefined) return unchanged(refusal);
    }
    // Without the check, the scrape-time re-check needs each family's structure.
    if (encoded !== undefined && !this.#options.checkConsistency) return this.#decideStructured(write, encoded);
    if (!isPush) return old === undefined ? NO_CHANGE : { result: OK, change: { kind: 'delete', key, labels: old.labels }, deleted: 1 };
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
    if (tooManySeries !== undefined) return unchanged(tooManySeries);
    if (this.#options.checkConsistency) {
      const reach = this.#reachFrom(write.labels);
      // Encoded families carry no labels to tell which group of a wider shape a series names: when one of
      // their series could carry such a shape's labels at all, the structured parse has to say.
      if (encoded !== undefined && reach.wider.length > 0) {
        const texts = encoded.families.map((family) => family.text);
        if (reach.wider.some((shape) => mayCarryLabel(texts, shape.lacked))) return this.#decideStructured(write, encoded);
      }
      // A family without samples never shows in a scrape and clashes with nothing, as in Go's per-sample check.
      const checked = added.filter((prepared) => prepared.hashes.length > 0);
      const ctx = { names: this.#names, heldElsewhere: this.#heldElsewhere(reach), ownTypes: this.#options.ownTypes, utf8Names: this.#utf8Names };
      const problems = new Problems();
      checkWrite(ctx, checked, removed, problems);
      if (problems.count > 0) {
        // Nothing has changed yet: the structured families give the refusal Go's wording.
        return encoded !== undefined ? this.#decideStructured(write, encoded) : this.#fail(key, old, write, problems.format());
      }
    }

    const next = new Map<string, StoredFamily>();
    if (old !== undefined && !write.replace) for (const [name, family] of old.families) next.set(name, family);
    if (keepFailure !== undefined) next.set(PUSH_FAILURE_TIME_METRIC, keepFailure);
    for (const family of removed) next.delete(family.name);
    for (const prepared of added) next.set(prepared.name, this.#store(prepared, write.timeMs));
    const expireAfterMs = write.expireAfterMs ?? (write.replace ? undefined : old?.expireAfterMs);
    const group: Group = { key, labels: write.labels, families: next, pushTime: seconds, failureTime: old?.failureTime ?? 0, expireAfterMs };
    return { result: OK, change: { kind: 'push', group, created: old === undefined }, deleted: 0 };
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

  #decideStructured(write: WriteRequest, encoded: EncodedPush): Decision {
    return this.#decideGroup({ ...write, encoded: undefined, families: encoded.structured() });
  }

  // Records a refused write: the group's failure time becomes now. A group that does not exist yet is
  // created for that only if its two gauges cannot clash with another group's series; Go creates it
  // regardless and can thereby break every later push and scrape (SPEC §5.7).
  #fail(key: string, old: Group | undefined, write: WriteRequest, message: string): Decision {
    const seconds = write.timeMs / 1000;
    const seriesLabels = seriesLabelsOf(write.labels);
    const failure = this.#prepare(pushFailureTimeFamily(seriesLabels, seconds));
    const families = new Map(old?.families);
    families.set(PUSH_FAILURE_TIME_METRIC, this.#store(failure, write.timeMs));
    if (old === undefined) {
      const pushTime = this.#prepare(pushTimeFamily(seriesLabels, 0));
      const held = this.#heldElsewhere(this.#reachFrom(write.labels));
      const clashes = [failure, pushTime].some((p) => held(p.hashes[0]!, p.metrics![0]!.labels));
      if (clashes && this.#options.checkConsistency) return unchanged({ ok: false, error: REJECTION_PREFIX + message });
      families.set(PUSH_TIME_METRIC, this.#store(pushTime, write.timeMs));
    }
    // A refused push changes no TTL: the group keeps its own, if it had one.
    const group: Group = { key, labels: write.labels, families, pushTime: old?.pushTime ?? 0, failureTime: seconds, expireAfterMs: old?.expireAfterMs };
    return { result: { ok: false, error: REJECTION_PREFIX + message }, change: { kind: 'failure', group, created: old === undefined }, deleted: 0 };
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
      this.#reads?.add(groupStateKey(key));
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
        if (key !== undefined) this.#reads?.add(groupStateKey(key));
        const holder = key === undefined ? undefined : this.#groups.get(key);
        if (holder === undefined) continue;
        this.#seriesLookups++;
        if (this.#seriesSetOf(holder).has(hash)) return true;
      }
      return false;
    };
  }

  #reachFrom(labels: Labels): Reach {
    this.#reads?.add(SHAPES);
    return this.#shapes.reachFrom(labels);
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
