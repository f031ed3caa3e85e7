// Three replicas on one Redis (issue #15) answer as one gateway: own writes at once, the others' after convergence, conflicting pushes decided once.
import { describe, expect, test } from "bun:test";
import { type Case, normaliseErrorBody, replyView } from "../conformance/differential.ts";
import { ACROSS_GROUPS } from "../conformance/consistency.cases.ts";
import { PUSHES_AND_DELETES, WORKED_SEQUENCE } from "../conformance/push-semantics.cases.ts";
import { scrapePushed, send } from "../helpers/http.ts";
import { converged, eventually, useReplicas } from "../helpers/replicas.ts";
import { seededRandom } from "../helpers/seeded-random.ts";
import type { Gateway } from "../helpers/start-server.ts";

/** Three replicas, and a single gateway in memory: what the replicas together must answer. */
const cluster = useReplicas(3, { single: true });

/** Wipes the replicas (through one of them) and the single gateway, and waits until every replica is empty. */
async function wipeAll(): Promise<void> {
  expect((await send(cluster.replicas[0]!, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
  expect((await send(cluster.single, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
  expect((await converged(cluster.replicas)).samples).toEqual([]);
}

describe("replicas on one Redis", () => {
  test("a push on one replica is in its own scrape at once and in the others' soon after", async () => {
    await wipeAll();
    const [a, b, c] = cluster.replicas as [Gateway, Gateway, Gateway];
    expect((await send(a, "PUT", "/metrics/job/seen", "# TYPE seen gauge\nseen 1\n")).status).toBe(200);
    // Read-your-writes: no wait on the replica that took the push.
    expect((await scrapePushed(a)).samples).toContain('seen{instance="",job="seen"} 1');
    for (const other of [b, c]) {
      await eventually("the push shows on another replica", async () => (await scrapePushed(other)).samples.includes('seen{instance="",job="seen"} 1'), 1000);
    }
  });

  test("pushes of one name with two types to two replicas at once: exactly one wins each time, the other gets Go's 400", async () => {
    await wipeAll();
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    const ROUNDS = 25;
    const rounds = await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        const counter = `# TYPE race_${i} counter\nrace_${i} 1\n`;
        const gauge = `# TYPE race_${i} gauge\nrace_${i} 1\n`;
        const [onA, onB] = await Promise.all([send(a, "PUT", `/metrics/job/a${i}`, counter), send(b, "PUT", `/metrics/job/b${i}`, gauge)]);
        return { i, counter, gauge, onA, onB };
      }),
    );
    for (const { i, counter, gauge, onA, onB } of rounds) {
      expect([onA.status, onB.status].toSorted()).toEqual([200, 400]);
      // The single gateway, given the winner first, refuses the loser with the very same words.
      const [winner, loser] = onA.status === 200 ? [[`/metrics/job/a${i}`, counter], [`/metrics/job/b${i}`, gauge, onB]] as const : [[`/metrics/job/b${i}`, gauge], [`/metrics/job/a${i}`, counter, onA]] as const;
      expect((await send(cluster.single, "PUT", winner[0], winner[1])).status).toBe(200);
      const expected = await send(cluster.single, "PUT", loser[0], loser[1]);
      expect(expected.status).toBe(400);
      expect(loser[2].body).toBe(expected.body);
    }
    // Every replica ends with the single gateway's state: one type per name, each loser's failure time.
    const state = await converged(cluster.replicas);
    expect(state.status).toBe(200);
    expect(state.text).toBe((await scrapePushed(cluster.single)).text);
  });

  test("pushes of one series to {job} and {job,instance=\"\"} on two replicas at once: exactly one wins each time, the other gets Go's 400, no scrape fails", async () => {
    await wipeAll();
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    const ROUNDS = 25;
    // Go's instance="" rule (SPEC §1 item 2): both groups expose m{instance="",job="dupN"}, so they cannot both hold it.
    const body = "m 1\n";
    const rounds = await Promise.all(
      Array.from({ length: ROUNDS }, async (_, i) => {
        const plain = `/metrics/job/dup${i}`;
        const empty = `/metrics/job/dup${i}/instance@base64/=`;
        // Each replica gets {job} in half the rounds: a replica's batch often wins all its rounds at once, and
        // then both orders (plain group first, instance="" group first) are still checked in every run.
        const [toA, toB] = i % 2 === 0 ? [plain, empty] : [empty, plain];
        const [onA, onB] = await Promise.all([send(a, "PUT", toA, body), send(b, "PUT", toB, body)]);
        return { toA, toB, onA, onB };
      }),
    );
    for (const { toA, toB, onA, onB } of rounds) {
      expect([onA.status, onB.status].toSorted()).toEqual([200, 400]);
      // The single gateway, given the winner first, refuses the loser with the very same words.
      const [winner, loser, loserReply] = onA.status === 200 ? [toA, toB, onB] : [toB, toA, onA];
      expect((await send(cluster.single, "PUT", winner, body)).status).toBe(200);
      const expected = await send(cluster.single, "PUT", loser, body);
      expect(expected.status).toBe(400);
      expect(replyView(loser, loserReply)).toEqual(replyView(loser, expected));
      // Word for word, labels included; only the winner's push time (in the duplicate push_time_seconds) differs.
      expect(maskPushTime(loserReply.body)).toBe(maskPushTime(expected.body));
    }
    // Every replica scrapes fine (no duplicate series, so no 500) and holds the single gateway's state.
    const state = await converged(cluster.replicas);
    const expected = await scrapePushed(cluster.single);
    expect(expected.status).toBe(200);
    expect(state.status).toBe(200);
    expect(state.text).toBe(expected.text);
    expect(state.samples.filter((line) => line.startsWith("m{"))).toHaveLength(ROUNDS);
  });

  test("DELETE, bulk delete, wipe, POST and failure times made through replicas show on every replica as on one gateway", async () => {
    await wipeAll();
    const steps: [string, string, string?][] = [
      ["PUT", "/metrics/job/x/instance/1", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 2\n"],
      ["POST", "/metrics/job/x/instance/1", "# TYPE a gauge\na 3\n"],
      ["PUT", "/metrics/job/x/instance/2", "a 5\n"],
      ["PUT", "/metrics/job/y", "# TYPE a counter\na 1\n"],
      ["PUT", "/metrics/job/z", "# TYPE c gauge\nc 1\n"],
      ["DELETE", "/metrics/job/z"],
      ["PUT", "/metrics/job/w/k/1", "w 1\n"],
      ["PUT", "/metrics/job/w/k/2", "w 2\n"],
      ["DELETE", "/api/v1/admin/groups?match[]=%7Bjob%3D%22w%22%7D"],
    ];
    for (const [index, [method, path, body]] of steps.entries()) {
      const via = cluster.replicas[index % cluster.replicas.length]!;
      const [ours, expected] = await Promise.all([send(via, method, path, body), send(cluster.single, method, path, body)]);
      expect(replyView(`${method} ${path}`, ours)).toEqual(replyView(`${method} ${path}`, expected));
    }
    const state = await converged(cluster.replicas);
    expect(state.text).toBe((await scrapePushed(cluster.single)).text);
    // The refused push left job y's failure time on every replica.
    expect(state.samples).toContain('push_failure_time_seconds{instance="",job="y"} <t>');
    // A wipe through the last replica empties all of them.
    expect((await send(cluster.replicas[2]!, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
    expect((await converged(cluster.replicas)).samples).toEqual([]);
  });

  test("a group whose TTL runs out expires once cluster-wide: the expired counters of all replicas add up to one per group", async () => {
    await wipeAll();
    const expiredSum = async () => {
      let sum = 0;
      for (const gw of cluster.replicas) {
        const line = (await send(gw, "GET", "/metrics")).body.split("\n").find((l) => l.startsWith("pushgateway_groups_expired_total "));
        sum += Number(line?.split(" ")[1]);
      }
      return sum;
    };
    const before = await expiredSum();
    const GROUPS = 6;
    for (let i = 0; i < GROUPS; i++) {
      const via = cluster.replicas[i % cluster.replicas.length]!;
      expect((await send(via, "PUT", `/metrics/job/ttl${i}`, "short_lived 1\n", { "Pushgateway-Expire-After": "500ms" })).status).toBe(200);
    }
    expect((await converged(cluster.replicas)).samples.filter((line) => line.startsWith("short_lived{"))).toHaveLength(GROUPS);
    // Every replica's timer fires at the deadline; the commit lets one of them delete each group.
    await eventually("every replica is empty", async () => (await converged(cluster.replicas)).samples.length === 0, 3000);
    expect((await expiredSum()) - before).toBe(GROUPS);
  });

  test("the conformance cases give the single gateway's answers and scrapes with every push to a random replica", async () => {
    const random = seededRandom(15);
    const cases: Case[] = [...WORKED_SEQUENCE, ...PUSHES_AND_DELETES, ...ACROSS_GROUPS].filter((c) => c.flags === undefined || c.flags.length === 0);
    for (const c of cases) {
      await wipeAll();
      for (const [index, step] of c.steps.entries()) {
        const label = `${c.name}, step ${index + 1}`;
        const via = cluster.replicas[Math.floor(random() * cluster.replicas.length)]!;
        const [ours, expected] = await Promise.all([send(via, step.method, step.path, step.body, step.headers), send(cluster.single, step.method, step.path, step.body, step.headers)]);
        expect(replyView(label, ours)).toEqual(replyView(label, expected));
      }
      // Scraped on every replica, which includes others than the one each push went to.
      const state = await converged(cluster.replicas);
      const expected = await scrapePushed(cluster.single);
      expect({ name: c.name, status: state.status, text: dropHelp(state.text, c) }).toEqual({ name: c.name, status: expected.status, text: dropHelp(expected.text, c) });
    }
  });
});

/** Go's error text with the value of a quoted push_time_seconds gauge (a time) replaced by `<t>`. */
function maskPushTime(body: string): string {
  return body.replace(/("push_time_seconds" \{.*?gauge:<value:)[^ >]+/g, "$1<t>");
}

/** The HELP lines the case says Go chooses at random, left out (as the conformance harness does). */
function dropHelp(text: string, c: Case): string {
  const random = c.helpChosenAtRandom ?? [];
  return normaliseErrorBody(text.split("\n").filter((line) => !random.some((name) => line.startsWith(`# HELP ${name} `))).join("\n"));
}
