// Which families a scrape shows, in which order, with which HELP, and their cached headers: what both scrape encoders share.
import type { Group, StoredFamily } from '../model/group.ts';
import type { MetricType } from '../model/metric.ts';

/** A family the gateway exposes itself, rendered fresh for each scrape. */
export interface OwnFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Sample lines, as encodeFamilyText (stored/family-text.ts) encodes them. */
  readonly text: Uint8Array;
}

/** One family of a scrape: every family of that name, the gateway's own first, then group by group. */
export interface MergedFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  /** The gateway's own family of this name, whose series come first. */
  readonly own: OwnFamily | undefined;
  /** The stored families of this name that hold series, in the order of the groups given. */
  readonly stored: readonly StoredFamily[];
}

interface Merging {
  readonly type: MetricType;
  help: string | undefined;
  helpAt: number;
  readonly stored: StoredFamily[];
}

/**
 * Merges the gateway's own families and all groups' families by name, sorted by name byte-wise. Within
 * a name, the gateway's own series come first, then each group's, groups in the order given (key order,
 * decision D3). A stored family without series is left out, as Go never shows one. Type: the gateway's
 * own, else the first group's (the store keeps one type per name). HELP: the gateway's own for its
 * names, otherwise the most recently pushed non-empty HELP, the earlier group winning a tie (Go picks
 * one at random, SPEC §5.4). The result and its arrays are new; the families in them are the inputs.
 */
export function mergeFamilies(groups: readonly Group[], own: readonly OwnFamily[]): MergedFamily[] {
  let stored = storedMerges.get(groups);
  if (stored === undefined) {
    stored = mergeStored(groups);
    storedMerges.set(groups, stored);
  }
  return withOwn(stored, own);
}

// The store hands out the same groups array until something changes, so a scrape of an unchanged store
// skips the walk over every group's families (tens of ms at 10 000 groups).
const storedMerges = new WeakMap<readonly Group[], MergedFamily[]>();

function mergeStored(groups: readonly Group[]): MergedFamily[] {
  const byName = new Map<string, Merging>();
  for (const group of groups) {
    for (const family of group.families.values()) {
      if (family.text.length === 0) continue;
      let merging = byName.get(family.name);
      if (merging === undefined) {
        merging = { type: family.type, help: family.help, helpAt: family.pushedAt, stored: [] };
        byName.set(family.name, merging);
      } else if (family.help !== undefined && (merging.help === undefined || family.pushedAt > merging.helpAt)) {
        merging.help = family.help;
        merging.helpAt = family.pushedAt;
      }
      merging.stored.push(family);
    }
  }
  const merged: MergedFamily[] = [];
  for (const name of [...byName.keys()].sort()) {
    const { type, help, stored } = byName.get(name)!;
    merged.push({ name, type, help, own: undefined, stored });
  }
  return merged;
}

// Both lists sorted by name; a name in both takes the gateway's type and HELP and its series first.
function withOwn(stored: readonly MergedFamily[], own: readonly OwnFamily[]): MergedFamily[] {
  const ownSorted = [...own].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const merged: MergedFamily[] = [];
  let i = 0;
  for (const family of ownSorted) {
    while (i < stored.length && stored[i]!.name < family.name) merged.push(stored[i++]!);
    const same = i < stored.length && stored[i]!.name === family.name ? stored[i++]!.stored : [];
    merged.push({ name: family.name, type: family.type, help: family.help, own: family, stored: same });
  }
  while (i < stored.length) merged.push(stored[i++]!);
  return merged;
}

const HEADER_CACHE_LIMIT = 10_000;

/**
 * The encoded header of a family (text HELP/TYPE lines, or protobuf name/help/type fields) by name, HELP
 * and type: a scrape needs one per family, and they rarely change. Cleared when full, so that churning
 * names cannot grow it without bound. Returned bytes are shared and must not be mutated.
 */
export class HeaderCache {
  readonly #build: (name: string, help: string | undefined, type: MetricType) => Uint8Array;
  readonly #bytes = new Map<string, Uint8Array>();

  constructor(build: (name: string, help: string | undefined, type: MetricType) => Uint8Array) {
    this.#build = build;
  }

  /** The header of `family`, built on first use. */
  get(family: MergedFamily): Uint8Array {
    const { name, help, type } = family;
    const key = `${type}\n${name}\n${help ?? ''}\n${help === undefined ? 0 : 1}`;
    let bytes = this.#bytes.get(key);
    if (bytes === undefined) {
      if (this.#bytes.size >= HEADER_CACHE_LIMIT) this.#bytes.clear();
      bytes = this.#build(name, help, type);
      this.#bytes.set(key, bytes);
    }
    return bytes;
  }
}
