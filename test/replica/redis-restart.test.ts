// Redis killed under load and restarted from its append-only file (issue #15): no write the replicas acknowledged is lost, and they recover without a restart.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { send } from "../helpers/http.ts";
import { converged, eventually, useReplicas } from "../helpers/replicas.ts";

const aofDir = mkdtempSync(join(tmpdir(), "redis-aof-"));
const cluster = useReplicas(2, { redis: { aofDir } });

// Registered after useReplicas's: runs once Redis is stopped.
afterAll(() => rmSync(aofDir, { recursive: true, force: true }));

describe("Redis with appendfsync always, killed under load", () => {
  test("every push acknowledged before the kill is on every replica after the restart; none after it was acknowledged while Redis was gone", async () => {
    const acknowledged: string[] = [];
    const statuses = new Set<number>();
    let stop = false;
    let n = 0;
    const pushers = cluster.replicas.flatMap((gw) =>
      Array.from({ length: 4 }, async () => {
        while (!stop) {
          const i = n++;
          // A test that failed stops the gateways under the pushers: they end with it.
          const reply = await send(gw, "PUT", `/metrics/job/load/instance/i${i}`, `pushed ${i}\n`).catch(() => undefined);
          if (reply === undefined) return;
          statuses.add(reply.status);
          if (reply.status === 200) acknowledged.push(`pushed{instance="i${i}",job="load"} ${i}`);
        }
      }),
    );
    await Bun.sleep(300);
    await cluster.redis.stop();
    // Answers to commits Redis made just before it died may still be on their way; after that, while Redis is
    // gone, every write is refused.
    await Bun.sleep(100);
    const ackedWhileGone = acknowledged.length;
    await Bun.sleep(300);
    expect(acknowledged.length).toBe(ackedWhileGone);
    await cluster.restartRedis();
    await eventually("writes are taken again", async () => (await send(cluster.replicas[0]!, "PUT", "/metrics/job/after", "after 1\n")).status === 200, 5000);
    stop = true;
    await Promise.all(pushers);
    expect([...statuses].toSorted()).toEqual([200, 503]);
    const state = await converged(cluster.replicas, 5000);
    for (const line of acknowledged) expect(state.samples).toContain(line);
  });
});
