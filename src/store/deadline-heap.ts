// The groups' expiry deadlines as an indexed 4-ary min-heap: earliest first, O(log n) to set or remove one.

/**
 * At most one deadline per key. Unlike a heap with lazy deletion, a re-push moves its key's one entry
 * (sift up or down) instead of adding another, so the heap never holds more entries than groups with a
 * deadline, whatever the push rate, and the timer never wakes for a stale one. Positions are kept in a map
 * for that. A re-pushed group's deadline is usually the latest of all, so it sinks to a leaf: four
 * children per node halve the levels, and with them the position updates, which cost the most (root to
 * leaf at 10 000 keys: 165 ns, where a binary heap swapping at every level took 350 ns; at 100 000: 465
 * against 1 050 ns; bench/README.md).
 */
export class DeadlineHeap {
  readonly #keys: string[] = [];
  readonly #deadlines: number[] = [];
  readonly #positions = new Map<string, number>();
  #operations = 0;

  get size(): number {
    return this.#keys.length;
  }

  /** Entries set or removed plus entries moved by a sift, so far: for tests that count work, not time. */
  get operations(): number {
    return this.#operations;
  }

  /** The earliest deadline, or undefined when the heap is empty. */
  get earliest(): number | undefined {
    return this.#deadlines[0];
  }

  /** The key of the earliest deadline, or undefined when the heap is empty. */
  get earliestKey(): string | undefined {
    return this.#keys[0];
  }

  /** Sets `key`'s deadline (ms since the epoch), adding the key or moving it. */
  set(key: string, deadline: number): void {
    this.#operations++;
    const at = this.#positions.get(key);
    if (at === undefined) {
      this.#keys.push(key);
      this.#deadlines.push(deadline);
      this.#positions.set(key, this.#keys.length - 1);
      this.#siftUp(this.#keys.length - 1);
      return;
    }
    const previous = this.#deadlines[at]!;
    if (deadline === previous) return;
    this.#deadlines[at] = deadline;
    if (deadline < previous) this.#siftUp(at);
    else this.#siftDown(at);
  }

  /** Removes `key`'s deadline; nothing when it has none. */
  delete(key: string): void {
    const at = this.#positions.get(key);
    if (at === undefined) return;
    this.#operations++;
    this.#positions.delete(key);
    const lastKey = this.#keys.pop()!;
    const lastDeadline = this.#deadlines.pop()!;
    if (at === this.#keys.length) return;
    // The last entry fills the hole, then goes whichever way its deadline says.
    this.#keys[at] = lastKey;
    this.#deadlines[at] = lastDeadline;
    this.#positions.set(lastKey, at);
    this.#siftUp(at);
    this.#siftDown(this.#positions.get(lastKey)!);
  }

  // Both sifts move the entry by holes: each entry passed moves one place and is re-indexed once, and the
  // moving entry is written once where it stops (half the map updates of swapping at every level).
  #siftUp(from: number): void {
    const key = this.#keys[from]!;
    const deadline = this.#deadlines[from]!;
    let at = from;
    while (at > 0) {
      const parent = (at - 1) >> 2;
      if (this.#deadlines[parent]! <= deadline) break;
      this.#move(parent, at);
      at = parent;
    }
    this.#place(key, deadline, at);
  }

  #siftDown(from: number): void {
    const key = this.#keys[from]!;
    const deadline = this.#deadlines[from]!;
    const length = this.#keys.length;
    let at = from;
    for (;;) {
      const first = 4 * at + 1;
      if (first >= length) break;
      let child = first;
      const last = Math.min(first + 4, length);
      for (let c = first + 1; c < last; c++) if (this.#deadlines[c]! < this.#deadlines[child]!) child = c;
      if (deadline <= this.#deadlines[child]!) break;
      this.#move(child, at);
      at = child;
    }
    this.#place(key, deadline, at);
  }

  // The entry at `from` moves to `to`.
  #move(from: number, to: number): void {
    this.#operations++;
    const key = this.#keys[from]!;
    this.#keys[to] = key;
    this.#deadlines[to] = this.#deadlines[from]!;
    this.#positions.set(key, to);
  }

  #place(key: string, deadline: number, at: number): void {
    this.#keys[at] = key;
    this.#deadlines[at] = deadline;
    this.#positions.set(key, at);
  }
}
