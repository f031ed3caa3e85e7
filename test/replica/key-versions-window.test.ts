// COMMIT keeps per-key versions for a window of W versions only (issue #15): what Redis holds stays bounded, a batch decided before the window is refused, one within it is checked as before.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type Redis from "ioredis";
import { parseText } from "../../src/parse/text-parser.ts";
import { SET_RECORD_SKIP, commitArgsOf } from "../../src/replica/change-entries.ts";
import { type RedisCall, type RedisKeys, bufferCall, redisKeysOf, runScript } from "../../src/replica/redis-connection.ts";
import { COMMIT } from "../../src/replica/redis-scripts.ts";
import { ALL } from "../../src/store/state-keys.ts";
import { type Decision, Store, type Write } from "../../src/store/store.ts";
import { type RedisServer, startRedis } from "../helpers/redis-server.ts";

/** The window: tiny, so a few changes pass it. */
const W = 8;

let redis: RedisServer;
let client: Redis;
let call: RedisCall;
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  call = bufferCall(client);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

/** Keys of their own for each scenario, on the one Redis. */
const freshKeys = (): RedisKeys => redisKeysOf(`t${prefixes++}:`);

const put = (job: string, body: string): Write => ({
  kind: "group",
  request: { labels: ["job", job], families: parseText(body), replace: true, timeMs: 1000 },
});

/**
 * Runs COMMIT with `decisions` decided at `base` and `reads` as the keys they read (their own by default),
 * with ARGV laid out as RedisWriter lays it out, and W as the window. Returns `[verdict, version]`.
 */
async function commit(keys: RedisKeys, base: number, decisions: readonly Decision[], reads?: readonly string[]): Promise<[number, number]> {
  const read = reads ?? [...new Set(decisions.flatMap((decision) => decision.reads!))];
  const args: (string | Uint8Array)[] = [String(base), String(W), String(Date.now() + 10_000), SET_RECORD_SKIP, String(read.length), ...read];
  for (const decision of decisions) {
    const { op, record, keys: groups } = commitArgsOf(decision.change!);
    args.push(op, record, String(groups.length), ...groups, String(decision.writes!.length), ...decision.writes!);
  }
  const reply = (await runScript(call, COMMIT, keys, args)) as number[];
  return [reply[0]!, reply[1]!];
}

/** Decides `write` on `store` at Redis's version, commits it on both (it must go through), returns the new version. */
async function committed(keys: RedisKeys, store: Store, write: Write): Promise<number> {
  const decision = store.decide(write, true);
  const [verdict, version] = await commit(keys, Number((await client.get(keys.version)) ?? "0"), [decision]);
  expect(verdict).toBe(1);
  store.commit(decision);
  return version;
}

const newStore = () => new Store({ checkConsistency: true, ownTypes: new Map() });
const GAUGE = "# TYPE x gauge\nx 1\n";

/**
 * Groups a and b made at versions 1 and 2; a re-push of a decided at version 2 and held back; then b
 * re-pushed `fillers` times (each writes only b's group). Returns the held decision.
 */
async function heldBehind(keys: RedisKeys, fillers: number): Promise<Decision> {
  const store = newStore();
  await committed(keys, store, put("a", GAUGE));
  expect(await committed(keys, store, put("b", GAUGE))).toBe(2);
  const held = store.decide(put("a", "# TYPE x gauge\nx 2\n"), true);
  for (let i = 0; i < fillers; i++) await committed(keys, store, put("b", `# TYPE x gauge\nx ${i}\n`));
  // Nothing it read was written since: only b's group was.
  expect(await client.zrangebyscore(keys.keyVersions, 3, "+inf")).toEqual(fillers === 0 ? [] : ["g:job\uffffb"]);
  expect(held.reads).not.toContain("g:job\uffffb");
  return held;
}

describe("COMMIT's window of key versions", () => {
  test("after many changes to new groups, Redis holds only the keys of the last W versions", async () => {
    const keys = freshKeys();
    const store = newStore();
    const written = new Set<string>();
    let version = 0;
    for (let i = 0; i < 10 * W; i++) {
      const write = put(`job${i}`, GAUGE);
      version = await committed(keys, store, write);
      for (const key of (await client.zrange(keys.keyVersions, 0, -1))) written.add(key);
      // Each change here writes its group, its job and a few shared keys: W changes' worth at most.
      expect(await client.zcard(keys.keyVersions)).toBeLessThanOrEqual(2 * W + 4);
    }
    expect(version).toBe(10 * W);
    // Every score left is within the window, and the keys of the last change are all there.
    const scores = (await client.zrange(keys.keyVersions, 0, -1, "WITHSCORES")).filter((_, i) => i % 2 === 1).map(Number);
    expect(Math.min(...scores)).toBeGreaterThan(version - W);
    expect(await client.zrangebyscore(keys.keyVersions, version, version)).toContain(`g:job\uffffjob${10 * W - 1}`);
    // Unbounded, it would hold every key ever written (at least both keys of each group).
    expect(written.size).toBeGreaterThanOrEqual(2 * 10 * W);
  });

  test("a batch decided at the window's edge (W versions behind) whose reads were not written since commits", async () => {
    const keys = freshKeys();
    const held = await heldBehind(keys, W);
    expect(await commit(keys, 2, [held])).toEqual([1, 2 + W + 1]);
  });

  test("a batch decided one version before the window is refused with the version now, though its reads were not written since", async () => {
    const keys = freshKeys();
    const held = await heldBehind(keys, W + 1);
    expect(await commit(keys, 2, [held])).toEqual([0, 2 + W + 1]);
    // Nothing was written: the version is as it was, and a's group, dropped from the window, was not scored again.
    expect(await client.get(keys.version)).toBe(String(2 + W + 1));
    expect(await client.zscore(keys.keyVersions, "g:job\uffffa")).toBeNull();
  });

  test("a batch within the window whose read key was written after its base is refused", async () => {
    const keys = freshKeys();
    const held = await heldBehind(keys, 2);
    // Another writer pushes to a at version 5, after the held decision's base 2 (decided on a store of its own).
    expect(await committed(keys, newStore(), put("a", "# TYPE x gauge\nx 3\n"))).toBe(5);
    expect(await commit(keys, 2, [held])).toEqual([0, 5]);
  });

  test("a wipe empties the set but for `*`, which refuses every batch decided before it", async () => {
    const keys = freshKeys();
    const store = newStore();
    await committed(keys, store, put("a", GAUGE));
    const held = store.decide(put("a", "# TYPE x gauge\nx 2\n"), true);
    await committed(keys, store, { kind: "wipe" });
    expect(await client.zrange(keys.keyVersions, 0, -1, "WITHSCORES")).toEqual([ALL, "2"]);
    expect(await commit(keys, 1, [held])).toEqual([0, 2]);
  });
});
