// The groups and the one way to change them: apply(write), synchronous and all-or-nothing.
import type { EncodedFamily, EncodedPush, FamilyEncoder, Group, StoredFamily } from '../model/group.ts';
import { groupKeyOf } from '../model/group.ts';
import type { Labels, MetricFamily, MetricType } from '../model/metric.ts';
import type { PreparedFamily } from './consistency.ts';
import { checkWrite, formatErrors } from './consistency.ts';
import { NameIndex } from './name-index.ts';
import { hasTimestamps, sanitizeFamilies, seriesLabelsOf } from './sanitize.ts';
import { SeriesIndex } from './series-index.ts';
import { PUSH_FAILURE_TIME_METRIC, PUSH_TIME_METRIC, pushFailureTimeFamily, pushTimeFamily, withValue } from './timestamp-gauges.ts';

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
}

export type WriteResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Prefix of every store-side rejection, as Go words it (SPEC §1 item 5). */
export const REJECTION_PREFIX = 'pushed metrics are invalid or inconsistent with existing metrics: ';

export interface StoreOptions {
  /** Turns a sanitised family into its stored text lines (render/ provides it). */
  readonly encode: FamilyEncoder;
  /** `--push.disable-consistency-check` turns this off: then anything is stored. */
  readonly checkConsistency: boolean;
  /** Names and types of the families the gateway exposes itself. */
  readonly ownTypes: ReadonlyMap<string, MetricType>;
}

const OK: WriteResult = { ok: true };

/**
 * The single writer. JavaScript runs one thing at a time and `apply` never awaits, so every change is
 * applied whole, in call order, and readers never see half of one. Groups are replaced, never mutated:
 * a reader may keep the groups it got across awaits and stream them.
 */
export class Store {
  readonly #options: StoreOptions;
  readonly #groups = new Map<string, Group>();
  readonly #names = new NameIndex();
  readonly #series = new SeriesIndex();
  /** Each group's number in the series index (see SeriesIndex), from 1 up; 0 is no group's. */
  readonly #owners = new Map<string, number>();
  #nextOwner = 1;
  /** With the check disabled: each stored family's structure, for the scrape-time re-check. */
  readonly #unchecked = new WeakMap<StoredFamily, MetricFamily>();
  /** Memo of inconsistency(); null = stale. */
  #verdict: string | undefined | null = null;
  #orderedKeys: string[] | undefined;
  #ordered: readonly Group[] | undefined;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#groups.size;
  }

  /** Index operations so far (see NameIndex/SeriesIndex `operations`); for tests that count work, not time. */
  get indexOperations(): number {
    return this.#names.operations + this.#series.operations;
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
    const ctx = { names: new NameIndex(), series: new SeriesIndex(), owner: 0, ownTypes: this.#options.ownTypes };
    const errors: string[] = [];
    for (const group of this.groups()) {
      const stored = [...group.families.values()].filter((family) => family.seriesHashes.length > 0);
      const prepared = stored.map((family) => ({
        name: family.name,
        type: family.type,
        hashes: family.seriesHashes,
        metrics: this.#unchecked.get(family)!.metrics,
      }));
      errors.push(...checkWrite(ctx, prepared, []));
      for (const family of stored) {
        ctx.names.add(family.name, family.type);
        ctx.series.addAll(family.seriesHashes, 1);
      }
    }
    return errors.length === 0 ? undefined : formatErrors(errors);
  }

  /**
   * Applies one write, or refuses it and changes nothing but the group's failure time (SPEC §3.1).
   * Never throws for bad input; the result carries Go's message for a refusal.
   */
  apply(write: WriteRequest): WriteResult {
    const key = groupKeyOf(write.labels);
    const old = this.#groups.get(key);
    const encoded = write.encoded;
    // Without the check, the scrape-time re-check needs each family's structure.
    if (encoded !== undefined && !this.#options.checkConsistency) return this.#applyStructured(write, encoded);
    if (write.families === undefined && encoded === undefined) {
      if (old !== undefined) this.#replace(key, old, undefined);
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
    if (this.#options.checkConsistency) {
      // A family without samples never shows in a scrape and clashes with nothing, as in Go's per-sample check.
      const checked = added.filter((prepared) => prepared.hashes.length > 0);
      const ctx = { names: this.#names, series: this.#series, owner: this.#owners.get(key) ?? 0, ownTypes: this.#options.ownTypes };
      const errors = checkWrite(ctx, checked, removed);
      if (errors.length > 0) {
        // Nothing has changed yet: the structured families give the refusal Go's wording.
        return encoded !== undefined ? this.#applyStructured(write, encoded) : this.#fail(key, old, write, formatErrors(errors));
      }
    }

    const next = new Map<string, StoredFamily>();
    if (old !== undefined && !write.replace) for (const [name, family] of old.families) next.set(name, family);
    if (keepFailure !== undefined) next.set(PUSH_FAILURE_TIME_METRIC, keepFailure);
    for (const family of removed) next.delete(family.name);
    for (const prepared of added) next.set(prepared.name, this.#store(prepared, write.timeMs));
    this.#replace(key, old, {
      key,
      labels: write.labels,
      families: next,
      pushTime: seconds,
      failureTime: old?.failureTime ?? 0,
    });
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
    return this.apply({ labels: write.labels, families: encoded.structured(), replace: write.replace, timeMs: write.timeMs });
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
      const clashes = [failure, pushTime].some((p) => this.#series.count(p.hashes[0]!) > 0);
      if (clashes && this.#options.checkConsistency) return { ok: false, error: REJECTION_PREFIX + message };
      families.set(PUSH_TIME_METRIC, this.#store(pushTime, write.timeMs));
    }
    this.#replace(key, old, { key, labels: write.labels, families, pushTime: old?.pushTime ?? 0, failureTime: seconds });
    return { ok: false, error: REJECTION_PREFIX + message };
  }

  // Encodes a sanitised family (which also hashes its series).
  #prepare(family: MetricFamily): Prepared {
    const encoding = this.#options.encode(family);
    return {
      name: family.name,
      type: family.type,
      help: family.help,
      text: encoding.text,
      hashes: encoding.seriesHashes,
      metrics: family.metrics,
      exact: encoding.lossless ? undefined : family,
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

  // Swaps a group for its next version (or removes it) and keeps the indexes in step.
  #replace(key: string, old: Group | undefined, next: Group | undefined): void {
    let owner = this.#owners.get(key);
    if (owner === undefined) {
      owner = this.#nextOwner;
      // Numbers are below 2^32 (SeriesIndex); reused only after four billion groups were created.
      this.#nextOwner = (owner % (2 ** 32 - 1)) + 1;
      this.#owners.set(key, owner);
    }
    if (old !== undefined) {
      for (const family of old.families.values()) {
        if (next?.families.get(family.name) === family || family.seriesHashes.length === 0) continue;
        this.#names.remove(family.name, family.type);
        this.#series.removeAll(family.seriesHashes, owner);
      }
    }
    if (next !== undefined) {
      for (const family of next.families.values()) {
        if (old?.families.get(family.name) === family || family.seriesHashes.length === 0) continue;
        this.#names.add(family.name, family.type);
        this.#series.addAll(family.seriesHashes, owner);
      }
      this.#groups.set(key, next);
    } else {
      this.#groups.delete(key);
      this.#owners.delete(key);
    }
    if ((old === undefined) !== (next === undefined)) this.#orderedKeys = undefined;
    this.#ordered = undefined;
    this.#verdict = null;
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

function preparedOf(family: EncodedFamily): Prepared {
  const { name, type, help, text, seriesHashes } = family;
  return { name, type, help, text, hashes: seriesHashes, metrics: undefined, exact: undefined, structure: undefined };
}
