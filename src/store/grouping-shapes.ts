// Which sets of grouping label names the groups use: where a pushed series could meet the same series of another group.
import { groupKeyOf, hasLabel } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';

/**
 * Every series of a group carries the group's grouping labels with the group's values, so a series can
 * only equal a series of group B if it carries all of B's grouping label names with B's values. For a
 * push into group A that leaves two kinds of shape (set of grouping label names) to look at:
 * - a shape that is a strict subset of A's: every series of the push carries it with A's values, so it
 *   names one group for the whole push (e.g. `{job="x"}` for a push into `{instance="i",job="x"}`);
 * - a shape with a name A's grouping lacks: only a series carrying that label in its body (or the
 *   injected `instance=""`) can reach it, and which group it names depends on the series' values.
 * A's own shape names A itself, and any other shape cannot be carried. A fleet uses one or a few shapes,
 * so finding what a push could clash with costs a few steps per push, whatever the number of groups or
 * series: no index of every stored series is needed (it outgrew the CPU caches and cost a cache miss per
 * pushed series).
 */
export class GroupingShapes {
  /** Shape key (names joined by \n) → the shape's sorted names and how many groups use it. */
  readonly #shapes = new Map<string, { readonly names: readonly string[]; groups: number }>();

  add(grouping: Labels): void {
    const key = shapeKeyOf(grouping);
    const shape = this.#shapes.get(key);
    if (shape !== undefined) shape.groups++;
    else this.#shapes.set(key, { names: namesOf(grouping), groups: 1 });
  }

  remove(grouping: Labels): void {
    const key = shapeKeyOf(grouping);
    const shape = this.#shapes.get(key);
    if (shape !== undefined && --shape.groups === 0) this.#shapes.delete(key);
  }

  /**
   * Where series pushed into the group of `grouping` (sorted pairs) could be held by another group:
   * the keys of the groups named by strict-subset shapes (they may not exist), and the shapes whose
   * group depends on each series' labels.
   */
  reachFrom(grouping: Labels): Reach {
    const subsetKeys: string[] = [];
    const wider: WiderShape[] = [];
    for (const { names } of this.#shapes.values()) {
      const lacked = names.find((name) => !hasLabel(grouping, name));
      if (lacked !== undefined) wider.push({ names, lacked });
      else if (names.length < grouping.length / 2) subsetKeys.push(groupKeyOf(pick(grouping, names)));
    }
    return { subsetKeys, wider };
  }
}

/** See GroupingShapes.reachFrom. */
export interface Reach {
  readonly subsetKeys: readonly string[];
  /** Shapes with a name the pushed group's grouping lacks. */
  readonly wider: readonly WiderShape[];
}

export interface WiderShape {
  /** The shape's names, sorted. */
  readonly names: readonly string[];
  /** One of them the pushed group's grouping lacks: a series reaching the shape carries it. */
  readonly lacked: string;
}

/**
 * The key of the group whose grouping labels are exactly `series`' labels of the names in `shape`, or
 * undefined when the series lacks one of them. `series` and `shape` are sorted by name.
 */
export function keyWithin(series: Labels, shape: readonly string[]): string | undefined {
  const picked = pick(series, shape);
  return picked.length === 2 * shape.length ? groupKeyOf(picked) : undefined;
}

// The pairs of `labels` (sorted) whose names are in `names` (sorted), in order.
function pick(labels: Labels, names: readonly string[]): Labels {
  const picked: Labels = [];
  let at = 0;
  for (let i = 0; i < labels.length && at < names.length; i += 2) {
    while (at < names.length && names[at]! < labels[i]!) at++;
    if (names[at] === labels[i]) picked.push(labels[i]!, labels[i + 1]!);
  }
  return picked;
}

function namesOf(grouping: Labels): string[] {
  const names: string[] = [];
  for (let i = 0; i < grouping.length; i += 2) names.push(grouping[i]!);
  return names;
}

function shapeKeyOf(grouping: Labels): string {
  let key = '';
  for (let i = 0; i < grouping.length; i += 2) key += i === 0 ? grouping[i] : `\n${grouping[i]}`;
  return key;
}
