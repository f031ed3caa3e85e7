// matchRoute: request URL → endpoint, after percent-decoding, path cleaning, trailing-slash rules and the route prefix (SPEC §2.1, §2.6).
import { describe, expect, test } from 'bun:test';
import { matchRoute, type Route, type RouteConfig } from '../../src/http/routes.ts';

const DEFAULT: RouteConfig = { prefix: '', telemetryPath: '/metrics', adminApi: false };
const PREFIXED: RouteConfig = { prefix: '/pg', telemetryPath: '/metrics', adminApi: false };
const MOVED_SCRAPE: RouteConfig = { prefix: '', telemetryPath: '/m2', adminApi: false };
const ADMIN: RouteConfig = { prefix: '/pg', telemetryPath: '/metrics', adminApi: true };

const BASE = 'http://127.0.0.1:9091';

const grouping = (job: string, labelPath = '', jobIsBase64 = false): Route => ({ kind: 'grouping', grouping: { job, jobIsBase64, labelPath } });
/** A 301 whatever the method (path cleaning). */
const cleaned = (location: string): Route => ({ kind: 'redirect', location, always301: true });
/** A trailing-slash redirect: 301 for GET, 307 otherwise (the server picks). */
const slash = (location: string): Route => ({ kind: 'redirect', location, always301: false });
const NOT_FOUND: Route = { kind: 'not-found' };
const BAD_REQUEST: Route = { kind: 'bad-request' };
const SCRAPE: Route = { kind: 'scrape' };

// [why the case exists, path and query as sent, route]
type Case = [string, string, Route];

const FIXED: Case[] = [
  ['the scrape path', '/metrics', SCRAPE],
  ['§2.1: the query string is ignored, even a malformed escape in it', '/metrics?x=%zz&y', SCRAPE],
  ['health', '/-/healthy', { kind: 'healthy' }],
  ['readiness', '/-/ready', { kind: 'ready' }],
  ['quit', '/-/quit', { kind: 'quit' }],
  ['§2.1: GET /metrics/ redirects to /metrics', '/metrics/', slash('/metrics')],
  ['a trailing slash after a health path redirects', '/-/healthy/', slash('/-/healthy')],
  ['an unknown path', '/nothing', NOT_FOUND],
  ['§7.5: the web UI at the root', '/', { kind: 'ui-page' }],
  ['§7.5: ... and at /status, the same page', '/status', { kind: 'ui-page' }],
  ['a trailing slash after /status redirects', '/status/', slash('/status')],
  ['the page asks for an opened group\'s body', '/ui/group', { kind: 'ui-group' }],
  ['... and for the filter\'s matches', '/ui/match', { kind: 'ui-match' }],
  ['§7.5: the UI\'s files under /static/', '/static/pushgateway.js', { kind: 'static', path: 'pushgateway.js' }],
  ['a path outside the UI\'s three', '/ui', NOT_FOUND],
  ['paths are case-sensitive', '/Metrics', NOT_FOUND],
  // §10: Go serves pprof and expvar unauthenticated; ours has no debug or profiling endpoint at all.
  ['no profiling endpoint (Go: pprof)', '/debug/pprof/', NOT_FOUND],
  ['... nor a profile under it', '/debug/pprof/heap', NOT_FOUND],
  ['no expvar endpoint', '/debug/vars', NOT_FOUND],
];

const PUSH_PATHS: Case[] = [
  ['a job alone', '/metrics/job/j1', grouping('j1')],
  ['§2.3: a trailing slash is handed over as the label path', '/metrics/job/j1/', grouping('j1', '/')],
  ['labels after the job, leading slash included', '/metrics/job/j1/a/1/b/2', grouping('j1', '/a/1/b/2')],
  ['an odd label path is the grouping parser’s to refuse', '/metrics/job/j1/a', grouping('j1', '/a')],
  ['a base64 job', '/metrics/job@base64/dGVzdA==', grouping('dGVzdA==', '', true)],
  ['a base64 job with labels', '/metrics/job@base64/dGVzdA/a/1', grouping('dGVzdA', '/a/1', true)],
  ['§2.1: GET /metrics/job/ is no route (the redirect is only for the push methods, below)', '/metrics/job/', NOT_FOUND],
  ['... and /metrics/job is no route', '/metrics/job', NOT_FOUND],
  ['§2.1: an empty base64 job is no route', '/metrics/job@base64/', NOT_FOUND],
  ['a longer word than job is no route', '/metrics/jobs/x', NOT_FOUND],
  ['the push paths do not follow a moved scrape path', '/m2/job/x', NOT_FOUND],
  ['a query after a label path is dropped', '/metrics/job/j1/a/1?b=2', grouping('j1', '/a/1')],
];

const PERCENT: Case[] = [
  ['§2.2: %20 is a space', '/metrics/job/x/l/a%20b', grouping('x', '/l/a b')],
  ['§2.2: + stays +, %2B becomes +', '/metrics/job/x+y/l/a+b%2Bc%20d', grouping('x+y', '/l/a+b+c d')],
  ['§2.7: %2F splits a label name', '/metrics/job/x/l%2Fb/v', grouping('x', '/l/b/v')],
  ['%2F splits the job from its labels', '/metrics/job/a%2Fb', grouping('a', '/b')],
  ['lower-case hex splits too', '/metrics/job/a%2fb%2fc', grouping('a', '/b/c')],
  ['a route may be spelt with escapes', '/metrics%2Fjob%2Fj', grouping('j')],
  ['escaped letters in a fixed path', '/%6Detrics', SCRAPE],
  ['§2.2: %CE%A0 becomes two latin1 chars, one per byte', '/metrics/job/%CE%A0', grouping('\xce\xa0')],
  ['§2.2: %00 is accepted', '/metrics/job/x/l/%00', grouping('x', '/l/\u0000')],
  ['%0A reaches the base64 decoder (it skips it)', '/metrics/job/x/l@base64/YW%0AJj', grouping('x', '/l@base64/YW\nJj')],
  ['decoding happens once: %252F is a literal %2F', '/metrics/job/a%252Fb', grouping('a%2Fb')],
  ['§2.1: a malformed escape is a bad request', '/metrics/job/x/l/%zz', BAD_REQUEST],
  ['one hex digit at the end', '/metrics/job/x/l/%2', BAD_REQUEST],
  ['a lone % at the end', '/metrics/job/x/%', BAD_REQUEST],
  ['a non-hex second digit', '/metrics/job/x/l/%2g', BAD_REQUEST],
  ['a malformed escape in a path that is no route', '/nothing/%zz', BAD_REQUEST],
];

const CLEANING: Case[] = [
  ['§2.1: // is cleaned with a 301', '/metrics/job//j1', cleaned('/metrics/job/j1')],
  ['runs of slashes collapse, the query is kept', '/metrics///job//j1?x=1', cleaned('/metrics/job/j1?x=1')],
  ['a leading //', '//metrics', cleaned('/metrics')],
];

// Go cleans the *decoded* path (observed on 1.5.1 with curl --path-as-is): escaped slashes and dots
// are cleaned like literal ones, and the Location is the cleaned decoded path.
const DECODED_CLEANING: Case[] = [
  ['an escaped // redirects to the cleaned path', '/metrics/job/a%2F%2Fb', cleaned('/metrics/job/a/b')],
  ['an escaped /./ redirects to the cleaned path', '/metrics/job/a%2F.%2Fb', cleaned('/metrics/job/a/b')],
  ['an escaped /../ redirects to the cleaned path', '/metrics/job/a%2F..%2Fb', cleaned('/metrics/job/b')],
  ['a trailing escaped // keeps one trailing slash', '/metrics/job/a/b%2F%2F', cleaned('/metrics/job/a/b/')],
];

const PREFIX: Case[] = [
  ['§2.1: the bare prefix redirects to prefix/', '/pg', slash('/pg/')],
  ['the scrape under the prefix', '/pg/metrics', SCRAPE],
  ['pushes move under the prefix', '/pg/metrics/job/a/b/c', grouping('a', '/b/c')],
  ['the unprefixed scrape is gone', '/metrics', NOT_FOUND],
  ['the unprefixed push is gone', '/metrics/job/a', NOT_FOUND],
  ['a longer first segment is not the prefix', '/pgx/metrics', NOT_FOUND],
  ['trailing-slash redirects keep the prefix', '/pg/metrics/', slash('/pg/metrics')],
  ['GET /metrics/job/ under the prefix is no route either', '/pg/metrics/job/', NOT_FOUND],
  ['cleaning happens before the prefix is looked at', '/pg//metrics', cleaned('/pg/metrics')],
  ['the prefix may be spelt with escapes', '/p%67/metrics', SCRAPE],
  ['§2.6: prefix/ is the web UI', '/pg/', { kind: 'ui-page' }],
  ['the UI\'s files move under the prefix', '/pg/static/pushgateway.css', { kind: 'static', path: 'pushgateway.css' }],
  ['the unprefixed UI is gone', '/status', NOT_FOUND],
];

const API_OTHER: Route = { kind: 'api-other' };

const API: Case[] = [
  ['§7.1: the status endpoint', '/api/v1/status', { kind: 'api-status' }],
  ['§7.2: the metrics endpoint', '/api/v1/metrics', { kind: 'api-metrics' }],
  ['§7.4: no wipe without --web.enable-admin-api: only the preflight answers there', '/api/v1/admin/wipe', API_OTHER],
  ['#14: no bulk delete without --web.enable-admin-api either', '/api/v1/admin/groups', API_OTHER],
  ['§7.1: any other path under /api/v1/ takes the preflight', '/api/v1/nothing/here', API_OTHER],
  ['... /api/v1/ itself too', '/api/v1/', API_OTHER],
  ['Go redirects /api/v1 to /api/v1/ (301 for every method)', '/api/v1', cleaned('/api/v1/')],
  // Go redirects to /metrics and /status here (its API router loses the /api/v1 prefix); ours keeps it.
  ['a trailing slash redirects to the endpoint', '/api/v1/metrics/', slash('/api/v1/metrics')],
  ['/api alone is no route', '/api', NOT_FOUND],
];

const ADMIN_API: Case[] = [
  ['§7.4: the wipe with --web.enable-admin-api, under the prefix like every route', '/pg/api/v1/admin/wipe', { kind: 'wipe' }],
  ['#14: the bulk delete with --web.enable-admin-api', '/pg/api/v1/admin/groups', { kind: 'admin-groups' }],
  ['the API moves under the prefix', '/pg/api/v1/status', { kind: 'api-status' }],
  ['the unprefixed API is gone', '/api/v1/status', NOT_FOUND],
  ['the redirect of /api/v1 keeps the prefix', '/pg/api/v1', cleaned('/pg/api/v1/')],
];

const MOVED: Case[] = [
  ['the scrape follows --web.telemetry-path', '/m2', SCRAPE],
  ['the default scrape path is gone', '/metrics', NOT_FOUND],
  ['pushes stay at /metrics/job', '/metrics/job/x', grouping('x')],
  ['a trailing slash redirects to the moved path', '/m2/', slash('/m2')],
];

describe('matchRoute', () => {
  // httprouter redirects a trailing slash only where the path without it takes the request's method.
  test.each<[string, string, string, Route]>([
    ['§2.1: PUT /metrics/job/ is a trailing-slash redirect to a path that is no route', 'PUT', '/metrics/job/', slash('/metrics/job')],
    ['DELETE /metrics/job/ likewise', 'DELETE', '/metrics/job/', slash('/metrics/job')],
    ['PUT /metrics/ is no route: /metrics takes only GET', 'PUT', '/metrics/', NOT_FOUND],
    ['DELETE /-/quit/ is no route: /-/quit takes PUT and POST', 'DELETE', '/-/quit/', NOT_FOUND],
    ['POST /-/quit/ redirects', 'POST', '/-/quit/', slash('/-/quit')],
    ['§7.1: OPTIONS under /api/v1/ is the preflight, never a redirect', 'OPTIONS', '/api/v1/status/', API_OTHER],
    ['PUT /api/v1/metrics/ is no endpoint, only a preflight path', 'PUT', '/api/v1/metrics/', API_OTHER],
  ])('method-dependent redirects: %s', (_why, method, path, route) => {
    expect(matchRoute(BASE + path, method, DEFAULT)).toEqual(route);
  });

  test.each<[string, string, string, Route]>([
    ['PUT of the wipe with a trailing slash redirects (307)', 'PUT', '/pg/api/v1/admin/wipe/', slash('/pg/api/v1/admin/wipe')],
  ])('method-dependent redirects with the admin API: %s', (_why, method, path, route) => {
    expect(matchRoute(BASE + path, method, ADMIN)).toEqual(route);
  });

  // [title, case list, route configuration]: each case is a GET.
  const lists: [string, Case[], RouteConfig][] = [
    ['fixed paths', FIXED, DEFAULT],
    ['push paths', PUSH_PATHS, DEFAULT],
    ['percent-decoding', PERCENT, DEFAULT],
    ['path cleaning', CLEANING, DEFAULT],
    ['path cleaning after decoding', DECODED_CLEANING, DEFAULT],
    ['route prefix /pg', PREFIX, PREFIXED],
    ['moved telemetry path /m2', MOVED, MOVED_SCRAPE],
    ['JSON API', API, DEFAULT],
    ['JSON API with --web.enable-admin-api under /pg', ADMIN_API, ADMIN],
  ];
  for (const [title, cases, config] of lists) {
    test.each(cases)(`${title}: %s`, (_why, path, route) => {
      expect(matchRoute(BASE + path, 'GET', config)).toEqual(route);
    });
  }

  test('reads the path of any host and port', () => {
    expect(matchRoute('http://[::1]:8080/metrics/job/x', 'GET', DEFAULT)).toEqual(grouping('x'));
    expect(matchRoute('https://gw.example/metrics', 'GET', DEFAULT)).toEqual(SCRAPE);
  });

  // Bun gives only the path when a request has no Host header (HTTP/1.0 clients, raw probes).
  test('reads a URL that is only a path', () => {
    expect(matchRoute('/metrics', 'GET', DEFAULT)).toEqual(SCRAPE);
    expect(matchRoute('/-/healthy', 'GET', DEFAULT)).toEqual({ kind: 'healthy' });
    expect(matchRoute('/metrics/job/x?y=1', 'PUT', DEFAULT)).toEqual(grouping('x'));
    expect(matchRoute('/zz/-/healthy', 'GET', DEFAULT)).toEqual(NOT_FOUND);
    expect(matchRoute('/x/metrics/job/wrong', 'PUT', DEFAULT)).toEqual(NOT_FOUND);
  });

  // A client follows a redirect; one that points back at itself loops until the client gives up.
  test.each([
    '/metrics/',
    '/-/healthy/',
    '/metrics/job//j1',
    '/metrics///job//j1?x=1',
    '//metrics',
    '/metrics/job/a%2F%2Fb',
    '/metrics/job/a/b%2F%2F',
  ])('the redirect for %s leads somewhere else', (path) => {
    const first = matchRoute(BASE + path, 'GET', DEFAULT);
    expect(first.kind).toBe('redirect');
    if (first.kind !== 'redirect') return;
    expect(matchRoute(BASE + first.location, 'GET', DEFAULT)).not.toEqual(first);
  });
});
