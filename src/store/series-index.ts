// Which groups hold each series identity hash, and how many: the index behind the duplicate-series check.

const EMPTY = -1; // hashes are non-negative integers, so negative keys can mark free slots
const DELETED = -2;
const MIN_CAPACITY = 1024;

/**
 * A multiset of series hashes, each added and removed on behalf of an owner (a group's number). A
 * consistent store holds each hash once; with the consistency check disabled a hash may be held
 * several times. Besides the count, a slot keeps the XOR of its holders' numbers, which is the sole
 * holder's number when the count is 1: so "does another group hold this series?" needs no set of the
 * target group's series. An open-addressing table in three typed arrays (linear probing, at most 3/4
 * full counting deleted slots): 16 bytes per slot and no object per entry, where a Map costs several
 * times that and scatters its entries over the heap, which made a push measurably slower as the store
 * grew.
 */
export class SeriesIndex {
  #keys = new Float64Array(MIN_CAPACITY).fill(EMPTY);
  #counts = new Uint32Array(MIN_CAPACITY);
  #owners = new Int32Array(MIN_CAPACITY);
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

  /** The number of the one owner holding `hash`; meaningful only when `count(hash)` is 1. */
  soleOwner(hash: number): number {
    this.operations++;
    const slot = this.#find(hash);
    return slot < 0 ? 0 : this.#owners[slot]!;
  }

  addAll(hashes: Float64Array, owner: number): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      const slot = this.#find(hash);
      if (slot >= 0) {
        this.#counts[slot]!++;
        this.#owners[slot]! ^= owner;
        continue;
      }
      if ((this.#used + 1) * 4 > this.#keys.length * 3) this.#rehash();
      this.#insert(hash, 1, owner);
    }
  }

  removeAll(hashes: Float64Array, owner: number): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const slot = this.#find(hashes[i]!);
      if (slot < 0) continue;
      this.#owners[slot]! ^= owner;
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
  #insert(hash: number, count: number, owners: number): void {
    const keys = this.#keys;
    const mask = keys.length - 1;
    let slot = (hash >>> 0) & mask;
    while (keys[slot]! >= 0) slot = (slot + 1) & mask;
    if (keys[slot] === EMPTY) this.#used++;
    keys[slot] = hash;
    this.#counts[slot] = count;
    this.#owners[slot] = owners;
    this.#live++;
  }

  // Rebuilds without deletion marks, twice as large when more than half full of live hashes.
  #rehash(): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const owners = this.#owners;
    const capacity = Math.max(MIN_CAPACITY, this.#live * 2 > keys.length ? keys.length * 2 : keys.length);
    this.#keys = new Float64Array(capacity).fill(EMPTY);
    this.#counts = new Uint32Array(capacity);
    this.#owners = new Int32Array(capacity);
    this.#live = 0;
    this.#used = 0;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot]! >= 0) this.#insert(keys[slot]!, counts[slot]!, owners[slot]!);
  }
}
