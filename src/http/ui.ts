// The web UI's endpoints: the page (/ and /status), a group's body and the filter's matches (ours, for the page's script), its static files.
import type { Config } from '../flags.ts';
import type { Store } from '../store/store.ts';
import { assetLookup } from '../ui/assets.ts';
import { filterGroups } from '../ui/filter.ts';
import { renderGroupBody } from '../ui/group-body.ts';
import { renderPage, type StatusInfo } from '../ui/page.ts';
import { goBuildInformation } from '../version.ts';
import { statusFlags } from './api.ts';
import { textError } from './errors.ts';
import { parseGroupingPath } from './grouping-path.ts';

const HTML_HEADERS = { 'Content-Type': 'text/html; charset=utf-8' };
const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** The UI's answers for one store; the page reads the groups afresh on every request. */
export interface Ui {
  /** GET / and GET /status: the same page, as in Go. */
  page(): Response;
  /** GET ui/group?g=<group path>: the HTML of one group's families, 404 when the group is gone. */
  groupBody(url: URL): Response;
  /** GET ui/match?q=<text>: what the filter box keeps (ui/filter.ts FilterAnswer) as JSON; 400 for a bad selector. */
  matches(url: URL): Response;
  /** GET static/<path>: a file of the UI, 404 when there is none. */
  asset(path: string): Promise<Response>;
}

/**
 * The UI of `store`, with the admin actions `--web.enable-admin-api` allows and the assets of `--web.local-assets`;
 * `routePrefix` is shown on the Status tab as the routes use it. Nothing here runs for a push or a scrape: the
 * page, a body and the matches are built from `store.groups()` when asked for, and only an opened group's stored
 * lines are ever decoded.
 */
export function createUi(config: Config, routePrefix: string, store: Store): Ui {
  const asset = assetLookup(config.localAssets);
  const flags = statusFlags(config, routePrefix);
  // Sorted by name, as Go's status page lists both; neither changes while the process runs.
  const sortedFlags = Object.fromEntries(Object.keys(flags).sort().map((name) => [name, flags[name]!]));
  const status: StatusInfo = { started: startedText(), build: goBuildInformation(), flags: sortedFlags };
  return {
    page: () => new Response(renderPage(store.groups(), { adminApi: config.enableAdminApi, status, nowMs: Date.now(), expiry: config.expiry }), { headers: HTML_HEADERS }),
    groupBody(url) {
      const labels = groupLabels(url.searchParams.get('g') ?? '', config.utf8Names);
      if (typeof labels === 'string') return textError(400, labels);
      const group = store.get(labels);
      if (group === undefined) return textError(404, 'no such group; it may have been deleted since the page was loaded');
      return new Response(renderGroupBody(group, Date.now()), { headers: HTML_HEADERS });
    },
    matches(url) {
      const answer = filterGroups(store.groups(), url.searchParams.get('q') ?? '');
      return new Response(JSON.stringify(answer), { status: 'error' in answer ? 400 : 200, headers: JSON_HEADERS });
    },
    async asset(path) {
      const found = await asset(path);
      return found === undefined ? textError(404, '404 page not found') : new Response(found.body, { headers: { 'Content-Type': found.contentType } });
    },
  };
}

/** The labels of a group path as the page writes it (`job@base64/<job>/<name>@base64/<value>=…`), or what is wrong with it. */
function groupLabels(path: string, utf8Names: boolean): string[] | string {
  const segments = path.split('/');
  if (segments[0] !== 'job@base64' || segments.length < 2) return 'the group path must start with job@base64/';
  const labelPath = segments.length > 2 ? '/' + segments.slice(2).join('/') : '';
  const result = parseGroupingPath(segments[1]!, true, labelPath, utf8Names);
  return result.ok ? result.labels : result.error;
}

/**
 * When the gateway started, in the shape of Go's `time.Time` string without its monotonic part
 * (`2026-12-06 22:46:12.657 +0000 UTC`): performance.timeOrigin is when this process started.
 */
function startedText(): string {
  const iso = new Date(Math.round(performance.timeOrigin)).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} +0000 UTC`;
}
