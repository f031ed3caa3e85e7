// A replica of a set sharing one state on Redis (issue #15): its connections, its mirror's tail, its writer, its health — started and stopped together.
import type { RedisConfig } from '../flags.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import type { Writer } from '../store/writer.ts';
import { Mirror } from './mirror.ts';
import { connectNative, connectRedis, redisKeysOf, within } from './redis-connection.ts';
import { RedisHealth } from './redis-health.ts';
import { RedisWriter } from './redis-writer.ts';

export interface Replica {
  readonly writer: Writer;
  readonly health: RedisHealth;
  /** What the replica's own metrics show (http/self-metrics.ts), read at each scrape. */
  readonly status: { readonly up: boolean; readonly commitConflicts: number };
  /** Stops the tail and closes its three connections (reads, the tail, writes). */
  stop(): void;
}

/**
 * Connects to Redis, loads its state into `store` (waiting at most `config.timeoutMs` for that: if Redis
 * is out of reach the replica starts anyway, serving nothing, not ready, and loads it once Redis answers),
 * and tails its changes from then on. Writes go through the returned writer.
 */
export async function startReplica(store: Store, config: RedisConfig, log: Logger): Promise<Replica> {
  const health = new RedisHealth(log, config.timeoutMs);
  const keys = redisKeysOf(config.prefix);
  const onError = (error: Error) => health.failed(error);
  const client = connectRedis(config, onError);
  const tailClient = connectNative(config, onError);
  const writerClient = connectNative(config, onError);
  const mirror = new Mirror(store, client, keys, health, log);
  let stopped = false;
  await within(Promise.all([new Promise((resolve) => client.once('ready', resolve)), writerClient.connected, tailClient.connected]), performance.now() + config.timeoutMs).catch(() => {});
  void mirror.tail(tailClient.call, config.timeoutMs, () => stopped);
  const deadline = performance.now() + config.timeoutMs;
  while (!mirror.synced && performance.now() < deadline) await Bun.sleep(10);
  if (!mirror.synced) log.error('could not load the state from Redis at start: serving nothing until it answers', { timeout_ms: config.timeoutMs });
  const writer = new RedisWriter(store, mirror, writerClient.call, keys, config, health);
  return {
    writer,
    health,
    status: {
      get up() {
        return health.up;
      },
      get commitConflicts() {
        return writer.conflicts;
      },
    },
    stop() {
      stopped = true;
      client.disconnect();
      tailClient.close();
      writerClient.close();
    },
  };
}
