// Gateways started as replicas of one Redis (issue #15), a test file's set of them, and waiting for them to agree.
import { afterAll, beforeAll } from "bun:test";
import { type PushedScrape, scrapePushed } from "./http.ts";
import { type RedisOptions, type RedisServer, startRedis } from "./redis-server.ts";
import { type Gateway, startOurGateway } from "./start-server.ts";

/**
 * The flags of a replica of `redis`: a 1 s write timeout (and readiness grace) unless `extra` sets its own
 * (a flag may be given once), the admin API for wipe and bulk delete, then `extra`.
 */
export function replicaFlags(redis: RedisServer, extra: readonly string[] = []): string[] {
  const timeout = extra.some((flag) => flag.startsWith("--storage.redis.timeout=")) ? [] : ["--storage.redis.timeout=1s"];
  return [`--storage.redis.url=${redis.url}`, ...timeout, "--web.enable-admin-api", ...extra];
}

/** Starts `count` replicas of `redis` at once; if one fails to start, the others are stopped before the error is thrown. */
export async function startReplicas(redis: RedisServer, count: number, extra: readonly string[] = []): Promise<Gateway[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => startOurGateway(replicaFlags(redis, extra))));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<Gateway>).value);
}

/** What `useReplicas` starts besides `count` plain replicas. */
export interface ReplicaOptions {
  /** How Redis is started, and started again by `restartRedis` (an append-only file, say). */
  readonly redis?: RedisOptions;
  /** More flags for every replica (see replicaFlags). */
  readonly flags?: readonly string[];
  /** Also a single gateway in memory with the admin API: what the replicas together must answer as. */
  readonly single?: boolean;
}

/** What a test file's `useReplicas` started. Read it inside tests only: the processes start in beforeAll. */
export interface ReplicaSet {
  /** The Redis; after `restartRedis`, the new one. */
  readonly redis: RedisServer;
  /** In start order, those of `addReplica` last. */
  readonly replicas: readonly Gateway[];
  /** The only replica; throws while there are several. */
  readonly replica: Gateway;
  /** Throws unless `single` was asked for. */
  readonly single: Gateway;
  /** Starts Redis again on its port with the same options, once the test has stopped it (`redis.stop()`). */
  restartRedis(): Promise<void>;
  /** Starts one more replica of the Redis, with the same flags; it is stopped with the others. */
  addReplica(): Promise<Gateway>;
}

/**
 * Registers a beforeAll that starts a Redis (startRedis), then `count` replicas of it (startReplicas) and,
 * if asked for, the single gateway at once, and an afterAll that stops the gateways, then Redis. Call it at
 * the top of a test file; hooks the file registers after it run after these (Bun runs them in that order).
 */
export function useReplicas(count: number, options: ReplicaOptions = {}): ReplicaSet {
  let redis: RedisServer | undefined;
  const replicas: Gateway[] = [];
  let single: Gateway | undefined;
  const flags = options.flags ?? [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running: read useReplicas's set inside tests only`);
    return value;
  };

  beforeAll(async () => {
    redis = await startRedis(options.redis);
    // Each assigned as soon as it is up, so that afterAll stops it even when the other failed to start.
    const starts = await Promise.allSettled([
      startReplicas(redis, count, flags).then((gateways) => replicas.push(...gateways)),
      options.single ? startOurGateway(["--web.enable-admin-api"]).then((gw) => (single = gw)) : undefined,
    ]);
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
  });

  afterAll(async () => {
    await Promise.all([...replicas.map((gw) => gw.stop()), single?.stop()]);
    await redis?.stop();
  });

  return {
    get redis() {
      return started(redis, "Redis");
    },
    replicas,
    get replica() {
      if (replicas.length > 1) throw new Error(`useReplicas started ${replicas.length} replicas, not one`);
      return started(replicas[0], "the replica");
    },
    get single() {
      if (options.single !== true) throw new Error("useReplicas was not asked for a single gateway");
      return started(single, "the single gateway");
    },
    async restartRedis() {
      redis = await startRedis({ ...options.redis, port: started(redis, "Redis").port });
    },
    async addReplica() {
      const [gw] = (await startReplicas(started(redis, "Redis"), 1, flags)) as [Gateway];
      replicas.push(gw);
      return gw;
    },
  };
}

/** Polls `check` every 10 ms until it holds; throws with `what` after `timeoutMs`. Returns how long it took. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 3000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await Bun.sleep(10);
  }
}

/** Waits until every gateway's pushed scrape (see scrapePushed) is the same; returns it. */
export async function converged(gateways: readonly Gateway[], timeoutMs = 3000): Promise<PushedScrape> {
  let scrapes: PushedScrape[] = [];
  await eventually(
    "the replicas' scrapes agree",
    async () => {
      scrapes = await Promise.all(gateways.map((gw) => scrapePushed(gw)));
      return scrapes.every((s) => s.status === scrapes[0]!.status && s.text === scrapes[0]!.text);
    },
    timeoutMs,
  );
  return scrapes[0]!;
}
