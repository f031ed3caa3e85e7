// Replicas when Redis stalls or dies (issue #15): writes get 503 within the timeout, scrapes keep the last state, ready and the gauge say so; then recovery without a restart.
import { describe, expect, test } from "bun:test";
import { scrapePushed, send } from "../helpers/http.ts";
import { converged, eventually, useReplicas } from "../helpers/replicas.ts";
import type { Gateway } from "../helpers/start-server.ts";

const cluster = useReplicas(2);

/** The replica's `pushgateway_redis_up` value. */
async function redisUp(gw: Gateway): Promise<number> {
  const line = (await send(gw, "GET", "/metrics")).body.split("\n").find((l) => l.startsWith("pushgateway_redis_up "));
  return Number(line?.split(" ")[1]);
}

/** The flags give every replica 1 s: a write waits at most that long, and /-/ready turns after that long. */
const TIMEOUT_MS = 1000;

describe("a replica whose Redis stops answering", () => {
  test("stalled (SIGSTOP): pushes 503 within the timeout, scrapes 200 with the last state, not ready, gauge 0; resumed: all back", async () => {
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    expect((await send(a, "PUT", "/metrics/job/kept", "kept 1\n")).status).toBe(200);
    const before = await converged(cluster.replicas);
    expect(await redisUp(a)).toBe(1);
    cluster.redis.signal("SIGSTOP");
    try {
      for (const gw of [a, b]) {
        const started = performance.now();
        const reply = await send(gw, "PUT", "/metrics/job/lost", "lost 1\n");
        expect(reply.status).toBe(503);
        expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
        expect(reply.body).toContain("Redis did not take the change");
        expect((await scrapePushed(gw)).text).toBe(before.text);
        expect(await redisUp(gw)).toBe(0);
      }
      // A DELETE is a write too.
      expect((await send(b, "DELETE", "/metrics/job/kept")).status).toBe(503);
      await eventually("not ready", async () => (await send(a, "GET", "/-/ready")).status === 503, TIMEOUT_MS * 3);
      expect((await send(a, "GET", "/-/healthy")).status).toBe(200);
    } finally {
      cluster.redis.signal("SIGCONT");
    }
    await eventually("a push is taken again", async () => (await send(b, "PUT", "/metrics/job/after", "after 1\n")).status === 200, 5000);
    await eventually("ready again", async () => (await send(a, "GET", "/-/ready")).status === 200);
    expect(await redisUp(a)).toBe(1);
    const state = await converged(cluster.replicas);
    expect(state.samples).toContain('after{instance="",job="after"} 1');
    expect(state.samples).toContain('kept{instance="",job="kept"} 1');
    // No 503'd write was applied: Redis ran the queued commit on resuming, and the commit script refused it as past its deadline.
    expect(state.samples.some((line) => line.startsWith("lost{"))).toBe(false);
  });

  test("killed and restarted empty on its port: writes 503 while it is gone, then the replicas reload its (empty) state and take writes", async () => {
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    await cluster.redis.stop();
    const started = performance.now();
    expect((await send(a, "PUT", "/metrics/job/gone", "gone 1\n")).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect((await scrapePushed(b)).status).toBe(200);
    await cluster.restartRedis();
    await eventually("a push is taken by the restarted Redis", async () => (await send(a, "PUT", "/metrics/job/new", "new 1\n")).status === 200, 5000);
    // Redis is the authority: what it lost, the replicas drop too.
    const state = await converged(cluster.replicas, 5000);
    expect(state.samples.filter((line) => !line.startsWith("push_"))).toEqual(['new{instance="",job="new"} 1']);
    expect(await redisUp(b)).toBe(1);
  });

  test("emptied under the replicas without a restart (FLUSHALL): the next change starts over from Redis's empty state on every replica", async () => {
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    expect((await send(a, "PUT", "/metrics/job/before", "before 1\n")).status).toBe(200);
    await converged(cluster.replicas);
    const client = cluster.redis.client();
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    // b's batch was decided at a version Redis no longer has: b loads the empty state, decides again, commits
    // version 1. a's tail then sees a change after its place that brings no new version, and loads it too.
    expect((await send(b, "PUT", "/metrics/job/after", "after 1\n")).status).toBe(200);
    const state = await converged(cluster.replicas, 5000);
    expect(state.samples.filter((line) => !line.startsWith("push_"))).toEqual(['after{instance="",job="after"} 1']);
  });
});
