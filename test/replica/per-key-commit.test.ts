// Replicas' commits conflict only over state a decision read (issue #15): unrelated groups pushed at once on two replicas never make Redis refuse a commit, a name another replica has just typed differently still does.
import { describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { send } from "../helpers/http.ts";
import { converged, useReplicas } from "../helpers/replicas.ts";
import type { Gateway } from "../helpers/start-server.ts";

const cluster = useReplicas(2);

// Script calls so far: COMMIT (and SNAPSHOT, which only a resync runs). A refused commit is decided again and
// called again, so with one push in flight per replica, calls beyond one per push are conflicts.
async function scriptCalls(client: Redis): Promise<number> {
  const stats = await client.info("commandstats");
  let calls = 0;
  for (const match of stats.matchAll(/^cmdstat_(?:evalsha|eval):calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}

/** The replica's `pushgateway_redis_commit_conflicts_total`: its batches decided again after a refused commit. */
async function commitConflicts(gw: Gateway): Promise<number> {
  const line = (await send(gw, "GET", "/metrics")).body.split("\n").find((l) => l.startsWith("pushgateway_redis_commit_conflicts_total "));
  expect(line).toBeDefined();
  return Number(line!.split(" ")[1]);
}

async function wipe(): Promise<void> {
  expect((await send(cluster.replicas[0]!, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
  expect((await converged(cluster.replicas)).samples).toEqual([]);
}

describe("per-key commit checks", () => {
  test("two replicas re-pushing unrelated groups at once: every commit goes through the first time", async () => {
    await wipe();
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    const body = (name: string, i: number) => `# TYPE ${name} gauge\n${name}{worker="w"} ${i}\n# TYPE ${name}_total counter\n${name}_total ${i}\n`;
    // Creating a group changes the shapes every push reads: done before the measured pushes.
    expect((await send(a, "PUT", "/metrics/job/on_a", body("on_a", 0))).status).toBe(200);
    expect((await send(b, "PUT", "/metrics/job/on_b/instance/x", body("on_b", 0))).status).toBe(200);
    await converged(cluster.replicas);
    const client = cluster.redis.client();
    try {
      const before = await scriptCalls(client);
      const conflictsBefore = await Promise.all([commitConflicts(a), commitConflicts(b)]);
      const ROUNDS = 100;
      const pushAll = async (gw: Gateway, path: string, name: string) => {
        for (let i = 1; i <= ROUNDS; i++) expect((await send(gw, "PUT", path, body(name, i))).status).toBe(200);
      };
      await Promise.all([pushAll(a, "/metrics/job/on_a", "on_a"), pushAll(b, "/metrics/job/on_b/instance/x", "on_b")]);
      // With one global version most of these would conflict (each replica's mirror is behind the other's last commit).
      expect((await scriptCalls(client)) - before).toBe(2 * ROUNDS);
      expect(await Promise.all([commitConflicts(a), commitConflicts(b)])).toEqual(conflictsBefore);
      const scrape = await converged(cluster.replicas);
      expect(scrape.samples).toContain(`on_a{instance="",job="on_a",worker="w"} ${ROUNDS}`);
      expect(scrape.samples).toContain(`on_b_total{instance="x",job="on_b"} ${ROUNDS}`);
    } finally {
      client.disconnect();
    }
  });

  test.each([
    ["the same name", "# TYPE shared counter\nshared 1\n", "# TYPE shared gauge\nshared 1\n", 'collected metric "shared"'],
    ["a suffix-sibling of it", "# TYPE hist histogram\nhist_bucket{le=\"+Inf\"} 1\nhist_sum 1\nhist_count 1\n", "# TYPE hist_count gauge\nhist_count 1\n", 'collides with previously collected histogram named "hist"'],
  ])("a push reading %s, which another replica has just typed differently, is refused once that commit is in", async (_, first, second, words) => {
    await wipe();
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    const conflictsBefore = await Promise.all([commitConflicts(a), commitConflicts(b)]);
    // Redis stalls, so both replicas decide on the same state; a's commit reaches Redis first.
    cluster.redis.signal("SIGSTOP");
    try {
      const onA = send(a, "PUT", "/metrics/job/first", first);
      await Bun.sleep(100);
      const onB = send(b, "PUT", "/metrics/job/second", second);
      await Bun.sleep(100);
      cluster.redis.signal("SIGCONT");
      const [replyA, replyB] = await Promise.all([onA, onB]);
      expect(replyA.status).toBe(200);
      expect(replyB.status).toBe(400);
      expect(replyB.body).toContain(words);
      // b's batch was refused once by Redis, then decided again on the state with a's change.
      expect(await Promise.all([commitConflicts(a), commitConflicts(b)])).toEqual([conflictsBefore[0]!, conflictsBefore[1]! + 1]);
      expect((await converged(cluster.replicas)).samples.some((line) => line.startsWith("push_time_seconds{instance=\"\",job=\"second\"}"))).toBe(true);
    } finally {
      cluster.redis.signal("SIGCONT");
    }
  });
});
