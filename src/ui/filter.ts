// The filter box's question: which groups a selector `{…}` matches, or else which have a grouping label or a metric name containing the text.
import type { Group } from '../model/group.ts';
import { SelectorError, checkNonEmpty, matchesLabels, parseGroupSelector } from '../model/label-matchers.ts';
import { groupPath } from './format.ts';

/**
 * What the filter keeps: the paths (format.ts groupPath) of the groups, in their order, and whether the
 * text was taken as a selector (then the bulk delete may be offered for it); or why a selector is none.
 */
export type FilterAnswer = { readonly paths: string[]; readonly selector: boolean } | { readonly error: string };

/**
 * Text starting with `{` is a grouping selector, read as the bulk delete reads it (same rules, same
 * errors), so that what the filter shows is exactly what "Delete matching groups" deletes. Any other text
 * keeps the groups with a grouping label whose `name="value"` or a family whose name contains it,
 * ignoring case. Answered on the server: the page holds no family names, since a collapsed group's body is
 * never sent.
 */
export function filterGroups(groups: readonly Group[], query: string): FilterAnswer {
  const text = query.trim();
  if (text.startsWith('{')) {
    try {
      const matchers = parseGroupSelector(text);
      checkNonEmpty(matchers);
      return { paths: pathsOf(groups, (group) => matchesLabels(matchers, group.labels)), selector: true };
    } catch (error) {
      if (error instanceof SelectorError) return { error: error.message };
      throw error;
    }
  }
  const needle = text.toLowerCase();
  return { paths: pathsOf(groups, (group) => containsText(group, needle)), selector: false };
}

function pathsOf(groups: readonly Group[], keep: (group: Group) => boolean): string[] {
  const paths: string[] = [];
  for (const group of groups) if (keep(group)) paths.push(groupPath(group.labels));
  return paths;
}

function containsText(group: Group, needle: string): boolean {
  const labels = group.labels;
  for (let i = 0; i < labels.length; i += 2) if (`${labels[i]}="${labels[i + 1]}"`.toLowerCase().includes(needle)) return true;
  for (const name of group.families.keys()) if (name.toLowerCase().includes(needle)) return true;
  return false;
}
