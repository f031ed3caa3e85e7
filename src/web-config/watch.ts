// Keeps the web config current: re-reads the file when it changes, checked once a second off the request path.
import { statSync } from 'node:fs';
import type { Logger } from '../log.ts';
import { type WebConfig, readWebConfig } from './web-config.ts';

/** The web config in force, following the file. */
export interface WatchedWebConfig {
  /** The config read at start: its TLS and rate limit are the ones in force. */
  readonly initial: WebConfig;
  /**
   * The config read last; undefined while the file on disk cannot be read or is invalid, when every request
   * gets 500 as in Go (fail closed: a broken edit must not open the gateway).
   */
  current(): WebConfig | undefined;
}

/**
 * Watches `initial.file`. Go re-reads the file for every request and every TLS handshake; we compare its
 * modification time, size and inode once per `everyMs` instead, so a request never waits for the disk, and
 * re-read it when they change. Users and headers take effect at once. TLS (its section and the certificate
 * files) and rate_limit apply at start only — Bun.serve cannot swap a listener's certificate — so a change
 * to them is logged as needing a restart.
 */
export function watchWebConfig(initial: WebConfig, log: Logger, everyMs: number): WatchedWebConfig {
  let current: WebConfig | undefined = initial;
  let stamp = stampOf(initial.file);
  let tlsStamp = (initial.tls?.files ?? []).map(stampOf).join();
  const check = () => {
    const tlsNow = (initial.tls?.files ?? []).map(stampOf).join();
    if (tlsNow !== tlsStamp) {
      tlsStamp = tlsNow;
      log.warn('a TLS certificate or key file changed; the gateway uses the ones it read at start until it is restarted', { file: initial.file });
    }
    const now = stampOf(initial.file);
    if (now === stamp) return;
    stamp = now;
    try {
      current = readWebConfig(initial.file);
    } catch (error) {
      current = undefined;
      log.error('unable to read the web config; answering 500 until it is fixed', { err: (error as Error).message });
      return;
    }
    if (current.startOnly !== initial.startOnly) {
      log.warn('tls_server_config or rate_limit changed in the web config; they apply at start only: restart to apply them', { file: initial.file });
    }
    log.info('web config re-read', { file: initial.file, users: current.users.size });
  };
  // For the life of the process; unref'd, so the checks never keep it alive on shutdown.
  setInterval(check, everyMs).unref();
  return { initial, current: () => current };
}

/** What tells a changed file: modification time, size and inode (an editor or `mv` replaces the inode). */
function stampOf(path: string): string {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.mtimeNs}:${s.size}:${s.ino}`;
  } catch (error) {
    return `missing: ${(error as Error).message}`;
  }
}
