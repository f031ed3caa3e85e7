// A replica commits the writes that queue behind its commit in flight as one batch: the verdicts and the state are still one gateway's.
import { describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { scrapePushed, send } from "../helpers/http.ts";
import { useReplicas } from "../helpers/replicas.ts";

// One replica with a longer timeout than the usual 1 s (the second test stalls Redis while writes queue), and
// a single gateway in memory to compare it with.
const cluster = useReplicas(1, { flags: ["--storage.redis.timeout=5s"], single: true });

async function wipeBoth(): Promise<void> {
  expect((await send(cluster.replica, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
  expect((await send(cluster.single, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
}

/** How many script calls Redis has run so far (each a commit or a snapshot). */
async function scriptCalls(): Promise<number> {
  const client = cluster.redis.client();
  try {
    const stats = await client.info("commandstats");
    return [...stats.matchAll(/^cmdstat_eval(?:sha)?:calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  } finally {
    client.disconnect();
  }
}

const counter = (name: string) => `# TYPE ${name} counter\n${name} 1\n`;
const gauge = (name: string) => `# TYPE ${name} gauge\n${name} 1\n`;

/** A change as another replica would commit it: the group's field and bytes in the hash, its stream record. */
interface OtherChange {
  readonly field: string;
  readonly value: Buffer;
  readonly record: Buffer;
  /** The state keys (store/state-keys.ts) the change wrote: the injected copy writes them too. */
  readonly writes: string[];
}

/** The change a PUT of `body` to `job` makes, taken from Redis after the replica made it, and undone again (deleted). */
async function otherChange(client: Redis, job: string, body: string): Promise<OtherChange> {
  expect((await send(cluster.replica, "PUT", `/metrics/job/${job}`, body)).status).toBe(200);
  const [[field, value]] = Object.entries(await client.hgetallBuffer("pushgateway:groups")) as [[string, Buffer]];
  const [[, fields]] = (await client.xrevrangeBuffer("pushgateway:changes", "+", "-", "COUNT", 1)) as unknown as [[Buffer, Buffer[]]];
  const version = await client.get("pushgateway:version");
  const writes = await client.zrangebyscore("pushgateway:key-versions", version!, version!);
  expect(writes).toContain(`g:${field}`);
  expect((await send(cluster.replica, "DELETE", `/metrics/job/${job}`)).status).toBe(202);
  return { field, value, record: fields[fields.findIndex((f) => f.toString() === "r") + 1]!, writes };
}

/**
 * Makes `change` on Redis without any check, as if another replica had decided it before everything queued
 * now; without `notice` the replica's tail never hears of it, only a conflict can bring it in.
 */
function commitElsewhere(client: Redis, { field, value, record, writes }: OtherChange, notice: boolean): Promise<unknown> {
  const script = "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) local v = redis.call('INCR', KEYS[1]) local id = redis.call('XADD', KEYS[3], '*', 'v', v, 'r', ARGV[3])" +
    " for k = 4, #ARGV do redis.call('ZADD', KEYS[5], v, ARGV[k]) end" +
    (notice ? " redis.call('XADD', KEYS[4], id, 'v', v)" : "") + " return v";
  return client.eval(script, 5, "pushgateway:version", "pushgateway:groups", "pushgateway:changes", "pushgateway:notices", "pushgateway:key-versions", field, value, record, ...writes);
}

describe("group commit on one replica", () => {
  test("200 concurrent pushes, half of one type and half of another: in fewer script calls, one type wins and every other push gets one gateway's 400", async () => {
    await wipeBoth();
    const before = await scriptCalls();
    const PUSHES = 200;
    const replies = await Promise.all(
      Array.from({ length: PUSHES }, (_, i) => send(cluster.replica, "PUT", `/metrics/job/p${i}`, i % 2 === 0 ? counter("shared") : gauge("shared"))),
    );
    // Pushes that came in during a commit went to Redis together.
    expect((await scriptCalls()) - before).toBeLessThan(PUSHES / 2);
    const won = replies.flatMap((reply, i) => (reply.status === 200 ? [i] : []));
    const lost = replies.flatMap((reply, i) => (reply.status === 200 ? [] : [i]));
    expect(won.length).toBeGreaterThan(0);
    // The first write decided set the type: every winner pushed it, every loser the other.
    expect(new Set(won.map((i) => i % 2)).size).toBe(1);
    expect(new Set(lost.map((i) => i % 2))).not.toContain(won[0]! % 2);
    // One gateway given the winners first refuses each loser in the very same words, and ends in the same state.
    for (const i of won) expect((await send(cluster.single, "PUT", `/metrics/job/p${i}`, i % 2 === 0 ? counter("shared") : gauge("shared"))).status).toBe(200);
    for (const i of lost) {
      const expected = await send(cluster.single, "PUT", `/metrics/job/p${i}`, i % 2 === 0 ? counter("shared") : gauge("shared"));
      expect({ i, status: replies[i]!.status, body: replies[i]!.body }).toEqual({ i, status: expected.status, body: expected.body });
    }
    expect((await scrapePushed(cluster.replica)).text).toBe((await scrapePushed(cluster.single)).text);
  });

  test("a change another replica commits while a batch waits is seen by every write of the batch: all of it is decided again", async () => {
    await wipeBoth();
    const client = cluster.redis.client();
    try {
      // `x` as a gauge in job "other".
      const other = await otherChange(client, "other", gauge("x"));

      // Redis stalls: the first push is in flight alone, the next ones queue behind it as one batch; then the
      // other replica's change arrives, made without any check (as if decided before all of these).
      cluster.redis.signal("SIGSTOP");
      const first = send(cluster.replica, "PUT", "/metrics/job/first", gauge("unrelated"));
      await Bun.sleep(100);
      const batch = [
        send(cluster.replica, "PUT", "/metrics/job/a1", counter("x")),
        send(cluster.replica, "PUT", "/metrics/job/a2", counter("y")),
        send(cluster.replica, "PUT", "/metrics/job/a3", gauge("y")),
      ];
      await Bun.sleep(100);
      const injected = commitElsewhere(client, other, true);
      await Bun.sleep(100);
      cluster.redis.signal("SIGCONT");
      await injected;
      const replies = await Promise.all([first, ...batch]);

      // One gateway: the other replica's change, then this replica's writes in order.
      for (const [path, body] of [["/metrics/job/other", gauge("x")], ["/metrics/job/first", gauge("unrelated")]] as const) {
        expect((await send(cluster.single, "PUT", path, body)).status).toBe(200);
      }
      const expected = [
        await send(cluster.single, "PUT", "/metrics/job/a1", counter("x")),
        await send(cluster.single, "PUT", "/metrics/job/a2", counter("y")),
        await send(cluster.single, "PUT", "/metrics/job/a3", gauge("y")),
      ];
      expect(replies.map((r) => r.status)).toEqual([200, 400, 200, 400]);
      expect(replies.slice(1).map((r) => r.body)).toEqual(expected.map((r) => r.body));
      expect((await scrapePushed(cluster.replica)).text).toBe((await scrapePushed(cluster.single)).text);
    } finally {
      cluster.redis.signal("SIGCONT");
      client.disconnect();
    }
  });

  test("a write that changes nothing is checked against Redis too: a DELETE of a group another replica just made deletes it", async () => {
    await wipeBoth();
    const client = cluster.redis.client();
    try {
      const other = await otherChange(client, "made-elsewhere", gauge("m"));
      // The tail never hears of it: this replica would find nothing to delete and change nothing.
      await commitElsewhere(client, other, false);
      expect((await send(cluster.replica, "DELETE", "/metrics/job/made-elsewhere")).status).toBe(202);
      expect(await client.hlen("pushgateway:groups")).toBe(0);
      expect((await scrapePushed(cluster.replica)).samples).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
