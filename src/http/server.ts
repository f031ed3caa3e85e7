// Bun.serve: one listener per --web.listen-address, the route table, and the last-resort error hook.
import type { Server, SocketListener } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../flags.ts';
import { pushBurstOf } from '../model/quotas.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { Writer } from '../store/writer.ts';
import type { Scopes } from '../web-config/scopes.ts';
import type { WatchedWebConfig } from '../web-config/watch.ts';
import { createApi } from './api.ts';
import { LargeBodyGate } from './body-bounds.ts';
import { handleBulkDelete } from './bulk-delete.ts';
import { handleDelete } from './delete.ts';
import { methodNotAllowed, notFound, options, redirect } from './errors.ts';
import { handleHealth, handleQuit, handleReady, quitWrongMethod } from './lifecycle.ts';
import { bindOrExplain, ListenError, listenTargetOf } from './listen-address.ts';
import { JobRateLimit } from './job-rate-limit.ts';
import { handlePush } from './push.ts';
import { ALLOWED, type ApiRouteKind, matchRoute, type RouteConfig } from './routes.ts';
import { scopeRefusal } from './scope-check.ts';
import { handleScrape } from './scrape.ts';
import type { SelfMetrics } from './self-metrics.ts';
import { relayInheritedSocket, systemdListenFds } from './systemd-socket.ts';
import { tlsOptionsOf } from './tls-options.ts';
import { createUi } from './ui.ts';
import { guardWithWebConfig } from './web-guard.ts';
import { youngCollector } from './young-gc.ts';

// Measured: every 1, 2 and 4 MiB of bodies did about as well at 10 000 groups. A store of 1 000 pgbench groups
// (~180 MiB of RSS) gains too (2.8 → 1.0 page faults per push); below ~100 MiB (an empty store, ~90 MiB)
// collecting this often costs more than JSC's own schedule.
const YOUNG_GC_EVERY_BYTES = 2 * 2 ** 20;
const YOUNG_GC_MIN_RESIDENT_BYTES = 128 * 2 ** 20;

export interface ServerDeps {
  readonly config: Config;
  readonly store: Store;
  readonly metrics: SelfMetrics;
  readonly log: Logger;
  /** Called by /-/quit (when enabled): shut down as on SIGTERM. */
  readonly quit: () => void;
  /**
   * Where every change is made: the store itself (with the journal's durability under `--persistence.file`,
   * http/local-writer.ts), or Redis for replicas (`--storage.redis.url`). Reads come from `store`.
   */
  readonly writer: Writer;
  /** Why the gateway is not ready (`/-/ready` answers 503 with it); undefined = ready. Absent: always ready. */
  readonly notReady?: () => string | undefined;
  /** With `--web.config.file`: TLS for every listener, and the guard in front of every endpoint. */
  readonly webConfig?: WatchedWebConfig;
  /** With `--web.scopes-file`: what each authenticated user may do. */
  readonly scopes?: Scopes;
}

/** The request handler for every listener: routes, dispatches, counts (SPEC §2.1, §6.5). */
export function createHandler(deps: ServerDeps): (req: Request, user?: string) => Promise<Response> {
  const { config, store, metrics } = deps;
  const routeConfig: RouteConfig = { prefix: routePrefixOf(config), telemetryPath: config.telemetryPath, adminApi: config.enableAdminApi };
  const api = createApi(config, routeConfig.prefix, store, deps.writer);
  const ui = createUi(config, routeConfig.prefix, store);
  const bulkDeleteDeps = { store, writer: deps.writer, log: deps.log };
  const pushDeps = {
    writer: deps.writer,
    metrics,
    checkConsistency: !config.disableConsistencyCheck,
    utf8Names: config.utf8Names,
    limits: config.pushLimits,
    maxTtlMs: config.expiry.maxTtlMs,
    jobRates: config.quotas.maxPushesPerSecondPerJob > 0 ? new JobRateLimit(config.quotas.maxPushesPerSecondPerJob, pushBurstOf(config.quotas)) : undefined,
    largeBodies: new LargeBodyGate(config.maxConcurrentLargeBodies),
    bodyTimeoutMs: config.pushBodyTimeoutMs,
    pushed: youngCollector(YOUNG_GC_EVERY_BYTES, YOUNG_GC_MIN_RESIDENT_BYTES),
    log: deps.log,
  };

  // Counts answers the way Go's instrumented handlers do: per handler, method and status code.
  const counted = async (handler: string, method: string, answer: Promise<Response> | Response): Promise<Response> => {
    const response = await answer;
    metrics.countRequest(handler, method, response.status);
    return response;
  };

  return async (req, user) => {
    const method = req.method;
    const route = matchRoute(req.url, method, routeConfig);
    switch (route.kind) {
      case 'bad-request':
        return new Response('400 Bad Request', { status: 400, headers: { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' } });
      case 'not-found':
        return notFound();
      case 'redirect':
        return redirect(route.always301 || method === 'GET' ? 301 : 307, route.location, method);
    }
    const allow = ALLOWED[route.kind]!;
    // Every path under /api/v1/ answers the CORS preflight (Go counts it as the handler `api/v1/options`).
    if (method === 'OPTIONS') return route.kind in API_HANDLERS ? counted('api/v1/options', method, api.options()) : options(allow);
    const refused = deps.scopes === undefined || user === undefined ? undefined : scopeRefusal(route, method, user, deps.scopes, config.utf8Names);
    // Counted like the handler it stands for would be; scrapes and quit are not counted in Go either.
    if (refused !== undefined) return route.kind === 'grouping' ? counted(method === 'DELETE' ? 'delete' : 'push', method, refused) : refused;
    switch (route.kind) {
      case 'grouping':
        if (method === 'PUT' || method === 'POST') return counted('push', method, handlePush(req, route.grouping, pushDeps));
        if (method === 'DELETE') return counted('delete', method, handleDelete(req, route.grouping, deps.writer, deps.log, config.utf8Names));
        break;
      case 'scrape':
        if (method === 'GET') return handleScrape(req, store, metrics, deps.log, config.utf8Names);
        break;
      case 'healthy':
        if (method === 'GET') return counted(route.kind, method, handleHealth());
        break;
      case 'ready':
        if (method === 'GET') return counted(route.kind, method, handleReady(deps.notReady?.()));
        break;
      case 'quit':
        if (method === 'PUT' || method === 'POST') return handleQuit(config.enableLifecycle, deps.quit);
        if (method === 'GET') return quitWrongMethod();
        break;
      case 'api-status':
      case 'api-metrics':
        if (method === 'GET') return counted(API_HANDLERS[route.kind], method, route.kind === 'api-status' ? api.status() : api.metrics());
        break;
      case 'wipe':
        if (method === 'PUT') return counted(API_HANDLERS.wipe, method, api.wipe());
        break;
      case 'admin-groups':
        if (method === 'DELETE') return counted(API_HANDLERS[route.kind], method, handleBulkDelete(new URL(req.url, 'http://localhost'), bulkDeleteDeps, user));
        break;
      case 'api-other':
        return notFound();
      // Go counts its page as the handler `status` and its files as `static`; ours that the page asks count as the page.
      case 'ui-page':
        if (method === 'GET') return counted('status', method, ui.page());
        break;
      case 'ui-group':
      case 'ui-match':
        if (method === 'GET') {
          const url = new URL(req.url, 'http://localhost');
          return counted('status', method, route.kind === 'ui-group' ? ui.groupBody(url) : ui.matches(url));
        }
        break;
      case 'static':
        if (method === 'GET') return counted('static', method, ui.asset(route.path));
        break;
    }
    return methodNotAllowed(allow);
  };
}

/** Go's handler label of each API route, for pushgateway_http_requests_total. */
const API_HANDLERS: Readonly<Record<ApiRouteKind, string>> = {
  'api-status': 'api/v1/status',
  'api-metrics': 'api/v1/metrics',
  wipe: 'wipe',
  'admin-groups': 'api/v1/admin/groups',
  'api-other': 'api/v1/options',
};

/** The running listeners. */
export interface Listeners {
  readonly servers: readonly Server<undefined>[];
  /**
   * Stops accepting, waits (at most `graceMs`) for requests already being handled to get their answer,
   * then closes every connection. Go waits for in-flight requests the same way (SPEC §8).
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts one Bun server per listen address. Every address is resolved before any is bound; throws ListenError
 * (address and reason) if one cannot be resolved or bound, after stopping those already bound. With
 * `--web.systemd-socket` the listen addresses are left aside, as Go does: one server on a private unix socket
 * serves what is relayed from each socket systemd passed (see systemd-socket.ts).
 */
export async function startServers(deps: ServerDeps): Promise<Listeners> {
  // Without a web config the handler runs bare: a push pays nothing for the feature.
  const handle = deps.webConfig === undefined ? createHandler(deps) : guardWithWebConfig(createHandler(deps), deps.webConfig);
  const tls = deps.webConfig?.initial.tls;
  let inFlight = 0;
  const fetch = async (req: Request): Promise<Response> => {
    inFlight++;
    try {
      return await handle(req);
    } finally {
      inFlight--;
    }
  };
  const servers: Server<undefined>[] = [];
  const options = {
    fetch,
    ...(tls === undefined ? {} : { tls: tlsOptionsOf(tls) }),
    // Our own limit answers 413 with a message; Bun's would cut the connection first.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    error(error: Error) {
      deps.log.error('request failed', { err: String(error) });
      return new Response('internal server error\n', { status: 500 });
    },
  };
  // Closes a connection that goes silent mid-request or between keep-alive requests. Bun has no header
  // timeout to set (it closes unfinished headers after ~10 s by itself, measured 12 s), and a body
  // trickled a byte at a time never goes silent: --push.body-timeout catches that. Bun.serve takes no idle
  // timeout on a unix socket, so the systemd relay applies it to the client's side instead.
  const idleTimeoutSeconds = deps.config.idleTimeoutMs / 1000;
  const serve = (where: { readonly hostname: string; readonly port: number } | { readonly unix: string }) =>
    'unix' in where ? Bun.serve({ ...options, unix: where.unix }) : Bun.serve({ ...options, ...where, idleTimeout: idleTimeoutSeconds });
  const relays: SocketListener<unknown>[] = [];
  let relayDirectory: string | undefined;
  if (deps.config.systemdSocket) {
    const fds = systemdListenFds(process.env, process.pid);
    // mkdtemp makes the directory 0700: only this user can reach the unrelayed server.
    relayDirectory = mkdtempSync(join(tmpdir(), 'pushgateway-'));
    const unix = join(relayDirectory, 'http.sock');
    servers.push(serve({ unix }));
    for (const fd of fds) {
      try {
        relays.push(relayInheritedSocket(fd, unix, idleTimeoutSeconds));
      } catch (error) {
        for (const relay of relays) relay.stop(true);
        void servers[0]!.stop(true);
        rmSync(relayDirectory, { recursive: true, force: true });
        // Bun says only `Failed to listen at` (EINVAL) for a descriptor that is no listening socket.
        throw new ListenError(`cannot accept on systemd's descriptor ${fd}: ${(error as { code?: string }).code ?? (error as Error).message}`);
      }
    }
  } else {
    const targets = await Promise.all(deps.config.listenAddresses.map(listenTargetOf));
    try {
      for (const target of targets) servers.push(bindOrExplain(target, (hostname) => serve({ hostname, port: target.port })));
    } catch (error) {
      for (const server of servers) void server.stop(true);
      throw error;
    }
  }
  return {
    servers,
    async stop(graceMs) {
      for (const relay of relays) relay.stop();
      // Not awaited: idle keep-alive connections would hold it open until they time out.
      for (const server of servers) void server.stop();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await Bun.sleep(5);
      // A moment for the last answers' bytes to leave before their connections are closed.
      await Bun.sleep(20);
      for (const relay of relays) relay.stop(true);
      for (const server of servers) void server.stop(true);
      if (relayDirectory !== undefined) rmSync(relayDirectory, { recursive: true, force: true });
    },
  };
}

/** `--web.route-prefix`, else the path of `--web.external-url`; '' for none, never a trailing slash (SPEC §2.6). */
export function routePrefixOf(config: Config): string {
  let prefix = config.routePrefix;
  if (prefix === '' && config.externalUrl !== '') prefix = new URL(config.externalUrl).pathname;
  if (prefix === '' || prefix === '/') return '';
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}
