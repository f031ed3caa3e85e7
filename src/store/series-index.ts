// How many stored series carry each identity hash: the index behind the duplicate-series check.

/**
 * A multiset of series hashes. A consistent store holds each hash once; with the consistency check
 * disabled a hash may be held several times, and `duplicates` counts the hashes held more than once so a
 * scrape can tell at once whether the store is broken.
 */
export class SeriesIndex {
  readonly #counts = new Map<number, number>();
  #duplicates = 0;

  /** Number of hashes currently held more than once. */
  get duplicates(): number {
    return this.#duplicates;
  }

  count(hash: number): number {
    return this.#counts.get(hash) ?? 0;
  }

  addAll(hashes: Float64Array): void {
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      const n = this.#counts.get(h) ?? 0;
      this.#counts.set(h, n + 1);
      if (n === 1) this.#duplicates++;
    }
  }

  removeAll(hashes: Float64Array): void {
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      const n = this.#counts.get(h) ?? 0;
      if (n <= 1) this.#counts.delete(h);
      else this.#counts.set(h, n - 1);
      if (n === 2) this.#duplicates--;
    }
  }
}
