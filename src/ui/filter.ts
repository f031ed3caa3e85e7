// The filter box's question: which groups have a grouping label or a metric name containing the text.
import type { Group } from '../model/group.ts';
import { groupPath } from './format.ts';

/**
 * The paths (format.ts groupPath) of the groups, in their order, with a grouping label whose
 * `name="value"` or a family whose name contains `query`, ignoring case. Answered on the server: the
 * page holds no family names, since a collapsed group's body is never sent.
 */
export function matchingGroups(groups: readonly Group[], query: string): string[] {
  const needle = query.toLowerCase();
  const paths: string[] = [];
  for (const group of groups) if (groupMatches(group, needle)) paths.push(groupPath(group.labels));
  return paths;
}

function groupMatches(group: Group, needle: string): boolean {
  const labels = group.labels;
  for (let i = 0; i < labels.length; i += 2) if (`${labels[i]}="${labels[i + 1]}"`.toLowerCase().includes(needle)) return true;
  for (const name of group.families.keys()) if (name.toLowerCase().includes(needle)) return true;
  return false;
}
