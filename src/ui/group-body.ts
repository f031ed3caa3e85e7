// The body of one group card, sent when the card is opened: its families, each expandable to its series.
import type { Group } from '../model/group.ts';
import { PROTO_TYPE_NAMES } from '../model/metric.ts';
import { storedMetrics } from '../render/stored-metrics.ts';
import { formatAge, formatTime } from './format.ts';
import { escapeHtml } from './html.ts';
import { seriesTable } from './series-table.ts';

/**
 * One collapsed card per family, sorted by name as Go's UI sorts them: name, HELP, type and when it was
 * last pushed (SPEC §7.5), then the series table. Only this group's stored lines are decoded, and only
 * when someone opens the group: the page itself never decodes a family.
 */
export function renderGroupBody(group: Group, nowMs: number): string {
  const names = [...group.families.keys()].sort();
  let html = '';
  for (const name of names) {
    const family = group.families.get(name)!;
    html +=
      `<details class="family"><summary><span class="name">${escapeHtml(name)}</span>` +
      `<span class="badge help">${escapeHtml(family.help ?? '')}</span>` +
      `<span class="badge type">${PROTO_TYPE_NAMES[family.type]}</span>` +
      `<span class="pushed">last pushed: ${formatTime(family.pushedAt)} <span class="age" data-ms="${family.pushedAt}">${formatAge(family.pushedAt, nowMs)}</span></span>` +
      `</summary>${seriesTable(family.type, storedMetrics(family))}</details>`;
  }
  return html;
}
