// Damaged persistence files at start-up, with the real gateway: it starts and serves what could be read, logs the file and
// the problem, sets the damaged file aside byte for byte, and loses nothing pushed afterwards (SPEC §8, D6).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JOURNAL_VERSION } from "../../src/persist/journal-format.ts";
import { SNAPSHOT_VERSION } from "../../src/persist/snapshot.ts";
import { send } from "../helpers/http.ts";
import { persistenceSandbox } from "../helpers/persistence-sandbox.ts";
import { type LogEntry, logEntries } from "../helpers/persistent-gateway.ts";
import { seededRandom } from "../helpers/seeded-random.ts";
import type { Gateway } from "../helpers/start-server.ts";

const FILE = "pg.data";
/** The journal the fixture's second run writes: the generation the first run's last snapshot names. */
let journalName: string;
/** Written by our gateway: groups a and b, pushed, then a clean stop (the shutdown snapshot). */
let snapshotBytes: Uint8Array;
/** Written by our gateway on top of `snapshotBytes`: groups c, d, e pushed, then SIGKILL (three records, no snapshot). */
let journalBytes: Uint8Array;
/** Where each record of `journalBytes` starts (its length field). */
let recordOffsets: number[];

const sandbox = persistenceSandbox("pg-bad-files-", { jsonLog: true });
const { tempDir, stop, crash } = sandbox;
afterAll(sandbox.cleanup);

/** Our gateway on `dir`'s persistence file. */
const start = (dir: string): Promise<Gateway> => sandbox.start(join(dir, FILE));

/** PUT `items_total <value>` into the group {job="bad",instance=<instance>}; fails the test unless it is 200. */
async function push(gw: Gateway, instance: string, value: number): Promise<void> {
  const reply = await send(gw, "PUT", `/metrics/job/bad/instance/${instance}`, `# TYPE items_total counter\nitems_total ${value}\n`);
  expect(reply.status, reply.body).toBe(200);
}

/** The pushed series the gateway serves, sorted. */
async function items(gw: Gateway): Promise<string[]> {
  const reply = await send(gw, "GET", "/metrics");
  expect(reply.status).toBe(200);
  return reply.body.split("\n").filter((line) => line.startsWith("items_total{")).sort();
}

const item = (instance: string, value: number): string => `items_total{instance="${instance}",job="bad"} ${value}`;
const A_B = [item("a", 1), item("b", 2)];

/** The records of a journal file: a 16-byte header, then per record a u32 payload length, a u32 CRC and the payload. */
function recordsOf(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const offsets: number[] = [];
  // The file is preallocated: a zero length where a record would start is the end of the records.
  for (let at = 16; at + 8 <= bytes.length && view.getUint32(at, true) > 0; at += 8 + view.getUint32(at, true)) offsets.push(at);
  return offsets;
}

/** `bytes` with the little-endian u32 at `offset` (a format version) set to `value`. */
function withU32(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  new DataView(copy.buffer).setUint32(offset, value, true);
  return copy;
}

beforeAll(async () => {
  const dir = tempDir();
  let gw = await start(dir);
  await push(gw, "a", 1);
  await push(gw, "b", 2);
  expect(await stop(gw)).toBe(0);
  expect(readdirSync(dir)).toEqual([FILE]);
  snapshotBytes = new Uint8Array(readFileSync(join(dir, FILE)));
  gw = await start(dir);
  await push(gw, "c", 3);
  await push(gw, "d", 4);
  await push(gw, "e", 5);
  // Killed: no shutdown snapshot, so the three pushes are in the journal only.
  await crash(gw);
  const journals = readdirSync(dir).filter((name) => name.startsWith(`${FILE}.journal-`));
  expect(journals).toHaveLength(1);
  journalName = journals[0]!;
  expect(readFileSync(join(dir, FILE))).toEqual(Buffer.from(snapshotBytes));
  journalBytes = new Uint8Array(readFileSync(join(dir, journalName)));
  recordOffsets = recordsOf(journalBytes);
  expect(recordOffsets).toHaveLength(3);
});

/** One damaged start: the files laid out before it, what the gateway must say, and what it must serve. */
interface BadFile {
  what: string;
  /** File name → bytes; `journal` stands for the fixture journal's name. */
  files: () => Record<string, Uint8Array>;
  /** The file the log must name and that must be set aside (`journal` as above). */
  damaged: string;
  /** What the log line must say is wrong with it. */
  problem: () => string;
  /** The series served after the start. */
  restored: () => string[];
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const random = seededRandom(20261206);

const CASES: BadFile[] = [
  {
    // A copy cut short (a full disk, a half-finished copy by hand): the checksum at the end no longer holds.
    what: "a snapshot cut in half",
    files: () => ({ [FILE]: snapshotBytes.subarray(0, snapshotBytes.length >> 1) }),
    damaged: FILE,
    problem: () => "checksum mismatch: the file is cut short or damaged",
    restored: () => [],
  },
  {
    // A bit flip on disk inside a group's bytes: all or nothing, the snapshot is not half taken.
    what: "a snapshot with one flipped byte",
    files: () => {
      const bytes = Uint8Array.from(snapshotBytes);
      bytes[bytes.length >> 1]! ^= 0x40;
      return { [FILE]: bytes };
    },
    damaged: FILE,
    problem: () => "checksum mismatch: the file is cut short or damaged",
    restored: () => [],
  },
  {
    // `touch`ed by an operator or a provisioning tool before the first start.
    what: "an empty file",
    files: () => ({ [FILE]: new Uint8Array(0) }),
    damaged: FILE,
    problem: () => "the file is empty",
    restored: () => [],
  },
  {
    // --persistence.file pointed at the wrong file: it must not be overwritten by our first snapshot.
    what: "a text file",
    files: () => ({ [FILE]: text("# my notes\nsome_metric 1\n") }),
    damaged: FILE,
    problem: () => "neither a snapshot of this gateway nor a Go gateway's file",
    restored: () => [],
  },
  {
    what: "random bytes",
    files: () => ({ [FILE]: Uint8Array.from({ length: 4096 }, () => Math.floor(random() * 256)) }),
    damaged: FILE,
    problem: () => "neither a snapshot of this gateway nor a Go gateway's file",
    restored: () => [],
  },
  {
    // A downgrade after a newer gateway wrote the file: kept aside for that newer gateway, never guessed at.
    what: "a snapshot of a newer format version",
    files: () => ({ [FILE]: withU32(snapshotBytes, 8, SNAPSHOT_VERSION + 1) }),
    damaged: FILE,
    problem: () => `snapshot format version ${SNAPSHOT_VERSION + 1} is newer than this gateway's ${SNAPSHOT_VERSION}`,
    restored: () => [],
  },
  {
    // The second of three records damaged: the first is taken, the rest of the file is kept aside.
    what: "a journal with a damaged record in the middle",
    files: () => {
      const bytes = Uint8Array.from(journalBytes);
      bytes[recordOffsets[2]! - 1]! ^= 0x01;
      return { [FILE]: snapshotBytes, [journalName]: bytes };
    },
    damaged: "journal",
    problem: () => `record checksum mismatch at byte ${recordOffsets[1]}; the 1 records before it were restored`,
    restored: () => [...A_B, item("c", 3)],
  },
  {
    // A journal of a newer gateway: none of its records are trusted; the snapshot before it still is.
    what: "a journal of a newer format version",
    files: () => ({ [FILE]: snapshotBytes, [journalName]: withU32(journalBytes, 8, JOURNAL_VERSION + 1) }),
    damaged: "journal",
    problem: () => `journal format version ${JOURNAL_VERSION + 1} is newer than this gateway's ${JOURNAL_VERSION}`,
    restored: () => A_B,
  },
];

/** The one file in `dir` set aside from `name`, if any. */
function asideOf(dir: string, name: string): string[] {
  return readdirSync(dir).filter((entry) => entry.startsWith(`${name}.corrupt-`));
}

function errorLine(entries: LogEntry[], path: string): LogEntry | undefined {
  return entries.find((entry) => entry.level === "error" && entry.file === path);
}

describe("a damaged persistence file at start-up", () => {
  test.each(CASES.map((c) => [c.what, c] as const))("%s: the gateway starts, says why, keeps the bytes aside and serves what could be read", async (_what, c) => {
    const dir = tempDir();
    const files = c.files();
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const damagedName = c.damaged === "journal" ? journalName : c.damaged;
    const damagedBytes = Buffer.from(files[damagedName]!);

    let gw = await start(dir);
    const said = errorLine(logEntries(gw), join(dir, damagedName));
    expect(said, gw.log()).toBeDefined();
    expect(said!.err).toBe(c.problem());
    const aside = asideOf(dir, damagedName);
    expect(aside).toHaveLength(1);
    expect(said!.moved_to).toBe(join(dir, aside[0]!));
    expect(readFileSync(join(dir, aside[0]!))).toEqual(damagedBytes);
    expect(await items(gw)).toEqual(c.restored());

    // Nothing acknowledged from now on is lost, even in a crash, and the damaged bytes are still not overwritten.
    await push(gw, "z", 26);
    await crash(gw);
    gw = await start(dir);
    expect(await items(gw)).toEqual([...c.restored(), item("z", 26)].sort());
    expect(errorLine(logEntries(gw), join(dir, damagedName))).toBeUndefined();
    expect(asideOf(dir, damagedName)).toEqual(aside);
    expect(readFileSync(join(dir, aside[0]!))).toEqual(damagedBytes);
    await stop(gw);
  });

  test("a torn last journal record (a crash mid-write) is dropped with a warning, and the journal is not set aside", async () => {
    const dir = tempDir();
    const cut = recordOffsets[2]! + 8 + 3;
    writeFileSync(join(dir, FILE), snapshotBytes);
    writeFileSync(join(dir, journalName), journalBytes.subarray(0, cut));

    let gw = await start(dir);
    const entries = logEntries(gw);
    const warning = entries.find((entry) => entry.level === "warn" && entry.file === join(dir, journalName));
    expect(warning, gw.log()).toMatchObject({ msg: "dropped a torn last journal record", offset: recordOffsets[2], reason: "record cut short", records: 2 });
    expect(entries.filter((entry) => entry.level === "error"), gw.log()).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.includes(".corrupt-"))).toEqual([]);
    expect(await items(gw)).toEqual([...A_B, item("c", 3), item("d", 4)]);

    await push(gw, "z", 26);
    await crash(gw);
    gw = await start(dir);
    expect(await items(gw)).toEqual([...A_B, item("c", 3), item("d", 4), item("z", 26)]);
    expect(readdirSync(dir).filter((name) => name.includes(".corrupt-"))).toEqual([]);
    await stop(gw);
  });

  test("the fixture itself restores whole: without damage, all five groups come back and nothing is set aside", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, FILE), snapshotBytes);
    writeFileSync(join(dir, journalName), journalBytes);
    const gw = await start(dir);
    expect(await items(gw)).toEqual([...A_B, item("c", 3), item("d", 4), item("e", 5)]);
    expect(logEntries(gw).filter((entry) => entry.level !== "info" && entry.level !== "debug"), gw.log()).toEqual([]);
    expect(existsSync(join(dir, FILE))).toBe(true);
    expect(readdirSync(dir).filter((name) => name.includes(".corrupt-"))).toEqual([]);
    await stop(gw);
  });
});
