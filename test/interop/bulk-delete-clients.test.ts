// The official Go and Python clients around a bulk delete (#14): groups they pushed go by selector, the rest stays,
// and both clients push and delete their groups afterwards exactly as before.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { GO_BUILD_TIMEOUT_MS, goPush, nightlyBackup, startOursWithGoClient, stopOursAndGoClient } from "./clients.ts";

/** The groups go-client/main.go and python/nightly_backup.py push to, as a scrape shows their labels. */
const GO_GROUP = 'instance="worker/7",job="etl/nightly",shard="",zone="eu+west"';
const PYTHON_GROUP = 'instance="database-01",job="nightly_database_backup"';
const KEPT_GROUP = 'instance="",job="kept"';

let gw: Gateway;

beforeAll(async () => {
  gw = await startOursWithGoClient(["--web.enable-admin-api"]);
}, GO_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await stopOursAndGoClient(gw);
});

/** Which of the three groups the scrape shows, by their push_time_seconds series. */
async function present(): Promise<string[]> {
  const scrape = (await send(gw, "GET", "/metrics")).body;
  return [GO_GROUP, PYTHON_GROUP, KEPT_GROUP].filter((labels) => scrape.includes(`push_time_seconds{${labels}}`));
}

test("a bulk delete takes the Go and Python clients' groups; afterwards both push and delete as before", async () => {
  await goPush(gw, "push");
  await nightlyBackup(gw, "backup");
  expect((await send(gw, "PUT", "/metrics/job/kept", "kept_up 1\n")).status).toBe(200);
  expect(await present()).toEqual([GO_GROUP, PYTHON_GROUP, KEPT_GROUP]);

  // The Go client's job holds a slash and its shard is empty; both are plain values to a selector.
  const selector = '{job=~"etl/nightly|nightly_.*",shard=""}';
  const reply = await send(gw, "DELETE", `/api/v1/admin/groups?match[]=${encodeURIComponent(selector)}`);
  expect(JSON.parse(reply.body)).toEqual({ status: "success", data: { deleted: 2 } });
  expect(await present()).toEqual([KEPT_GROUP]);

  await goPush(gw, "push");
  await nightlyBackup(gw, "backup");
  expect(await present()).toEqual([GO_GROUP, PYTHON_GROUP, KEPT_GROUP]);
  await goPush(gw, "delete");
  await nightlyBackup(gw, "retire");
  expect(await present()).toEqual([KEPT_GROUP]);
});
