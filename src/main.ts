// Entry point: read flags, build the store, start the listeners, stop cleanly on SIGTERM. The only file that wires rooms.
import { readFlagsOrExit } from './flags.ts';
import { startGzipWarmer } from './http/gzip-warmer.ts';
import { OWN_TYPES, SelfMetrics } from './http/self-metrics.ts';
import { startServers } from './http/server.ts';
import { createLogger } from './log.ts';
import { encodeFamilyText } from './render/text.ts';
import { Store } from './store/store.ts';

const config = readFlagsOrExit(process.argv.slice(2));
const log = createLogger({ level: config.logLevel, format: config.logFormat });
const store = new Store({ encode: encodeFamilyText, checkConsistency: !config.disableConsistencyCheck, ownTypes: OWN_TYPES });
const metrics = new SelfMetrics();
/** How long the store must stay unchanged before the gzip scrape's cache is brought up to date. */
const GZIP_WARM_INTERVAL_MS = 1000;
startGzipWarmer(store, GZIP_WARM_INTERVAL_MS, (error) => log.error('warming the gzip scrape failed', { err: String(error) }));

/** How long in-flight requests get to finish on shutdown before their connections are closed. */
const SHUTDOWN_GRACE_MS = 3000;

let listeners: ReturnType<typeof startServers> | undefined;
async function shutdown(reason: string): Promise<void> {
  log.info('shutting down', { reason });
  await listeners?.stop(SHUTDOWN_GRACE_MS);
  process.exit(0);
}

try {
  listeners = startServers({ config, store, metrics, log, quit: () => void shutdown('/-/quit') });
} catch (error) {
  log.error('cannot listen', { address: config.listenAddresses.join(','), err: String(error) });
  process.exit(1);
}
log.info('listening', { address: config.listenAddresses.join(','), consistency_check: !config.disableConsistencyCheck });
// A request whose client vanished mid-body can leave a rejected promise nobody awaits; it must not end the
// gateway for everyone else.
process.on('unhandledRejection', (reason) => log.warn('unhandled rejection', { err: String(reason) }));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
