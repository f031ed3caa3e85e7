// The names a push writes (state-keys.ts) are exactly those whose (name, type) counts in the type index change: what a replica's commit check relies on (issue #15).
import { describe, expect, test } from "bun:test";
import { type Group, type StoredFamily, groupKeyOf } from "../../src/model/group.ts";
import type { MetricType } from "../../src/model/metric.ts";
import { writtenKeysOf } from "../../src/store/state-keys.ts";

const NAMES = ["a", "b", "c", "d"];
const TYPES: MetricType[] = ["counter", "gauge", "untyped"];
const LABELS = ["job", "j"];

function family(name: string, type: MetricType, series: number): StoredFamily {
  return { name, type, help: undefined, pushedAt: 0, text: new Uint8Array(), seriesHashes: new Float64Array(series) };
}

function group(families: StoredFamily[]): Group {
  return { key: groupKeyOf(LABELS), labels: LABELS, families: new Map(families.map((f) => [f.name, f])), pushTime: 0, failureTime: 0 };
}

// The oracle: per (name, type), how many families with series a group holds — counted afresh, not walked as the store does.
function counts(g: Group | undefined): Map<string, number> {
  const byNameType = new Map<string, number>();
  for (const f of g?.families.values() ?? []) if (f.seriesHashes.length > 0) byNameType.set(`${f.name} ${f.type}`, (byNameType.get(`${f.name} ${f.type}`) ?? 0) + 1);
  return byNameType;
}

function changedNamesByCount(old: Group | undefined, next: Group): string[] {
  const [before, after] = [counts(old), counts(next)];
  const names = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) if (before.get(key) !== after.get(key)) names.add(key.split(" ")[0]!);
  return [...names].toSorted();
}

/** A deterministic pseudo-random sequence (so a failure repeats). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe("writtenKeysOf for a push", () => {
  test("names the n: keys of exactly the names whose (name, type) counts change, over 2 000 random old/new groups", () => {
    const next = random(7);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    for (let round = 0; round < 2000; round++) {
      const oldFamilies = NAMES.filter(() => next() < 0.6).map((name) => family(name, pick(TYPES), pick([0, 1, 2])));
      const old = next() < 0.2 ? undefined : group(oldFamilies);
      // The new group keeps some of the old family objects as they are (a POST), and brings new ones.
      const kept = (old === undefined ? [] : oldFamilies).filter(() => next() < 0.4);
      const fresh = NAMES.filter((name) => !kept.some((f) => f.name === name) && next() < 0.6).map((name) => family(name, pick(TYPES), pick([0, 1, 2])));
      const pushed = group([...kept, ...fresh]);
      const keys = writtenKeysOf({ kind: "push", group: pushed, created: old === undefined }, old);
      const names = keys.filter((key) => key.startsWith("n:")).map((key) => key.slice(2)).toSorted();
      expect({ round, names }).toEqual({ round, names: changedNamesByCount(old, pushed) });
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
