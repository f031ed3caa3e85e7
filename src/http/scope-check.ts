// 403 for a request outside the authenticated user's scope (--web.scopes-file), with the reason naming the scope.
import { type Action, type Scopes, refusalOf } from '../web-config/scopes.ts';
import { textError } from './errors.ts';
import { parseGroupingPath } from './grouping-path.ts';
import type { Route } from './routes.ts';

/** The routes whose GET shows groups: the `read` action. */
const READ_ROUTES: ReadonlySet<Route['kind']> = new Set(['scrape', 'api-metrics', 'api-status', 'ui-page', 'ui-group', 'ui-match']);

/**
 * The 403 answer when `user` may not make this request, else undefined. Only requests that act are checked:
 * push and delete (with the group's labels), scrape, the JSON API's GETs and the web UI's page, group bodies and
 * filter (read: the same groups), quit, the wipe and the bulk delete (admin); health, readiness, the UI's static files, OPTIONS,
 * redirects and unknown paths need no scope. A grouping path that does not parse is left to the handler,
 * whose 400 changes nothing; it is read as the handler reads it (`utf8Names`: `--push.enable-utf8-names`).
 */
export function scopeRefusal(route: Route, method: string, user: string, scopes: Scopes, utf8Names: boolean): Response | undefined {
  let action: Action | undefined;
  let labels: readonly string[] = [];
  if (route.kind === 'grouping') {
    action = method === 'DELETE' ? 'delete' : method === 'PUT' || method === 'POST' ? 'push' : undefined;
    const grouping = parseGroupingPath(route.grouping.job, route.grouping.jobIsBase64, route.grouping.labelPath, utf8Names);
    if (!grouping.ok) return undefined;
    labels = grouping.labels;
  } else if (READ_ROUTES.has(route.kind) && method === 'GET') {
    action = 'read';
  } else if ((route.kind === 'quit' && (method === 'PUT' || method === 'POST')) || (route.kind === 'wipe' && method === 'PUT') || (route.kind === 'admin-groups' && method === 'DELETE')) {
    action = 'admin';
  }
  const refusal = action === undefined ? undefined : refusalOf(scopes, user, action, labels);
  return refusal === undefined ? undefined : textError(403, refusal);
}
