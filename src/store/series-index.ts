// How many stored series carry each identity hash: the index behind the duplicate-series check.

const EMPTY = -1; // hashes are non-negative integers, so negative keys can mark free slots
const DELETED = -2;
const MIN_CAPACITY = 1024;

/**
 * A multiset of series hashes. A consistent store holds each hash once; with the consistency check
 * disabled a hash may be held several times. An open-addressing table in two typed arrays (linear
 * probing, at most 3/4 full counting deleted slots): ~12 bytes per stored series and no object per
 * entry, where a Map costs several times that and scatters its entries over the heap, which made a
 * push measurably slower as the store grew.
 */
export class SeriesIndex {
  #keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
  #counts = new Uint32Array(MIN_CAPACITY);
  /** Slots holding a hash. */
  #live = 0;
  /** Slots holding a hash or a deletion mark: what probing has to walk past. */
  #used = 0;
  /** Hashes looked up, added or removed so far: lets a test prove a push's work does not grow with the store. */
  operations = 0;

  count(hash: number): number {
    this.operations++;
    const slot = this.#find(hash);
    return slot < 0 ? 0 : this.#counts[slot]!;
  }

  addAll(hashes: Float64Array): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      const slot = this.#find(hash);
      if (slot >= 0) {
        this.#counts[slot]!++;
        continue;
      }
      if ((this.#used + 1) * 4 > this.#keys.length * 3) this.#rehash();
      this.#insert(hash, 1);
    }
  }

  removeAll(hashes: Float64Array): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const slot = this.#find(hashes[i]!);
      if (slot < 0) continue;
      if (--this.#counts[slot]! === 0) {
        this.#keys[slot] = DELETED;
        this.#live--;
      }
    }
  }

  // The slot holding `hash`, or -1.
  #find(hash: number): number {
    const keys = this.#keys;
    const mask = keys.length - 1;
    for (let slot = (hash >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const key = keys[slot]!;
      if (key === hash) return slot;
      if (key === EMPTY) return -1;
    }
  }

  // Puts a hash known to be absent into the first free or deleted slot of its probe run.
  #insert(hash: number, count: number): void {
    const keys = this.#keys;
    const mask = keys.length - 1;
    let slot = (hash >>> 0) & mask;
    while (keys[slot]! >= 0) slot = (slot + 1) & mask;
    if (keys[slot] === EMPTY) this.#used++;
    keys[slot] = hash;
    this.#counts[slot] = count;
    this.#live++;
  }

  // Rebuilds without deletion marks, twice as large when more than half full of live hashes.
  #rehash(): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const capacity = Math.max(MIN_CAPACITY, this.#live * 2 > keys.length ? keys.length * 2 : keys.length);
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#counts = new Uint32Array(capacity);
    this.#live = 0;
    this.#used = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot]! >= 0) this.#insert(keys[slot]!, counts[slot]!);
  }
}
