// The problems a refused write (or an inconsistent store) has, counted in full but listed only in part.

/** How many problems a message lists in full; the rest are only counted. */
export const LISTED_PROBLEMS = 10;

/**
 * Collects problems for one message. A push body of a million duplicate series has a million problems:
 * Go lists each on a line of its 400 (167 MB for a 4 MB body; 60 MiB ran out of memory), so the answer
 * here lists the first {@link LISTED_PROBLEMS} exactly as Go words them and then says how many more
 * there are (issue 11, finding 2). Only listed problems are worded: the work stays one count per problem.
 */
export class Problems {
  readonly #listed: string[] = [];
  #count = 0;

  /** How many problems were added, listed or not. */
  get count(): number {
    return this.#count;
  }

  /** Adds a problem; `describe` words it, and runs only if the problem will be listed. */
  add(describe: () => string): void {
    if (this.#count++ < LISTED_PROBLEMS) this.#listed.push(describe());
  }

  /**
   * The message: a single problem stands alone; several are joined as Go's MultiError does
   * (`N error(s) occurred:` and a `* ` line each), the unlisted ones summed up on a last line.
   */
  format(): string {
    if (this.#count === 1) return this.#listed[0]!;
    const unlisted = this.#count - this.#listed.length;
    const more = unlisted > 0 ? `\n… and ${unlisted} more` : '';
    return `${this.#count} error(s) occurred:` + this.#listed.map((problem) => `\n* ${problem}`).join('') + more;
  }
}
