// Which types each family name is stored with, and how often: the index behind the type and suffix checks.
import type { MetricType } from '../model/metric.ts';
import { nameStateKey } from './state-keys.ts';

/** One type a name is held with, and by how many stored families. */
interface Holding {
  readonly type: MetricType;
  count: number;
}

/**
 * Counts, per family name, the stored families of each type (one per holding group). A consistent store
 * holds one type per name; with the consistency check disabled a name may be held with several. The
 * types of a name sit in a small array in the order they were first added: asked for every family of
 * every push, it is walked without the iterator a Map would allocate.
 */
export class NameIndex {
  readonly #types = new Map<string, Holding[]>();
  /** Names looked up, added or removed so far: lets a test prove a push's work does not grow with the store. */
  operations = 0;
  /** While the store decides a write: every name looked up is noted here (see state-keys.ts). */
  reads: Set<string> | undefined;

  /**
   * The first type (in the order first added) that `name` is still held with once one family of type
   * `discountType` (if given) is gone; undefined if none.
   */
  heldType(name: string, discountType: MetricType | undefined): MetricType | undefined {
    this.operations++;
    this.reads?.add(nameStateKey(name));
    const holdings = this.#types.get(name);
    if (holdings === undefined) return undefined;
    for (let i = 0; i < holdings.length; i++) {
      const { type, count } = holdings[i]!;
      if (count - (type === discountType ? 1 : 0) > 0) return type;
    }
    return undefined;
  }

  add(name: string, type: MetricType): void {
    this.operations++;
    const holdings = this.#types.get(name);
    if (holdings === undefined) {
      this.#types.set(name, [{ type, count: 1 }]);
      return;
    }
    const holding = holdings.find((h) => h.type === type);
    if (holding === undefined) holdings.push({ type, count: 1 });
    else holding.count++;
  }

  remove(name: string, type: MetricType): void {
    this.operations++;
    const holdings = this.#types.get(name);
    const at = holdings?.findIndex((h) => h.type === type) ?? -1;
    if (holdings === undefined || at < 0) return;
    if (--holdings[at]!.count > 0) return;
    holdings.splice(at, 1);
    if (holdings.length === 0) this.#types.delete(name);
  }
}
