// Request path → which endpoint, after Go's percent-decoding, path cleaning and trailing-slash rules (SPEC §2.1).

/** The parts of a push/delete URL, percent-decoded, one char per byte (see grouping-path.ts). */
export interface GroupingRoute {
  readonly job: string;
  readonly jobIsBase64: boolean;
  /** Everything after the job segment, leading `/` included; '' when there is none. */
  readonly labelPath: string;
}

export type Route =
  | { readonly kind: 'grouping'; readonly grouping: GroupingRoute }
  | { readonly kind: 'scrape' | 'healthy' | 'ready' | 'quit' | 'not-found' | 'bad-request' }
  | { readonly kind: ApiRouteKind }
  | { readonly kind: 'redirect'; readonly location: string; readonly always301: boolean }
  | { readonly kind: UiRouteKind }
  | { readonly kind: 'static'; readonly path: string };

/**
 * The web UI's routes: its page (`/` and `/status`, as in Go), and ours that the page's script asks:
 * a group's body when it is opened (`/ui/group`) and the filter's matches (`/ui/match`).
 */
export type UiRouteKind = 'ui-page' | 'ui-group' | 'ui-match';

/**
 * The JSON API's routes (SPEC §7.1, §7.4): its two GET endpoints, the admin wipe and bulk delete of groups
 * (only with --web.enable-admin-api), and any other path under /api/v1/, which takes only the CORS preflight.
 */
export type ApiRouteKind = 'api-status' | 'api-metrics' | 'wipe' | 'admin-groups' | 'api-other';

/** The methods each kind of route takes, as Go lists them in `Allow`. */
export const ALLOWED: Readonly<Record<string, string>> = {
  grouping: 'DELETE, OPTIONS, POST, PUT',
  scrape: 'GET, OPTIONS',
  healthy: 'GET, OPTIONS',
  ready: 'GET, OPTIONS',
  quit: 'OPTIONS, POST, PUT',
  'ui-page': 'GET, OPTIONS',
  'ui-group': 'GET, OPTIONS',
  'ui-match': 'GET, OPTIONS',
  static: 'GET, OPTIONS',
  'api-status': 'GET, OPTIONS',
  'api-metrics': 'GET, OPTIONS',
  wipe: 'OPTIONS, PUT',
  'admin-groups': 'DELETE, OPTIONS',
  'api-other': 'OPTIONS',
};

export interface RouteConfig {
  /** '' or a path like `/pg` without a trailing slash. */
  readonly prefix: string;
  readonly telemetryPath: string;
  /** `--web.enable-admin-api`: without it the wipe and bulk delete routes do not exist (404, as in Go). */
  readonly adminApi: boolean;
}

const JOB = '/metrics/job/';
const STATIC = '/static/';
const JOB_BASE64 = '/metrics/job@base64/';
const API = '/api/v1/';
const API_ROOT = '/api/v1';

/**
 * Where the host starts in a request URL as Bun gives it: after `scheme://`, or at 0 when the URL is only
 * a path, as Bun gives it for a request without a Host header (HTTP/1.0 clients, raw probes).
 */
export function hostStart(url: string): number {
  return url.startsWith('/') ? 0 : url.indexOf('//') + 2;
}

/**
 * Matches `url` (a full request URL as Bun gives it, or only its path when the request had no Host) against the gateway's routes for `method`. Like Go,
 * the path is percent-decoded before routing, so `%2F` separates segments, and a malformed escape is a bad
 * request; the decoded path is then cleaned (`//`, `.`, `..`) with a 301 as Go's mux does, and a trailing
 * slash is redirected only where the route without it takes this method, as httprouter does.
 */
export function matchRoute(url: string, method: string, config: RouteConfig): Route {
  const start = url.indexOf('/', hostStart(url));
  const queryAt = url.indexOf('?', start);
  const rawPath = start < 0 ? '/' : url.slice(start, queryAt < 0 ? undefined : queryAt);
  const path = percentDecode(rawPath);
  if (path === undefined) return { kind: 'bad-request' };
  const cleaned = cleanPath(path);
  if (cleaned !== path) {
    const query = queryAt < 0 ? '' : url.slice(queryAt);
    return { kind: 'redirect', location: escapePath(cleaned) + query, always301: true };
  }
  const { prefix } = config;
  if (prefix !== '') {
    if (path === prefix && method === 'GET') return { kind: 'redirect', location: prefix + '/', always301: false };
    if (!path.startsWith(prefix + '/')) return { kind: 'not-found' };
  }
  const rest = path.slice(prefix.length);
  const fixed = fixedRoute(rest, config);
  if (fixed !== undefined) return fixed;
  // Go's API router redirects `/api/v1` to `/api/v1/` whatever the method.
  if (rest === API_ROOT) return { kind: 'redirect', location: prefix + API, always301: true };
  // Every path under /api/v1/ answers the CORS preflight, so OPTIONS is never redirected there.
  if (rest.endsWith('/') && !(method === 'OPTIONS' && rest.startsWith(API))) {
    const bare = fixedRoute(rest.slice(0, -1), config);
    if (bare !== undefined && ALLOWED[bare.kind]!.includes(method)) {
      return { kind: 'redirect', location: escapePath(prefix + rest.slice(0, -1)), always301: false };
    }
  }
  if (rest.startsWith(STATIC)) return { kind: 'static', path: rest.slice(STATIC.length) };
  // httprouter's quirk: an empty job after `job/` is a trailing-slash redirect (for the push methods) to a
  // path that then 404s.
  if (rest.startsWith(API)) return { kind: 'api-other' };
  if (rest === JOB && ALLOWED.grouping!.includes(method)) return { kind: 'redirect', location: prefix + JOB.slice(0, -1), always301: false };
  for (const [head, jobIsBase64] of [[JOB, false], [JOB_BASE64, true]] as const) {
    if (!rest.startsWith(head)) continue;
    const slash = rest.indexOf('/', head.length);
    const job = rest.slice(head.length, slash < 0 ? undefined : slash);
    if (job === '') return { kind: 'not-found' };
    return { kind: 'grouping', grouping: { job, jobIsBase64, labelPath: slash < 0 ? '' : rest.slice(slash) } };
  }
  return { kind: 'not-found' };
}

/** Go's mux cleaning: path.Clean (no `//`, `.` or `..` segments), keeping a trailing slash. */
function cleanPath(path: string): string {
  if (!path.includes('//') && !path.includes('/.')) return path;
  const out: string[] = [];
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  let cleaned = '/' + out.join('/');
  const last = segments[segments.length - 1];
  if ((last === '' || last === '.' || last === '..') && cleaned !== '/') cleaned += '/';
  return cleaned;
}

// Go's URL path escaping for a redirect target: bytes outside the unreserved and sub-delimiter sets as %XX.
function escapePath(path: string): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    out += PATH_SAFE.test(path[i]!) && c < 0x80 ? path[i] : '%' + c.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

function fixedRoute(path: string, config: RouteConfig): Route | undefined {
  if (path === config.telemetryPath) return { kind: 'scrape' };
  if (path === '/-/healthy') return { kind: 'healthy' };
  if (path === '/-/ready') return { kind: 'ready' };
  if (path === '/-/quit') return { kind: 'quit' };
  if (path === '/' || path === '/status') return { kind: 'ui-page' };
  if (path === '/ui/group') return { kind: 'ui-group' };
  if (path === '/ui/match') return { kind: 'ui-match' };
  if (path === '/api/v1/status') return { kind: 'api-status' };
  if (path === '/api/v1/metrics') return { kind: 'api-metrics' };
  if (path === '/api/v1/admin/wipe' && config.adminApi) return { kind: 'wipe' };
  if (path === '/api/v1/admin/groups' && config.adminApi) return { kind: 'admin-groups' };
  return undefined;
}

/** Decodes %XX escapes into one char per byte; `+` stays `+`. Undefined for a malformed escape. */
function percentDecode(path: string): string | undefined {
  if (!path.includes('%')) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}
