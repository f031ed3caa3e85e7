// Gateways started as replicas of one Redis (issue #15), and waiting for them to agree.
import { type PushedScrape, scrapePushed } from "./http.ts";
import type { RedisServer } from "./redis-server.ts";
import { type Gateway, startOurGateway } from "./start-server.ts";

/** The flags of a replica of `redis`: a 1 s write timeout (and readiness grace), the admin API for wipe and bulk delete. */
export function replicaFlags(redis: RedisServer, extra: readonly string[] = []): string[] {
  return [`--storage.redis.url=${redis.url}`, "--storage.redis.timeout=1s", "--web.enable-admin-api", ...extra];
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
