// The grouping labels of a push in stored form, for the text fast path: sorted, `instance=""` added, encoded.
import { escapeLabelValue } from '../model/escape.ts';
import { groupKeyOf } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';
import { isValidLabelName } from '../model/names.ts';

const utf8 = new TextEncoder();

/** One grouping label as stored: its name's bytes and the whole `name="escaped value"` pair. */
export interface GroupingPair {
  readonly name: Uint8Array;
  readonly pair: Uint8Array;
}

// Per grouping key: a fleet pushes to the same groups again and again. Emptied when full.
const groupingPairsByKey = new Map<string, GroupingPair[] | undefined>();
const GROUPING_PAIRS_LIMIT = 16_384;

// The grouping labels plus instance="" when absent, sorted by name; undefined when one of them would
// break a label rule (the store words that refusal) or is not a legacy name (`--push.enable-utf8-names`):
// the store keeps such a group's families structured, which only the ordinary path makes.
export function groupingPairs(grouping: Labels): GroupingPair[] | undefined {
  const key = groupKeyOf(grouping);
  let pairs = groupingPairsByKey.get(key);
  if (pairs === undefined && !groupingPairsByKey.has(key)) {
    if (groupingPairsByKey.size >= GROUPING_PAIRS_LIMIT) groupingPairsByKey.clear();
    pairs = encodeGroupingPairs(grouping);
    groupingPairsByKey.set(key, pairs);
  }
  return pairs;
}

function encodeGroupingPairs(grouping: Labels): GroupingPair[] | undefined {
  const labels = grouping.slice();
  let hasInstance = false;
  for (let i = 0; i < labels.length; i += 2) {
    const name = labels[i]!;
    if (name === 'instance') hasInstance = true;
    if (name === 'le' || name === 'quantile' || name.startsWith('__') || !isValidLabelName(name) || (i > 0 && labels[i - 2]! >= name)) return undefined;
  }
  if (!hasInstance) {
    let at = 0;
    while (at < labels.length && labels[at]! < 'instance') at += 2;
    labels.splice(at, 0, 'instance', '');
  }
  const pairs: GroupingPair[] = [];
  for (let i = 0; i < labels.length; i += 2) {
    pairs.push({ name: utf8.encode(labels[i]!), pair: utf8.encode(`${labels[i]}="${escapeLabelValue(labels[i + 1]!)}"`) });
  }
  return pairs;
}
