// Which types each family name is stored with, and how often: the index behind the type and suffix checks.
import type { MetricType } from '../model/metric.ts';

/**
 * Counts, per family name, the stored families of each type (one per holding group). A consistent store
 * holds one type per name; with the consistency check disabled a name may be held with several.
 */
export class NameIndex {
  readonly #types = new Map<string, Map<MetricType, number>>();
  /** Names looked up, added or removed so far: lets a test prove a push's work does not grow with the store. */
  operations = 0;

  /** The types held under `name` with their counts; undefined if the name is not held. Do not mutate. */
  typesOf(name: string): ReadonlyMap<MetricType, number> | undefined {
    this.operations++;
    return this.#types.get(name);
  }

  add(name: string, type: MetricType): void {
    this.operations++;
    let types = this.#types.get(name);
    if (types === undefined) {
      types = new Map();
      this.#types.set(name, types);
    }
    types.set(type, (types.get(type) ?? 0) + 1);
  }

  remove(name: string, type: MetricType): void {
    this.operations++;
    const types = this.#types.get(name);
    const n = types?.get(type);
    if (types === undefined || n === undefined) return;
    if (n > 1) {
      types.set(type, n - 1);
      return;
    }
    types.delete(type);
    if (types.size === 0) this.#types.delete(name);
  }
}
