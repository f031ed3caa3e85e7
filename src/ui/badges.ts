// Label badges as Go's UI colours them: job in the warning colour, instance in the primary one, the rest as info.
import type { Labels } from '../model/metric.ts';
import { isValidLabelName } from '../model/names.ts';
import { escapeHtml } from './html.ts';

const BADGE_CLASS: Readonly<Record<string, string>> = { job: 'badge job', instance: 'badge instance' };

/** One label as a badge, `name="value"`, escaped; a name that is not legacy-valid quoted, `"a.b"="value"`, as the newest Go shows it. */
export function labelBadge(name: string, value: string): string {
  const shown = isValidLabelName(name) ? name : `"${name}"`;
  return `<span class="${BADGE_CLASS[name] ?? 'badge'}">${escapeHtml(shown)}="${escapeHtml(value)}"</span>`;
}

/** Every label of sorted pairs as badges, in their order. */
export function labelBadges(labels: Labels): string {
  let html = '';
  for (let i = 0; i < labels.length; i += 2) html += labelBadge(labels[i]!, labels[i + 1]!);
  return html;
}

/** A group's grouping labels as badges: `job` first, as Go's group header shows them, then the others in name order. */
export function groupingBadges(labels: Labels): string {
  let html = '';
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === 'job') html = labelBadge('job', labels[i + 1]!) + html;
  for (let i = 0; i < labels.length; i += 2) if (labels[i] !== 'job') html += labelBadge(labels[i]!, labels[i + 1]!);
  return html;
}
