// Would a write make the store inconsistent? Go's gather-time rules (SPEC §5.2), answered from indexes.
import type { StoredFamily } from '../model/group.ts';
import type { Labels, Metric, MetricType } from '../model/metric.ts';
import { PROTO_TYPE_NAMES } from '../model/metric.ts';
import { isAllowedLabelName, sampleNamesOf } from '../model/names.ts';
import { debugMetric } from './metric-debug.ts';
import type { NameIndex } from './name-index.ts';
import type { Problems } from './problems.ts';

/** A sanitised family of a write with the identity hash of each of its series. */
export interface PreparedFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly hashes: Float64Array;
  /**
   * The series, for the per-label rules and for naming a refused series. Undefined for a family the text
   * parser's fast path encoded: it checked the label rules itself, and the store words a refusal of such
   * a write from the structured parse of the same body (so messages here then say `{ }`).
   */
  readonly metrics: readonly Metric[] | undefined;
}

/**
 * Whether a group other than the written one holds a series: its identity hash, and its sanitised labels
 * when the write has them (a family the fast path encoded has none).
 */
export type HeldElsewhere = (hash: number, labels: Labels | undefined) => boolean;

/** What the check reads: the store's name index, where other groups' series are, and the gateway's own family types. */
export interface CheckContext {
  readonly names: NameIndex;
  readonly heldElsewhere: HeldElsewhere;
  /** The families the gateway exposes itself; pushed families of those names merge into them (SPEC §5.4). */
  readonly ownTypes: ReadonlyMap<string, MetricType>;
  /** `--push.enable-utf8-names`: a label name may be any valid UTF-8 that does not start with `__`. */
  readonly utf8Names: boolean;
}

/**
 * Adds to `problems` what would be wrong with the store after the write: `added` joins it, `removed`
 * (families of the target group that the write drops or replaces) leaves it. The cost is proportional to
 * the size of the write and of the target group, never to the rest of the store: Go re-gathers
 * everything instead. Messages are Go's, so clients and people see the same text (SPEC §5.2). None
 * added = consistent.
 */
export function checkWrite(ctx: CheckContext, added: readonly PreparedFamily[], removed: readonly StoredFamily[], problems: Problems): void {
  const removedByName = new Map<string, StoredFamily>();
  for (const family of removed) removedByName.set(family.name, family);
  const addedTypes = new Map<string, MetricType>();
  const addedHashes = new Set<number>();

  // The type a name will hold once `removed` is gone, counting families added earlier in this write.
  const heldType = (name: string): MetricType | undefined => {
    const own = ctx.ownTypes.get(name);
    if (own !== undefined) return own;
    const pushed = addedTypes.get(name);
    if (pushed !== undefined) return pushed;
    return ctx.names.heldType(name, removedByName.get(name)?.type);
  };
  for (const family of added) {
    const hashes = family.hashes;
    const describe = (i: number): string => (family.metrics === undefined ? '{ }' : debugMetric(family.metrics[i]!, family.type));
    const own = ctx.ownTypes.get(family.name);
    if (own !== undefined && own !== family.type) {
      problems.add(() => `gathered metric family ${family.name} has type ${PROTO_TYPE_NAMES[family.type]} but should have ${PROTO_TYPE_NAMES[own]}`);
      continue;
    }
    const held = heldType(family.name);
    if (held !== undefined && held !== family.type) {
      for (let i = 0; i < hashes.length; i++) {
        problems.add(() => `collected metric "${family.name}" ${describe(i)} is not a ${PROTO_TYPE_NAMES[held]}`);
      }
      continue;
    }
    checkSuffixes(family, heldType, problems);
    for (let i = 0; i < hashes.length; i++) {
      const metric = family.metrics?.[i];
      const problem = metric === undefined ? undefined
        : metric.kindMismatch !== undefined ? `is not a ${PROTO_TYPE_NAMES[family.type]}` : labelProblem(metric.labels, family.type, ctx.utf8Names);
      if (problem !== undefined) {
        problems.add(() => `collected metric "${family.name}" ${describe(i)} ${problem}`);
        continue;
      }
      const hash = hashes[i]!;
      // The written group's own series of this name are in a family the write drops (`removed`).
      if (addedHashes.has(hash) || ctx.heldElsewhere(hash, metric?.labels)) {
        problems.add(() => `collected metric "${family.name}" ${describe(i)} was collected before with the same name and label values`);
      }
      addedHashes.add(hash);
    }
    addedTypes.set(family.name, family.type);
  }
}

// A summary `x` owns the names x_count and x_sum, a histogram also x_bucket; Prometheus could not tell
// them apart after a scrape, so Go refuses both orders.
function checkSuffixes(family: PreparedFamily, heldType: (name: string) => MetricType | undefined, problems: Problems): void {
  const name = family.name;
  const names = sampleNamesOf(name);
  if (family.type === 'summary' || isHistogram(family.type)) {
    const owned = isHistogram(family.type) ? [names.count, names.sum, names.bucket] : [names.count, names.sum];
    for (const suffixed of owned) {
      if (heldType(suffixed) !== undefined) {
        problems.add(() => `collected histogram or summary named "${name}" collides with previously collected metric named "${suffixed}"`);
      }
    }
  }
  if (names.base === undefined) return;
  const type = heldType(names.base);
  if (type === 'summary' && names.suffix !== '_bucket') {
    problems.add(() => `collected metric named "${name}" collides with previously collected summary named "${names.base}"`);
  } else if (type !== undefined && isHistogram(type)) {
    problems.add(() => `collected metric named "${name}" collides with previously collected histogram named "${names.base}"`);
  }
}

function isHistogram(type: MetricType): boolean {
  return type === 'histogram' || type === 'gaugehistogram';
}

// Go's per-label checks in Go's order, plus `le` on histograms: Go stores that one and then prints bucket
// lines with two `le` labels, whether it came in the body or as a grouping label ([Rec] of SPEC §4.4).
function labelProblem(labels: readonly string[], type: MetricType, utf8Names: boolean): string | undefined {
  for (let i = 0; i < labels.length; i += 2) {
    const name = labels[i]!;
    // Labels are sorted, so a repeated name sits next to itself.
    if (i > 0 && labels[i - 2] === name) return `has two or more labels with the same name: ${name}`;
    if (!isAllowedLabelName(name, utf8Names)) return `has a label with an invalid name: ${name}`;
    if (type === 'summary' && name === 'quantile') return 'must not have an explicit "quantile" label';
    if (isHistogram(type) && name === 'le') return 'must not have an explicit "le" label';
  }
  return undefined;
}
