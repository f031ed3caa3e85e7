// Which groups hold each series identity hash, and how many: the index behind the duplicate-series check.

const EMPTY = -1; // hashes are non-negative integers, so negative keys can mark free slots
const DELETED = -2;
const MIN_CAPACITY = 1024;
const COUNT_UNIT = 2 ** 32;

/**
 * A multiset of series hashes, each added and removed on behalf of an owner (a group's number, below
 * 2^32). A consistent store holds each hash once; with the consistency check disabled a hash may be
 * held several times. Besides the count, a slot keeps the XOR of its holders' numbers, which is the
 * sole holder's number when the count is 1: so "does another group hold this series?" needs no set of
 * the written group's series.
 *
 * An open-addressing table (linear probing, at most 3/4 full counting deleted slots) in one
 * Float64Array of [hash, count × 2^32 + owners' XOR] pairs: 16 bytes per slot, no object per entry,
 * and one cache line per lookup. In a store of 10 000 groups the table is larger than the CPU caches
 * and every pushed series costs a few lookups, so lookups that touch one line instead of three keep a
 * push's cost from growing with the store.
 */
export class SeriesIndex {
  #slots = emptySlots(MIN_CAPACITY);
  /** Slots holding a hash. */
  #live = 0;
  /** Slots holding a hash or a deletion mark: what probing has to walk past. */
  #used = 0;
  /** Hashes looked up, added or removed so far: lets a test prove a push's work does not grow with the store. */
  operations = 0;

  count(hash: number): number {
    this.operations++;
    const at = this.#find(hash);
    return at < 0 ? 0 : Math.floor(this.#slots[at + 1]! / COUNT_UNIT);
  }

  /** True when an owner other than `owner` holds `hash`; `owner` holds a hash at most once. */
  isHeldBeyond(hash: number, owner: number): boolean {
    this.operations++;
    const at = this.#find(hash);
    if (at < 0) return false;
    const holding = this.#slots[at + 1]!;
    return holding >= 2 * COUNT_UNIT || holding >>> 0 !== owner;
  }

  addAll(hashes: Float64Array, owner: number): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const hash = hashes[i]!;
      const at = this.#find(hash);
      if (at >= 0) {
        const holding = this.#slots[at + 1]!;
        this.#slots[at + 1] = holding - (holding >>> 0) + COUNT_UNIT + ((holding ^ owner) >>> 0);
        continue;
      }
      if ((this.#used + 1) * 4 > (this.#slots.length / 2) * 3) this.#rehash();
      this.#insert(hash, COUNT_UNIT + owner);
    }
  }

  removeAll(hashes: Float64Array, owner: number): void {
    this.operations += hashes.length;
    for (let i = 0; i < hashes.length; i++) {
      const at = this.#find(hashes[i]!);
      if (at < 0) continue;
      const holding = this.#slots[at + 1]!;
      if (holding < 2 * COUNT_UNIT) {
        this.#slots[at] = DELETED;
        this.#live--;
      } else {
        this.#slots[at + 1] = holding - (holding >>> 0) - COUNT_UNIT + ((holding ^ owner) >>> 0);
      }
    }
  }

  // The index in #slots of the pair holding `hash`, or -1.
  #find(hash: number): number {
    const slots = this.#slots;
    const mask = slots.length / 2 - 1;
    for (let slot = (hash >>> 0) & mask; ; slot = (slot + 1) & mask) {
      const key = slots[2 * slot]!;
      if (key === hash) return 2 * slot;
      if (key === EMPTY) return -1;
    }
  }

  // Puts a hash known to be absent into the first free or deleted slot of its probe run.
  #insert(hash: number, holding: number): void {
    const slots = this.#slots;
    const mask = slots.length / 2 - 1;
    let slot = (hash >>> 0) & mask;
    while (slots[2 * slot]! >= 0) slot = (slot + 1) & mask;
    if (slots[2 * slot] === EMPTY) this.#used++;
    slots[2 * slot] = hash;
    slots[2 * slot + 1] = holding;
    this.#live++;
  }

  // Rebuilds without deletion marks, twice as large when more than half full of live hashes.
  #rehash(): void {
    const old = this.#slots;
    const capacity = old.length / 2;
    this.#slots = emptySlots(Math.max(MIN_CAPACITY, this.#live * 2 > capacity ? capacity * 2 : capacity));
    this.#live = 0;
    this.#used = 0;
    for (let at = 0; at < old.length; at += 2) if (old[at]! >= 0) this.#insert(old[at]!, old[at + 1]!);
  }
}

function emptySlots(capacity: number): Float64Array {
  const slots = new Float64Array(2 * capacity);
  for (let at = 0; at < slots.length; at += 2) slots[at] = EMPTY;
  return slots;
}
