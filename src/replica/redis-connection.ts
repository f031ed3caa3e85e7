// The connections to Redis: ioredis for reads (replies keep their bytes), Bun's own client for the writes; how they reconnect, how long a command may take, and running the scripts by their SHA.
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
  /**
   * A sorted set: per state key (store/state-keys.ts), the version of the last change that wrote it as its
   * score, only for the last W versions (see COMMIT): what COMMIT checks. Not the former `state-versions`
   * hash, which grew with every key ever written: a new name, so ZADD never meets that hash.
   */
  readonly keyVersions: string;
}

export function redisKeysOf(prefix: string): RedisKeys {
  return { version: `${prefix}version`, groups: `${prefix}groups`, changes: `${prefix}changes`, notices: `${prefix}notices`, keyVersions: `${prefix}key-versions` };
}

/** Longest wait between reconnect attempts; the first comes after 50 ms, each next one twice as late. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * A connection to `config.url` (ioredis reads user, password, database and `rediss://` TLS from it), for
 * the reads that return records. A command waits at most `config.timeoutMs`, and none is queued while the
 * connection is down: it fails at once, so a write waiting on it gets its 503 at once too. The connection comes back by itself, with backoff. `onError`
 * is told every connection error (ioredis would otherwise print them).
 */
export function connectRedis(config: RedisConfig, onError: (error: Error) => void): Redis {
  const client = new Redis(config.url, {
    commandTimeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(50 * 2 ** (attempt - 1), MAX_RECONNECT_DELAY_MS),
  });
  client.on('error', onError);
  return client;
}

/** Sends one command and resolves with its reply: how the scripts below reach Redis, whichever client carries them. */
export type RedisCall = (name: string, args: readonly (string | Uint8Array)[]) => Promise<unknown>;

/** Commands on an ioredis connection, replies with their bytes (Buffers): for what reads records back. */
export function bufferCall(client: Redis): RedisCall {
  return (name, args) => untraced(client, name, args);
}

/**
 * A connection of Bun's own client, for the commands whose replies are text: the writer's (COMMIT, WAIT)
 * and the tail's (XREAD of the notices). Bun 1.4.5 turns bulk strings into strings, so it cannot read
 * records back, but it costs a fraction of ioredis's CPU per command (its socket writes are native, not
 * node:net streams): one EVALSHA of four 5.6 KB records ~30 µs against ~90–115 µs, a small XRANGE ~24 µs
 * against ~40–60 µs (bench/redis-clients.ts). Like connectRedis: no offline queue (a command
 * while it is down fails at once), reconnects by itself; `connected` settles once the first attempt did
 * (it never rejects). Should it give up, it is asked to connect again a second later, until `close`.
 */
export function connectNative(config: RedisConfig, onError: (error: Error) => void): { readonly call: RedisCall; readonly connected: Promise<void>; close(): void } {
  const client = new Bun.RedisClient(config.url, { autoReconnect: true, enableOfflineQueue: false, connectionTimeout: config.timeoutMs, maxRetries: 1000 });
  let closed = false;
  const reconnect = () => {
    if (!closed) client.connect().catch(onError);
  };
  client.onclose = (error) => {
    if (closed) return;
    onError(error ?? new Error('the connection to Redis closed'));
    setTimeout(reconnect, MAX_RECONNECT_DELAY_MS);
  };
  return {
    call: (name, args) => client.send(name, args as string[]),
    // Connected at once: with no offline queue, the first command would otherwise fail while it connects.
    connected: client.connect().catch((error: Error) => {
      onError(error);
      reconnect();
    }),
    close() {
      closed = true;
      client.close();
    },
  };
}

/** Runs `script` by its SHA, sending its source only when Redis does not have it yet (after a restart). */
export async function runScript(call: RedisCall, script: LuaScript, keys: RedisKeys, args: readonly (string | Uint8Array)[]): Promise<unknown> {
  const keyArgs = [keys.version, keys.groups, keys.changes, keys.notices, keys.keyVersions];
  try {
    return await call('EVALSHA', [script.sha, String(keyArgs.length), ...keyArgs, ...args]);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return call('EVAL', [script.source, String(keyArgs.length), ...keyArgs, ...args]);
  }
}

/**
 * `client.callBuffer(name, ...args)` without ioredis's tracing hook. ioredis 6.1 traces a command unless
 * its diagnostics channel says it has no subscribers, and Bun's TracingChannel does not say (its
 * `hasSubscribers` is undefined): so for every EVALSHA it turned each argument, each change's record
 * included, into a string that nobody reads, ~4% of a replica's CPU under push load (bench/README.md).
 */
function untraced(client: Redis, name: string, args: readonly (string | Uint8Array)[]): Promise<unknown> {
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
