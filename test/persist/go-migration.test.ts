// Migration from the Go gateway: the real Go 1.5.1 writes its persistence file, ours starts on the same file and serves the same
// scrape (text and protobuf), keeps Go's file as a backup, rewrites it in its own format and restores that again (SPEC §8).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GO_BUILD_TIMEOUT_MS, PROTOBUF_ACCEPT, acquireGoClient, goPush, releaseGoClient } from "../interop/clients.ts";
import { OWN_PREFIXES, send } from "../helpers/http.ts";
import { type FamilyObject, decodeDelimited } from "../helpers/metrics-proto.ts";
import { persistenceSandbox } from "../helpers/persistence-sandbox.ts";
import { logEntries } from "../helpers/persistent-gateway.ts";
import type { Gateway } from "../helpers/start-server.ts";

/** `\x89PGWSNP\n`: the first bytes of our snapshot (src/persist/snapshot.ts). */
const OUR_MAGIC = Buffer.from([0x89, 0x50, 0x47, 0x57, 0x53, 0x4e, 0x50, 0x0a]);

/** `path` = "/var/tmp": a grouping value with `/` can only travel base64-encoded (SPEC §2.4). */
const BASE64_GROUP = "/metrics/job/nightly/path@base64/L3Zhci90bXA=";
/** Counters, a gauge, a summary, a histogram (each with HELP but the gauge), and an untyped series. */
const BATCH_TEXT = `# HELP jobs_done_total Jobs done.
# TYPE jobs_done_total counter
jobs_done_total{kind="a"} 3
jobs_done_total{kind="b"} 4.5
# TYPE temperature_celsius gauge
temperature_celsius{room="x"} -21.25
# HELP job_duration_seconds Duration of one job.
# TYPE job_duration_seconds summary
job_duration_seconds{quantile="0.5"} 0.25
job_duration_seconds{quantile="0.99"} 7
job_duration_seconds_sum 120.5
job_duration_seconds_count 90
# HELP payload_bytes Size of the payloads.
# TYPE payload_bytes histogram
payload_bytes_bucket{le="100"} 2
payload_bytes_bucket{le="1000"} 5
payload_bytes_bucket{le="+Inf"} 6
payload_bytes_sum 4321
payload_bytes_count 6
last_status 1e-07
`;
/** A second group holding a family of the first one (series from several groups in one family). */
const HOST_GROUP = "/metrics/job/nightly/instance/host-1";
const HOST_TEXT = `# HELP jobs_done_total Jobs done.
# TYPE jobs_done_total counter
jobs_done_total{kind="a"} 11
`;

let root: string;
let file: string;
/** Go's file as Go wrote it at its shutdown. */
let goFile: Uint8Array;
/** Go's scrapes, taken while it was still running. */
let goText: string;
let goProtobuf: Uint8Array;
const sandbox = persistenceSandbox("pg-go-migration-", { jsonLog: true });
const { tempDir, startGo, stop } = sandbox;

async function scrapeText(gw: Gateway): Promise<string> {
  const reply = await send(gw, "GET", "/metrics");
  expect(reply.status).toBe(200);
  return reply.body;
}

async function scrapeProtobuf(gw: Gateway): Promise<Uint8Array> {
  const response = await fetch(`${gw.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT }, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("application/vnd.google.protobuf");
  return new Uint8Array(await response.arrayBuffer());
}

const isOwn = (name: string): boolean => OWN_PREFIXES.some((prefix) => name.startsWith(prefix));

/**
 * A text scrape as families: name → its HELP and TYPE lines and its sample lines as a sorted set. Series
 * order within a family differs by design (D3: ours goes group by group), so only the set is compared.
 * Values are kept as printed: `push_time_seconds` must be equal to the digit.
 */
function textFamilies(text: string): Record<string, { header: string[]; samples: string[] }> {
  const families: Record<string, { header: string[]; samples: string[] }> = {};
  let current: { header: string[]; samples: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    if (comment) {
      current = families[comment[1]!] ??= { header: [], samples: [] };
      current.header.push(line);
    } else {
      current!.samples.push(line);
    }
  }
  for (const name of Object.keys(families)) {
    if (isOwn(name)) delete families[name];
    else families[name]!.samples.sort();
  }
  return families;
}

/** A protobuf scrape as families: name → the family without its metrics, and its metrics as a sorted set (JSON). */
function protobufFamilies(body: Uint8Array): Record<string, { family: FamilyObject; metrics: string[] }> {
  const families: Record<string, { family: FamilyObject; metrics: string[] }> = {};
  for (const { metric, ...family } of decodeDelimited(body)) {
    const name = family.name as string;
    if (isOwn(name)) continue;
    families[name] = { family, metrics: (metric as unknown[]).map((m) => JSON.stringify(m)).sort() };
  }
  return families;
}

/** Ours on `dir`'s persistence file. */
const startOurs = (dir: string): Promise<Gateway> => sandbox.start(join(dir, "pg.data"));

beforeAll(async () => {
  root = tempDir();
  const dir = join(root, "migrate");
  mkdirSync(dir);
  file = join(dir, "pg.data");
  // The Go gateway starts while the client builds; whatever started is stopped in afterAll if the other failed.
  const [started, built] = await Promise.allSettled([startGo(file, ["--persistence.interval=1h"]), acquireGoClient()]);
  if (started.status === "rejected") throw started.reason;
  const go = started.value;
  if (built.status === "rejected") throw built.reason;
  // Nothing is written before the interval; the file appears at shutdown.
  expect((await send(go, "PUT", BASE64_GROUP, BATCH_TEXT)).status).toBe(200);
  expect((await send(go, "POST", HOST_GROUP, HOST_TEXT)).status).toBe(200);
  // Protobuf through the official client, native histograms included (group {job="etl/nightly",…}).
  await goPush(go, "push");
  // A failed push creates its group: push_time_seconds 0, push_failure_time_seconds now (SPEC §3.3).
  const failed = await send(go, "PUT", "/metrics/job/failed-first", "x 1 123\n");
  expect(failed.status).toBe(400);
  goText = await scrapeText(go);
  goProtobuf = await scrapeProtobuf(go);
  expect(await stop(go)).toBe(0);
  goFile = new Uint8Array(readFileSync(file));
}, GO_BUILD_TIMEOUT_MS);

afterAll(async () => {
  try {
    await sandbox.cleanup();
  } finally {
    await releaseGoClient();
  }
});

describe("migration from the Go gateway's persistence file", () => {
  test("Go's scrape covers what the test pushed (the comparison below is not between two empty stores)", () => {
    const families = textFamilies(goText);
    expect(Object.keys(families)).toEqual(expect.arrayContaining([
      "etl_request_latency_seconds",
      "jobs_done_total",
      "job_duration_seconds",
      "last_status",
      "payload_bytes",
      "push_failure_time_seconds",
      "push_time_seconds",
      "temperature_celsius",
    ]));
    expect(families.jobs_done_total!.samples).toHaveLength(3);
    expect(families.push_time_seconds!.samples).toContain('push_time_seconds{instance="",job="failed-first"} 0');
    expect(families.push_time_seconds!.samples).toHaveLength(4);
    expect(goFile.subarray(0, 8)).not.toEqual(new Uint8Array(OUR_MAGIC));
  });

  test("ours starts on Go's file: the same scrape, text and protobuf, family by family; Go's file is kept as pg.data.go-backup", async () => {
    const gw = await startOurs(join(root, "migrate"));
    try {
      expect(logEntries(gw).find((entry) => entry.msg === "imported the Go gateway's persistence file"), gw.log()).toMatchObject({ file, groups: 4 });
      expect(textFamilies(await scrapeText(gw))).toEqual(textFamilies(goText));
      expect(protobufFamilies(await scrapeProtobuf(gw))).toEqual(protobufFamilies(goProtobuf));
      expect(readFileSync(`${file}.go-backup`)).toEqual(Buffer.from(goFile));
    } finally {
      expect(await stop(gw)).toBe(0);
    }
  });

  test("after ours has written, pg.data is our format and a restart restores the same scrape again", async () => {
    expect(readFileSync(file).subarray(0, 8)).toEqual(OUR_MAGIC);
    // The backup is Go's file still: a second start does not import (nor back up) anything again.
    expect(readFileSync(`${file}.go-backup`)).toEqual(Buffer.from(goFile));
    const gw = await startOurs(join(root, "migrate"));
    try {
      expect(logEntries(gw).find((entry) => entry.msg === "restored metrics"), gw.log()).toMatchObject({ file, groups: 4 });
      expect(textFamilies(await scrapeText(gw))).toEqual(textFamilies(goText));
      expect(protobufFamilies(await scrapeProtobuf(gw))).toEqual(protobufFamilies(goProtobuf));
    } finally {
      expect(await stop(gw)).toBe(0);
    }
    expect(readFileSync(`${file}.go-backup`)).toEqual(Buffer.from(goFile));
  });

  test("a Go file cut short is set aside as corrupt like any other: logged, kept byte for byte, start-up goes on empty", async () => {
    const dir = join(root, "truncated");
    mkdirSync(dir);
    const cut = goFile.subarray(0, goFile.length >> 1);
    const path = join(dir, "pg.data");
    writeFileSync(path, cut);
    const gw = await startOurs(dir);
    try {
      const said = logEntries(gw).find((entry) => entry.level === "error" && entry.file === path);
      expect(said, gw.log()).toBeDefined();
      expect(String(said!.err)).toStartWith("go persistence file: ");
      const aside = readdirSync(dir).filter((name) => name.startsWith("pg.data.corrupt-"));
      expect(aside).toHaveLength(1);
      expect(said!.moved_to).toBe(join(dir, aside[0]!));
      expect(readFileSync(join(dir, aside[0]!))).toEqual(Buffer.from(cut));
      expect(existsSync(`${path}.go-backup`)).toBe(false);
      expect(textFamilies(await scrapeText(gw))).toEqual({});
    } finally {
      expect(await stop(gw)).toBe(0);
    }
  });
});
