// --storage.redis.wait-replicas (issue #15): a write is acknowledged only once that many of Redis's own replicas have it (WAIT), else 503.
import { describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { startRedis } from "../helpers/redis-server.ts";
import { eventually, useReplicas } from "../helpers/replicas.ts";

const cluster = useReplicas(1, { flags: ["--storage.redis.wait-replicas=1"] });

describe("a replica waiting for one Redis replica", () => {
  test("gets 503 while Redis has no replica (the change is on the primary), 200 once one follows it", async () => {
    const { redis: primary, replica: gateway } = cluster;
    const refused = await send(gateway, "PUT", "/metrics/job/unconfirmed", "x 1\n");
    expect(refused.status).toBe(503);
    expect(refused.body).toContain("the change was applied on the Redis primary but only 0 of 1 Redis replicas have it (--storage.redis.wait-replicas)");
    // Redis delays a replica's first sync by 5 s by default, to serve several at once.
    const admin = primary.client();
    try {
      await admin.config("SET", "repl-diskless-sync-delay", "0");
    } finally {
      admin.disconnect();
    }
    const follower = await startRedis();
    try {
      const client = follower.client();
      try {
        await client.replicaof("127.0.0.1", String(primary.port));
      } finally {
        client.disconnect();
      }
      await eventually("the Redis replica follows", async () => (await send(gateway, "PUT", "/metrics/job/confirmed", "x 1\n")).status === 200, 5000);
      // The follower holds both groups: the 503'd one was applied on the primary, as its answer said.
      const check = follower.client();
      try {
        expect(await check.hlen("pushgateway:groups")).toBe(2);
      } finally {
        check.disconnect();
      }
    } finally {
      await follower.stop();
    }
  });
});
