// The web UI's one page (GET / and /status): a Metrics tab with one card per group, a Status tab, Go's layout (SPEC §7.5).
import { type ExpiryPolicy, expiryOf } from '../model/expiry.ts';
import type { Group } from '../model/group.ts';
import { groupingBadges } from './badges.ts';
import { formatAge, formatExpiry, formatTime, groupPath } from './format.ts';
import { escapeHtml } from './html.ts';

/** What the Status tab shows, each map already in the order to show it. */
export interface StatusInfo {
  /** When the gateway started, as text. */
  readonly started: string;
  readonly build: Readonly<Record<string, string>>;
  readonly flags: Readonly<Record<string, string>>;
}

export interface PageOptions {
  /**
   * `--web.enable-admin-api`: offer Delete All, which calls `PUT api/v1/admin/wipe`, and Delete matching
   * groups, which calls `DELETE api/v1/admin/groups` with the filter's selector.
   */
  readonly adminApi: boolean;
  readonly status: StatusInfo;
  readonly nowMs: number;
  /** `--metrics.ttl` and `--metrics.max-ttl`: when each group expires. */
  readonly expiry: ExpiryPolicy;
}

const HELP_URL = 'https://github.com/prometheus/pushgateway/blob/master/README.md';
const FILTER_PLACEHOLDER = 'Filter by label or metric name, or a selector {job="…"}';
const MATCHING_TITLE = 'Filter by a selector such as {job="etl"} to delete the groups it matches';

/**
 * The whole page for `groups` (in grouping-key order, as the store lists them). A group's card holds only
 * its header: labels, last push and whether it failed, Delete Group. Its families are fetched when it is
 * opened (group-body.ts), which keeps the page small and quick to lay out at 10 000 groups. URLs are
 * relative, as Go's are, so the page works under any route prefix. Every value is HTML-escaped; none
 * goes into a script.
 */
export function renderPage(groups: readonly Group[], options: PageOptions): string {
  const count = groups.length;
  // The script enables Delete matching groups while the filter holds a selector.
  const deleteAll = options.adminApi
    ? `<button type="button" id="del-matching" class="danger" disabled title="${escapeHtml(MATCHING_TITLE)}">Delete matching groups</button>` +
      `<button type="button" id="del-all" class="danger"${count === 0 ? ' disabled' : ''}>Delete All <span id="del-all-counter">${count}</span> Groups</button>`
    : '';
  let cards = '';
  for (const group of groups) cards += groupCard(group, options.nowMs, options.expiry);
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex,nofollow">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Prometheus Pushgateway</title>' +
    '<link rel="stylesheet" href="static/pushgateway.css"><script src="static/pushgateway.js" defer></script></head>' +
    `<body data-now="${options.nowMs}">` +
    '<nav><span class="brand">Pushgateway</span><a href="#" id="metrics-tab" class="tab active">Metrics</a>' +
    `<a href="#status" id="status-tab" class="tab">Status</a><a href="${HELP_URL}" target="_blank" rel="noopener">Help</a></nav>` +
    '<main id="metrics-div"><div class="toolbar">' +
    `<input id="filter" type="search" placeholder="${escapeHtml(FILTER_PLACEHOLDER)}" autocomplete="off" aria-label="Filter groups">` +
    `<span id="shown">${count} group${count === 1 ? '' : 's'}</span><span id="filter-error" role="alert" hidden></span>${deleteAll}</div><div id="groups">${cards}</div></main>` +
    `<section id="status-div" hidden>${statusTab(options.status)}</section>` +
    '<dialog id="confirm"><p id="confirm-msg"></p><form method="dialog"><button value="cancel">Cancel</button>' +
    '<button value="ok" id="confirm-ok" class="danger">Delete</button></form></dialog></body></html>\n'
  );
}

// A group's header; its body is empty until opened. The last push is the later of the last success and the
// last failure, marked when it failed; then when the group expires, if it does.
function groupCard(group: Group, nowMs: number, expiry: ExpiryPolicy): string {
  const failed = group.failureTime > group.pushTime;
  const lastMs = Math.max(group.pushTime, group.failureTime) * 1000;
  const last = lastMs === 0 ? '' : `<span class="age" data-ms="${lastMs}" title="${formatTime(lastMs)}">${formatAge(lastMs, nowMs)}</span>`;
  const expiresMs = expiryOf(group, expiry);
  const expires = expiresMs === undefined ? '' : `<span class="expires" data-ms="${expiresMs}" title="${formatTime(expiresMs)}">${formatExpiry(expiresMs, nowMs)}</span>`;
  return (
    `<details class="group" data-path="${escapeHtml(groupPath(group.labels))}"><summary>${groupingBadges(group.labels)}` +
    `${failed ? '<span class="failed">Last push failed!</span>' : ''}${last}${expires}` +
    '<button type="button" class="delete danger">Delete Group</button></summary><div class="body"></div></details>'
  );
}

function statusTab(status: StatusInfo): string {
  return (
    `<h2>Runtime Information</h2><table class="status"><tr><th>Started</th><td>${escapeHtml(status.started)}</td></tr></table>` +
    `<h2>Build Information</h2>${keyValueTable(status.build)}<h2>Startup Flags</h2>${keyValueTable(status.flags)}`
  );
}

function keyValueTable(entries: Readonly<Record<string, string>>): string {
  let rows = '';
  for (const [key, value] of Object.entries(entries)) rows += `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`;
  return `<table class="status">${rows}</table>`;
}
