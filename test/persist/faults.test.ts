// Persistence faults while the gateway runs, with real processes and directories: a missing directory, a read-only one, a
// failing snapshot and a failing shutdown write. A write is acknowledged only once durable (D6), and none acknowledged is lost.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Reply, send } from "../helpers/http.ts";
import { persistenceSandbox } from "../helpers/persistence-sandbox.ts";
import { GATEWAY_USER, giveToGatewayUser, logEntries } from "../helpers/persistent-gateway.ts";
import type { Gateway } from "../helpers/start-server.ts";

const { tempDir, start, stop, crash, cleanup } = persistenceSandbox("pg-faults-", { jsonLog: true });
/** The read-only tests run the gateway as GATEWAY_USER, whom a directory's mode binds (root ignores it). */
const AS_GATEWAY_USER = { asGatewayUser: true };
let root: string;

beforeAll(() => {
  root = tempDir();
  // mkdtemp makes it 0700: the gateway user must be able to reach the directories inside.
  chmodSync(root, 0o755);
});

afterAll(cleanup);

/** PUT `runs_total <value>` into the group {job="faults",instance=<instance>}. */
function push(gw: Gateway, instance: string, value: number): Promise<Reply> {
  return send(gw, "PUT", `/metrics/job/faults/instance/${instance}`, `# TYPE runs_total counter\nruns_total ${value}\n`);
}

const run = (instance: string, value: number): string => `runs_total{instance="${instance}",job="faults"} ${value}`;

/** What a scrape shows: the pushed series (sorted) and the persistence error count. */
async function scrape(gw: Gateway): Promise<{ runs: string[]; errors: number }> {
  const reply = await send(gw, "GET", "/metrics");
  expect(reply.status).toBe(200);
  const errors = /^pushgateway_persistence_errors_total (\S+)$/m.exec(reply.body);
  expect(errors).not.toBeNull();
  return { runs: reply.body.split("\n").filter((line) => line.startsWith("runs_total{")).sort(), errors: Number(errors![1]) };
}

/** Polls until `done` holds (at most `timeoutMs`), and returns the last scrape. */
async function scrapeUntil(gw: Gateway, done: (s: { runs: string[]; errors: number }) => boolean, timeoutMs = 5_000): Promise<{ runs: string[]; errors: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await scrape(gw);
    if (done(s) || Date.now() > deadline) return s;
    await Bun.sleep(50);
  }
}

/** The first 503 of a fault: the change is in memory, but the client is told it is not durable. */
const NOT_DURABLE = /^the change was applied but could not be made durable: /;
/** Later writes while the fault lasts: refused before they change anything. */
const REFUSED = /^cannot persist the change, so it was not applied: /;

describe("persistence faults while running", () => {
  test("a missing directory: writes answer 503 with the reason and are counted; once it exists, writes succeed and every 2xx survives a restart", async () => {
    const dir = join(root, "missing");
    const file = join(dir, "pg.data");
    let gw = await start(file);
    expect((await scrape(gw)).errors).toBe(0);

    const first = await push(gw, "p1", 1);
    expect(first.status).toBe(503);
    expect(first.body).toMatch(NOT_DURABLE);
    expect(first.body).toContain("ENOENT");
    expect((await scrape(gw)).errors).toBeGreaterThanOrEqual(1);

    const before = (await scrape(gw)).runs;
    const second = await push(gw, "p2", 2);
    expect(second.status).toBe(503);
    expect(second.body).toMatch(REFUSED);
    expect(second.body).toContain("ENOENT");
    const deleted = await send(gw, "DELETE", "/metrics/job/faults/instance/p1");
    expect(deleted.status).toBe(503);
    expect(deleted.body).toMatch(REFUSED);
    // Refused writes change nothing.
    expect((await scrape(gw)).runs).toEqual(before);

    mkdirSync(dir);
    const third = await push(gw, "p3", 3);
    expect(third.status, third.body).toBe(200);
    const deleteAfter = await send(gw, "DELETE", "/metrics/job/faults/instance/p3");
    expect(deleteAfter.status).toBe(202);
    const fourth = await push(gw, "p4", 4);
    expect(fourth.status).toBe(200);
    const served = (await scrape(gw)).runs;
    expect(served).toContain(run("p4", 4));
    expect(served).not.toContain(run("p2", 2));
    expect(served).not.toContain(run("p3", 3));

    await crash(gw);
    gw = await start(file);
    // Everything acknowledged is there (and the first 503'd change, whose record was written once it could be).
    expect((await scrape(gw)).runs).toEqual(served);
    expect(await stop(gw)).toBe(0);
    gw = await start(file);
    expect((await scrape(gw)).runs).toEqual(served);
    expect(await stop(gw)).toBe(0);
  });

  test("a journal file removed while in use: the next write is not acknowledged as durable, a snapshot makes everything durable again, and no 2xx is lost", async () => {
    const dir = join(root, "removed");
    mkdirSync(dir);
    const file = join(dir, "pg.data");
    let gw = await start(file);
    expect((await push(gw, "r1", 1)).status).toBe(200);
    const journal = readdirSync(dir).find((name) => name.includes(".journal-"));
    expect(journal).toBeDefined();
    rmSync(join(dir, journal!));
    // fsync on a file no path leads to succeeds; the gateway must notice that the record went nowhere.
    const second = await push(gw, "r2", 2);
    expect(second.status).toBe(503);
    expect(second.body).toMatch(NOT_DURABLE);
    expect(second.body).toContain("was removed while in use");
    // Within about a second a snapshot holds everything applied, r1 and r2 included, and writes are acknowledged again.
    let third: Reply | undefined;
    for (let i = 0; i < 60 && third?.status !== 200; i++) {
      await Bun.sleep(100);
      third = await push(gw, "r3", 3);
    }
    expect(third?.status, third?.body).toBe(200);
    const served = (await scrape(gw)).runs;
    expect(served).toEqual([run("r1", 1), run("r2", 2), run("r3", 3)]);
    await crash(gw);
    gw = await start(file);
    expect((await scrape(gw)).runs).toEqual(served);
    expect(await stop(gw)).toBe(0);
  });

  test(`a read-only directory (gateway run as ${GATEWAY_USER.name}): a failing snapshot is logged and counted while scrapes go on; writes answer 503 until it is writable again, and no 2xx is lost`, async () => {
    const dir = join(root, "read-only");
    mkdirSync(dir);
    giveToGatewayUser(dir);
    const file = join(dir, "pg.data");
    // A short interval, so that the snapshot after the first push comes while the directory is read-only.
    let gw = await start(file, ["--persistence.interval=1500ms"], AS_GATEWAY_USER);
    const first = await push(gw, "p1", 1);
    expect(first.status, first.body).toBe(200);

    // The journal's file is open already: a directory's mode does not stop writes to it. The snapshot needs a
    // new file (its temp file), and it starts a new journal generation, which needs a new file too.
    chmodSync(dir, 0o555);
    // The snapshot is due 1.5 s after the gateway's start: it must come after the chmod to fail.
    expect(readdirSync(dir)).toEqual(["pg.data.journal-0"]);
    const failed = await scrapeUntil(gw, (s) => s.errors >= 1);
    expect(failed.errors, gw.log()).toBeGreaterThanOrEqual(1);
    expect(failed.runs).toEqual([run("p1", 1)]);
    const snapshotError = logEntries(gw).find((entry) => entry.level === "error" && entry.msg === "error persisting metrics (snapshot)");
    expect(snapshotError, gw.log()).toMatchObject({ file });
    expect(String(snapshotError!.err)).toContain("EACCES");

    const second = await push(gw, "p2", 2);
    expect(second.status).toBe(503);
    expect(second.body).toMatch(NOT_DURABLE);
    expect(second.body).toContain("EACCES");
    const before = (await scrape(gw)).runs;
    const third = await push(gw, "p3", 3);
    expect(third.status).toBe(503);
    expect(third.body).toMatch(REFUSED);
    expect((await scrape(gw)).runs).toEqual(before);
    expect(before).not.toContain(run("p3", 3));

    chmodSync(dir, 0o755);
    const fourth = await push(gw, "p4", 4);
    expect(fourth.status, fourth.body).toBe(200);
    const served = (await scrape(gw)).runs;
    expect(served).toContain(run("p1", 1));
    expect(served).toContain(run("p4", 4));

    await crash(gw);
    expect(readdirSync(dir).filter((name) => name.includes(".in_progress."))).toEqual([]);
    gw = await start(file, [], AS_GATEWAY_USER);
    expect((await scrape(gw)).runs).toEqual(served);
    expect(await stop(gw)).toBe(0);
  });

  test(`a read-only directory at start (gateway run as ${GATEWAY_USER.name}): the journal cannot create its file, so the first push is 503`, async () => {
    const dir = join(root, "read-only-at-start");
    mkdirSync(dir);
    giveToGatewayUser(dir);
    chmodSync(dir, 0o555);
    const file = join(dir, "pg.data");
    let gw = await start(file, [], AS_GATEWAY_USER);
    const first = await push(gw, "p1", 1);
    expect(first.status).toBe(503);
    expect(first.body).toMatch(NOT_DURABLE);
    expect(first.body).toContain("EACCES");
    const second = await push(gw, "p2", 2);
    expect(second.status).toBe(503);
    expect(second.body).toMatch(REFUSED);

    chmodSync(dir, 0o755);
    const third = await push(gw, "p3", 3);
    expect(third.status, third.body).toBe(200);
    const served = (await scrape(gw)).runs;
    expect(served).toContain(run("p3", 3));
    expect(served).not.toContain(run("p2", 2));
    await crash(gw);
    gw = await start(file, [], AS_GATEWAY_USER);
    expect((await scrape(gw)).runs).toEqual(served);
    expect(await stop(gw)).toBe(0);
  });

  test(`a failing shutdown write is logged and the gateway still exits 0, as Go's does (run as ${GATEWAY_USER.name}); the journal still holds every 2xx`, async () => {
    const dir = join(root, "shutdown");
    mkdirSync(dir);
    giveToGatewayUser(dir);
    const file = join(dir, "pg.data");
    let gw = await start(file, [], AS_GATEWAY_USER);
    expect((await push(gw, "p1", 1)).status).toBe(200);
    expect((await push(gw, "p2", 2)).status).toBe(200);
    chmodSync(dir, 0o555);
    expect(await stop(gw)).toBe(0);
    const failure = logEntries(gw).find((entry) => entry.level === "error" && entry.msg === "error persisting metrics (snapshot)");
    expect(failure, gw.log()).toMatchObject({ file });
    expect(String(failure!.err)).toContain("EACCES");

    chmodSync(dir, 0o755);
    gw = await start(file, [], AS_GATEWAY_USER);
    expect((await scrape(gw)).runs).toEqual([run("p1", 1), run("p2", 2)]);
    expect(await stop(gw)).toBe(0);
  });
});
