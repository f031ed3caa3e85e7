// The groups' expiry deadlines as an indexed binary min-heap: earliest first, O(log n) to set or remove one.

/**
 * At most one deadline per key. Unlike a heap with lazy deletion, a re-push moves its key's one entry
 * (sift up or down) instead of adding another, so the heap never holds more entries than groups with a
 * deadline, whatever the push rate. Positions are kept in a map for that.
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

  #siftUp(from: number): void {
    let at = from;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.#deadlines[parent]! <= this.#deadlines[at]!) break;
      this.#swap(at, parent);
      at = parent;
    }
  }

  #siftDown(from: number): void {
    const length = this.#keys.length;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.#deadlines[right]! < this.#deadlines[left]! ? right : left;
      if (this.#deadlines[at]! <= this.#deadlines[child]!) break;
      this.#swap(at, child);
      at = child;
    }
  }

  #swap(a: number, b: number): void {
    this.#operations++;
    const key = this.#keys[a]!;
    const deadline = this.#deadlines[a]!;
    this.#keys[a] = this.#keys[b]!;
    this.#deadlines[a] = this.#deadlines[b]!;
    this.#keys[b] = key;
    this.#deadlines[b] = deadline;
    this.#positions.set(this.#keys[a]!, a);
    this.#positions.set(key, b);
  }
}
