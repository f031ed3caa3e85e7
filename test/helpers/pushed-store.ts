// A Store with the real text encoder that already holds some pushes, for the tests that render stored groups.
import type { MetricFamily } from "../../src/model/metric.ts";
import { Store } from "../../src/store/store.ts";

/**
 * A new store (consistency check on, no own families) holding `pushes`: each `[job, families]` is POSTed
 * to the group `{job}` in order, the i-th at time 1000 × (i + 1) ms. Throws if the store refuses one.
 */
export function storeWith(pushes: [job: string, families: MetricFamily[]][]): Store {
  const store = new Store({ checkConsistency: true, ownTypes: new Map() });
  pushes.forEach(([job, families], i) => {
    const result = store.apply({ labels: ["job", job], families, replace: false, timeMs: 1000 * (i + 1) });
    if (!result.ok) throw new Error(result.error);
  });
  return store;
}
