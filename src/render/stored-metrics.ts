// A stored family's series as structures, for every reader that shows more than its text lines (protobuf, JSON, web UI).
import type { StoredFamily } from '../model/group.ts';
import type { Metric } from '../model/metric.ts';
import { decodeFamilyLines } from '../stored/family-lines.ts';

/**
 * The series of a stored family: its structured copy where the store kept one (the text lines lose
 * something, e.g. native buckets), else its stored lines read back (stored/family-lines.ts). The list
 * and its series may be the stored ones: the caller must not mutate them.
 */
export function storedMetrics(stored: StoredFamily): readonly Metric[] {
  return stored.exact?.metrics ?? decodeFamilyLines(stored.name, stored.type, stored.text);
}
