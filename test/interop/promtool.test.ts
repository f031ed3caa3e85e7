// After the Go, Python and Node clients have pushed, every text scrape of ours passes `promtool check metrics`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import type { Gateway } from "../helpers/start-server.ts";
import {
  GO_BUILD_TIMEOUT_MS,
  PROMTOOL,
  goPush,
  nightlyBackup,
  promClient,
  run,
  startOursWithGoClient,
  stopOursAndGoClient,
  typesOf,
} from "./clients.ts";

/**
 * The only findings allowed: prom-client's default metrics name three gauges `…_total`, which promtool's
 * linter flags (exit code 3). They are the client's names, passed through unchanged; a parse error
 * (exit code 1) or any other finding fails the test.
 */
const PROM_CLIENT_LINT = [
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
];

/** One family from each client, so a scrape that lost a client's push cannot pass. */
const FROM_EVERY_CLIENT: [string, string][] = [
  ["etl_request_latency_seconds", "histogram"], // Go, native histogram (classic view in text)
  ["etl_record_size_bytes", "summary"], // Go
  ["backup_written_bytes_total", "counter"], // Python
  ["backup_rows", "gauge"], // Python
  ["nodejs_heap_size_total_bytes", "gauge"], // prom-client default metrics
  ["process_cpu_seconds_total", "counter"], // ours and pushed by prom-client, one family
  ["report_render_seconds", "histogram"], // prom-client
];

/** Prometheus 2.x's default scrape Accept header: OpenMetrics first, which the gateway answers with text. */
const PROMETHEUS_ACCEPT =
  "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

let gw: Gateway;

beforeAll(async () => {
  gw = await startOursWithGoClient();
  await goPush(gw, "push");
  await goPush(gw, "add");
  await nightlyBackup(gw, "backup");
  await nightlyBackup(gw, "verify");
  const node = await promClient(gw, { method: "push", jobName: "report_mailer", groupings: { instance: "node-01" } });
  expect(node.status).toBe(200);
}, GO_BUILD_TIMEOUT_MS);

afterAll(() => stopOursAndGoClient(gw));

/** Runs `promtool check metrics` on `exposition`; resolves with its exit code and output lines. */
async function promtool(exposition: string): Promise<{ exitCode: number; findings: string[] }> {
  const finished = await run([PROMTOOL, "check", "metrics"], { stdin: new TextEncoder().encode(exposition) });
  const output = new TextDecoder().decode(finished.stdout) + finished.stderr;
  return { exitCode: finished.exitCode, findings: output.split("\n").filter((line) => line !== "").toSorted() };
}

/** GET /metrics with `headers`; checks the status and Content-Type and returns the (decompressed) text. */
async function scrape(headers: Record<string, string>, gzipped: boolean): Promise<string> {
  const response = await fetch(`${gw.url}/metrics`, { headers, decompress: false, signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("text/plain; version=0.0.4; charset=utf-8");
  expect(response.headers.get("content-encoding")).toBe(gzipped ? "gzip" : null);
  const body = new Uint8Array(await response.arrayBuffer());
  return new TextDecoder().decode(gzipped ? gunzipSync(body) : body);
}

describe("promtool check metrics after real clients pushed", () => {
  // The lint must be able to fail, or a clean result proves nothing.
  test("promtool flags a parse error and a lint problem", async () => {
    expect((await promtool("a{b=\"1\" 1\n")).exitCode).toBe(1);
    expect(await promtool("# HELP x_total X.\n# TYPE x_total gauge\nx_total 1\n")).toEqual({
      exitCode: 3,
      findings: ['x_total non-counter metrics should not have "_total" suffix'],
    });
  });

  test.each([
    ["no Accept header", {}, false],
    ["Prometheus's default Accept header", { Accept: PROMETHEUS_ACCEPT }, false],
    ["gzip", { "Accept-Encoding": "gzip" }, true],
  ] as const)("the text scrape with %s parses and lints clean but for prom-client's own names", async (_, headers, gzipped) => {
    const exposition = await scrape(headers, gzipped);
    const types = typesOf(exposition);
    for (const [name, type] of FROM_EVERY_CLIENT) expect([name, types.get(name)]).toEqual([name, type]);
    expect(await promtool(exposition)).toEqual({ exitCode: 3, findings: PROM_CLIENT_LINT });
  });
});
