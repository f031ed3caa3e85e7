// The connections to Redis (ioredis): how they reconnect, how long a command may take, and running the scripts by their SHA.
import Redis, { Command } from 'ioredis';
import type { RedisConfig } from '../flags.ts';
import type { LuaScript } from './redis-scripts.ts';

/** The Redis keys of one set of replicas: every name starts with `--storage.redis.prefix`. */
export interface RedisKeys {
  readonly version: string;
  readonly groups: string;
  /** The change stream: each change's version and record. */
  readonly changes: string;
  /** Each change's version alone, under the same stream id: what the tail waits on (see Mirror.tail). */
  readonly notices: string;
  /** Per state key (store/state-keys.ts), the version of the last change that wrote it: what COMMIT checks. */
  readonly stateVersions: string;
}

export function redisKeysOf(prefix: string): RedisKeys {
  return { version: `${prefix}version`, groups: `${prefix}groups`, changes: `${prefix}changes`, notices: `${prefix}notices`, stateVersions: `${prefix}state-versions` };
}

/** Longest wait between reconnect attempts; the first comes after 50 ms, each next one twice as late. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * A connection to `config.url` (ioredis reads user, password, database and `rediss://` TLS from it). A
 * command waits at most `commandTimeoutMs`, and none is queued while the connection is down: it fails at
 * once, so a write gets its 503 at once too. The connection comes back by itself, with backoff. `onError`
 * is told every connection error (ioredis would otherwise print them).
 */
export function connectRedis(config: RedisConfig, commandTimeoutMs: number, onError: (error: Error) => void): Redis {
  const client = new Redis(config.url, {
    commandTimeout: commandTimeoutMs,
    connectTimeout: config.timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** (attempt - 1), MAX_RECONNECT_DELAY_MS),
  });
  client.on('error', onError);
  return client;
}

/** Runs `script` by its SHA, sending its source only when Redis does not have it yet (after a restart). Replies keep their bytes. */
export async function runScript(client: Redis, script: LuaScript, keys: RedisKeys, args: readonly (string | Uint8Array)[]): Promise<unknown> {
  const keyArgs = [keys.version, keys.groups, keys.changes, keys.notices, keys.stateVersions];
  try {
    return await untraced(client, 'EVALSHA', [script.sha, keyArgs.length, ...keyArgs, ...args]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return untraced(client, 'EVAL', [script.source, keyArgs.length, ...keyArgs, ...args]);
  }
}

/**
 * `client.callBuffer(name, ...args)` without ioredis's tracing hook. ioredis 6.1 traces a command unless
 * its diagnostics channel says it has no subscribers, and Bun's TracingChannel does not say (its
 * `hasSubscribers` is undefined): so for every EVALSHA it turned each argument, each change's record
 * included, into a string that nobody reads, ~4% of a replica's CPU under push load (bench/README.md).
 */
function untraced(client: Redis, name: string, args: readonly (string | number | Uint8Array)[]): Promise<unknown> {
  const command = new Command(name, args as (string | number | Buffer)[], { replyEncoding: null });
  command.isTraced = true;
  client.sendCommand(command);
  return command.promise;
}

/** Thrown by `within` when the deadline passes first. */
export class DeadlineError extends Error {}

/** `promise`, or a DeadlineError once `deadline` (performance.now() time) has passed; the promise itself runs on. */
export function within<T>(promise: Promise<T>, deadline: number): Promise<T> {
  const left = deadline - performance.now();
  if (left <= 0) return Promise.reject(new DeadlineError('timed out'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer from Redis within ${Math.round(left)}ms`)), left);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
