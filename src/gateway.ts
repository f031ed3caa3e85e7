// The gateway: read flags, restore persisted groups, start the listeners, persist and stop cleanly on SIGTERM. The only file that wires rooms; main.ts starts it.
import { readFlagsOrExit } from './flags.ts';
import { redactedUrl } from './flag-values.ts';
import { logExpiries } from './http/expiry-log.ts';
import { startGzipWarmer } from './http/gzip-warmer.ts';
import { OWN_TYPES, SelfMetrics } from './http/self-metrics.ts';
import { ListenError } from './http/listen-address.ts';
import { routePrefixOf, startServers } from './http/server.ts';
import { createLogger } from './log.ts';
import { loadPersisted } from './persist/load.ts';
import { Persistence } from './persist/persistence.ts';
import { startExpiry } from './store/expiry-timer.ts';
import { localWriter } from './http/local-writer.ts';
import type { Replica } from './replica/replica.ts';
import { Store } from './store/store.ts';
import { missingLocalAssets } from './ui/assets.ts';
import { buildInfo } from './version.ts';
import { type Scopes, readScopes } from './web-config/scopes.ts';
import { watchWebConfig } from './web-config/watch.ts';
import { readWebConfig, WebConfigError } from './web-config/web-config.ts';

const config = readFlagsOrExit(process.argv.slice(2));
const log = createLogger({ level: config.logLevel, format: config.logFormat });
const startedAtMs = Date.now();
// Go's first lines, same messages and keys, so a log search for the running version finds ours too.
const build = buildInfo();
log.info('starting pushgateway', { version: `(version=${build.version}, branch=${build.branch}, revision=${build.revision})` });
log.info('build context', { build_context: `(bun=${Bun.version}, platform=${process.platform}/${process.arch})` });
log.debug('external URL', { url: config.externalUrl });
log.debug('path prefix used externally', { path: routePrefixOf({ ...config, routePrefix: '' }) });
log.debug('path prefix for internal routing', { path: routePrefixOf(config) });

/** How often the web config file is checked for changes (Go re-reads it for every request). */
const WEB_CONFIG_CHECK_MS = 1000;
// Read before anything starts: a web config we cannot honour stops the gateway with the file and the reason
// (Go 1.5.1 logs the error and exits 0 without serving; SPEC D4).
let webConfig: ReturnType<typeof watchWebConfig> | undefined;
let scopes: Scopes | undefined;
if (config.webConfigFile !== '' || config.webScopesFile !== '') {
  try {
    if (config.webConfigFile !== '') webConfig = watchWebConfig(readWebConfig(config.webConfigFile), log, WEB_CONFIG_CHECK_MS);
    if (config.webScopesFile !== '') {
      // Scopes limit basic-auth users: without them the file could only be ignored, which we never do.
      if (!webConfig?.initial.users.size) throw new WebConfigError('--web.scopes-file needs basic_auth_users in --web.config.file');
      scopes = readScopes(config.webScopesFile, webConfig.initial.users);
    }
  } catch (error) {
    if (!(error instanceof WebConfigError)) throw error;
    log.error('cannot use the web config', { err: error.message });
    process.exit(1);
  }
}
// A local assets directory without this UI's files would serve a page without style or script: say so now.
const missingAssets = config.localAssets === '' ? [] : missingLocalAssets(config.localAssets);
if (missingAssets.length > 0) {
  log.error('cannot use --web.local-assets: the directory lacks files of this gateway\'s web UI', { dir: config.localAssets, missing: missingAssets.join(',') });
  process.exit(1);
}
const store = new Store({ checkConsistency: !config.disableConsistencyCheck, ownTypes: OWN_TYPES, quotas: config.quotas, utf8Names: config.utf8Names, expiry: config.expiry });
/** A journal generation past this size is folded into a snapshot, so replay at start stays short. */
const JOURNAL_FOLD_BYTES = 64 * 1024 * 1024;

/** How long the store must stay unchanged before the gzip scrape's cache is brought up to date. */
const GZIP_WARM_INTERVAL_MS = 1000;
// Listening before the restore, so a restored store is compressed ahead of the first scrape too.
startGzipWarmer(store, GZIP_WARM_INTERVAL_MS, (error) => log.error('warming the gzip scrape failed', { err: String(error) }));

// Restored before the port opens, as Go does (SPEC §8): the first scrape already shows what was persisted.
let persistence: Persistence | undefined;
if (config.persistenceFile !== '') {
  const file = config.persistenceFile;
  const loaded = await loadPersisted(file, log);
  store.restore(loaded.groups);
  persistence = new Persistence(
    { file, intervalMs: config.persistenceIntervalMs, journal: config.persistenceJournal, foldBytes: JOURNAL_FOLD_BYTES, log, startedAtMs },
    loaded,
  );
  persistence.attach(store, loaded.needsSnapshot);
}
// After the restore, before the port opens: groups whose deadline passed while the gateway was down go
// now, logged and journalled as every expiry is.
logExpiries(store, log, persistence);
// A replica (--storage.redis.url, which the flags allow only without --persistence.file) loads its state
// from Redis before the port opens, as a gateway restores its file, and writes through Redis. Loaded only
// then: the Redis client adds ~50 ms to every start-up of a gateway that does not use it.
const replica: Replica | undefined =
  config.redis.url === '' ? undefined : await (await import('./replica/replica.ts')).startReplica(store, config.redis, log);
const writer = replica?.writer ?? localWriter(store, persistence);
const stopExpiry = startExpiry(store, writer);
const metrics = new SelfMetrics(persistence, store, replica?.status);

/** How long in-flight requests get to finish on shutdown before their connections are closed. */
const SHUTDOWN_GRACE_MS = 3000;

let listeners: Awaited<ReturnType<typeof startServers>> | undefined;
let stopping: Promise<void> | undefined;
/**
 * Stops once, however often it is asked (SIGTERM twice, /-/quit and a signal): in-flight requests, then the last
 * snapshot. Logged with Go's lines: why it stops (a signal at info, /-/quit at warn, as Go), then the listeners'
 * end.
 */
function shutdown(reason: NodeJS.Signals | '/-/quit'): Promise<void> {
  stopping ??= (async () => {
    if (reason === '/-/quit') log.warn('received termination request via web service, exiting gracefully...', { reason });
    else log.info('received SIGINT/SIGTERM; exiting gracefully...', { reason });
    await listeners?.stop(SHUTDOWN_GRACE_MS);
    log.info('HTTP server stopped');
    // Nothing expires after the last snapshot.
    stopExpiry();
    replica?.stop();
    // Go writes the file once more even when nothing changed, and exits 0 even if that write fails.
    await persistence?.close();
    process.exit(0);
  })();
  return stopping;
}

try {
  listeners = await startServers({ config, store, writer, notReady: replica && (() => replica.health.notReady()), metrics, log, webConfig, scopes, quit: () => void shutdown('/-/quit') });
} catch (error) {
  if (!(error instanceof ListenError)) throw error;
  // Go logs the same and exits 0 without serving; a supervisor must see the failure (README's deviations).
  log.error('HTTP server stopped', { err: error.message });
  await persistence?.close();
  process.exit(1);
}
// Go's exporter-toolkit lines: where it listens, then whether with TLS. Bun.serve speaks HTTP/1.1 only, also
// over TLS; the web config's http2 cannot change that.
const tlsConfig = webConfig?.initial.tls;
const logTls = (where: { address?: string }) =>
  tlsConfig === undefined
    ? log.info('TLS is disabled.', { http2: false, ...where })
    : log.info('TLS is enabled.', { http2: false, ...where, client_auth: tlsConfig.clientAuthType });
if (config.systemdSocket) {
  // The passed sockets' own addresses are systemd's to know.
  log.info('Listening on systemd activated listeners instead of port listeners.');
  logTls({});
} else {
  for (const address of config.listenAddresses) {
    log.info('Listening on', { address });
    logTls({ address });
  }
}
// Ours beyond Go's lines: what a reader of the log needs to know about this gateway's state.
log.info('serving', {
  consistency_check: !config.disableConsistencyCheck,
  persistence_file: config.persistenceFile,
  journal: config.persistenceFile !== '' && config.persistenceJournal,
  redis: config.redis.url === '' ? '' : redactedUrl(config.redis.url),
  basic_auth_users: webConfig?.initial.users.size ?? 0,
});
// A request whose client vanished mid-body can leave a rejected promise nobody awaits; it must not end the
// gateway for everyone else.
process.on('unhandledRejection', (reason) => log.warn('unhandled rejection', { err: String(reason) }));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
