// Deadlines survive restarts (issue #14): a group whose deadline passed while the gateway was down is gone at start, and that deletion is journalled.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { groupKeyOf } from "../../src/model/group.ts";
import { type JournalEntry, readJournal } from "../../src/persist/journal-format.ts";
import { readSnapshot } from "../../src/persist/snapshot.ts";
import { persistenceSandbox } from "../helpers/persistence-sandbox.ts";
import type { Gateway } from "../helpers/start-server.ts";

const { tempFile, start, stop, crash, cleanup } = persistenceSandbox("pg-expiry-");
afterAll(cleanup);

const FLAGS = ["--metrics.ttl=3s"];

async function push(gw: Gateway, job: string, expireAfter?: string): Promise<{ sent: number; answered: number }> {
  const sent = Date.now();
  const headers: Record<string, string> = expireAfter === undefined ? {} : { "Pushgateway-Expire-After": expireAfter };
  const response = await fetch(`${gw.url}/metrics/job/${job}`, { method: "PUT", body: `${job}_value 1\n`, headers });
  expect(response.status).toBe(200);
  return { sent, answered: Date.now() };
}

/** Every group by its job, as /api/v1/metrics shows it. */
async function groups(gw: Gateway): Promise<Map<string, Record<string, any>>> {
  const body = (await (await fetch(`${gw.url}/api/v1/metrics`)).json()) as { data: Record<string, any>[] };
  return new Map(body.data.map((group) => [group.labels.job as string, group]));
}

/** Every record of the journal files beside `file` from generation `from` on, in order. */
function journalEntries(file: string, from = 0): JournalEntry[] {
  const prefix = `${basename(file)}.journal-`;
  const generations = readdirSync(dirname(file)).filter((name) => name.startsWith(prefix)).map((name) => Number(name.slice(prefix.length)));
  return generations.filter((generation) => generation >= from).sort((a, b) => a - b)
    .flatMap((generation) => readJournal(readFileSync(join(dirname(file), `${prefix}${generation}`))).entries);
}

/**
 * The jobs a start on `file` would restore now: the snapshot, then the journals after it, read without
 * touching the files (the gateway is running). A file renamed or removed meanwhile makes it read again.
 */
function persistedJobs(file: string): string[] {
  for (;;) {
    try {
      const snapshot = existsSync(file) ? readSnapshot(readFileSync(file)) : { journalGeneration: 0, groups: [] };
      const groups = new Map(snapshot.groups.map((group) => [group.key, group.labels]));
      for (const entry of journalEntries(file, snapshot.journalGeneration)) {
        if (entry.kind === "set") groups.set(entry.group.key, entry.group.labels);
        else if (entry.kind === "delete") groups.delete(groupKeyOf(entry.labels));
        else throw new Error(`unexpected ${entry.kind} record`);
      }
      return [...groups.values()].map((labels) => labels[1]!).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

/** Polls `check` every 50 ms until it holds, at most `ms`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await Bun.sleep(50);
  }
}

describe("expiry across restarts", () => {
  test("deadlines come back from the journal and the snapshot; a group due while the gateway was down is gone at start, durably", async () => {
    const file = tempFile();
    let gw = await start(file, FLAGS);
    // `due` expires while the gateway is down; `later` (the flag's 3 s) after the restart, at its first deadline;
    // `hour` chose an hour, `never` chose never.
    const due = await push(gw, "due", "1s");
    const later = await push(gw, "later");
    await push(gw, "hour", "1h");
    await push(gw, "never", "0");
    const before = await groups(gw);
    expect(before.get("never")).not.toHaveProperty("expires_at");
    // Killed: what comes back is what the journal made durable.
    await crash(gw);
    await Bun.sleep(Math.max(0, due.answered + 1000 + 100 - Date.now()));

    gw = await start(file, FLAGS);
    const after = await groups(gw);
    expect([...after.keys()].sort()).toEqual(["hour", "later", "never"]);
    for (const job of ["later", "hour"]) expect(after.get(job)!.expires_at).toBe(before.get(job)!.expires_at);
    expect(after.get("never")).not.toHaveProperty("expires_at");
    expect(gw.log()).toContain('level=info msg="group expired" grouping="{\\"job\\":\\"due\\"}"');
    // The expiry at start is durable without a request to wait for it: here in the snapshot the replay asks for.
    await eventually("the expired group gone from disk", () => !persistedJobs(file).includes("due"));

    // `later` goes at the deadline of its push before the restart, not 3 s after the restart, as a delete record
    // in the journal, as a DELETE would.
    await eventually("later expired", async () => !(await groups(gw)).has("later"), 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(later.sent + 3000);
    expect(Date.now()).toBeLessThanOrEqual(later.answered + 3000 + 1000 + 50);
    await eventually("a delete record for later", () => journalEntries(file).some((entry) => entry.kind === "delete" && entry.labels[1] === "later"));
    expect(persistedJobs(file)).toEqual(["hour", "never"]);

    // Stopped cleanly: the snapshot carries the groups' own TTLs too. Nothing is replayed at the next start, so
    // `due2`, due while the gateway is down, goes as a delete record in the journal.
    const due2 = await push(gw, "due2", "1s");
    expect(await stop(gw)).toBe(0);
    await Bun.sleep(Math.max(0, due2.answered + 1000 + 100 - Date.now()));
    gw = await start(file, FLAGS);
    const again = await groups(gw);
    expect([...again.keys()].sort()).toEqual(["hour", "never"]);
    await eventually("a delete record for due2", () => journalEntries(file).some((entry) => entry.kind === "delete" && entry.labels[1] === "due2"));
    expect(again.get("hour")!.expires_at).toBe(before.get("hour")!.expires_at);
    expect(again.get("never")).not.toHaveProperty("expires_at");
    await stop(gw);
  });
});
