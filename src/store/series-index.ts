// How many stored series carry each identity hash: the index behind the duplicate-series check.

/**
 * A multiset of series hashes. A consistent store holds each hash once; with the consistency check
 * disabled a hash may be held several times.
 */
export class SeriesIndex {
  readonly #counts = new Map<number, number>();
  /** Hashes looked up, added or removed so far: lets a test prove a push's work does not grow with the store. */
  operations = 0;

  count(hash: number): number {
    this.operations++;
    return this.#counts.get(hash) ?? 0;
  }

  addAll(hashes: Float64Array): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      this.#counts.set(h, (this.#counts.get(h) ?? 0) + 1);
    }
  }

  removeAll(hashes: Float64Array): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      const n = this.#counts.get(h) ?? 0;
      if (n <= 1) this.#counts.delete(h);
      else this.#counts.set(h, n - 1);
    }
  }
}
