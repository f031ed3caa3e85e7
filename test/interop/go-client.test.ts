// The official Go client (Debian's client_golang 1.14 push package) against our gateway: Push, Add, Delete,
// base64 grouping values, and native histograms that come back bit for bit in a protobuf scrape (SPEC §2.4, §4.4, §4.6, §6.3).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { scrapePushed, send } from "../helpers/http.ts";
import { type FamilyObject, decodeDelimited } from "../helpers/metrics-proto.ts";
import type { Gateway } from "../helpers/start-server.ts";
import {
  GO_BUILD_TIMEOUT_MS,
  NATIVE_LATENCY_HISTOGRAM,
  PROTOBUF_ACCEPT,
  eventually,
  goPush,
  startOursWithGoClient,
  stopOursAndGoClient,
} from "./clients.ts";

/**
 * The group every action of go-client/main.go addresses. The client sends job and instance as `@base64`
 * (they hold `/`), shard as `shard@base64/=` (empty) and zone with url.QueryEscape, so `eu west` arrives
 * as `eu+west` and stays that (`+` is literal in a path, SPEC §2.2).
 */
const GROUP = 'instance="worker/7",job="etl/nightly",shard="",zone="eu+west"';

/** The text scrape after `push`, reduced by `scrapePushed` (own families dropped, push time masked). */
const AFTER_PUSH = `# HELP etl_batch_duration_seconds Time per batch.
# TYPE etl_batch_duration_seconds histogram
etl_batch_duration_seconds_bucket{${GROUP},le="1"} 1
etl_batch_duration_seconds_bucket{${GROUP},le="5"} 3
etl_batch_duration_seconds_bucket{${GROUP},le="30"} 3
etl_batch_duration_seconds_bucket{${GROUP},le="+Inf"} 4
etl_batch_duration_seconds_sum{${GROUP}} 48.5
etl_batch_duration_seconds_count{${GROUP}} 4
# HELP etl_payload_bytes Payload size (classic and native buckets).
# TYPE etl_payload_bytes histogram
etl_payload_bytes_bucket{${GROUP},le="1024"} 1
etl_payload_bytes_bucket{${GROUP},le="65536"} 3
etl_payload_bytes_bucket{${GROUP},le="+Inf"} 4
etl_payload_bytes_sum{${GROUP}} 104608
etl_payload_bytes_count{${GROUP}} 4
# HELP etl_queue_depth Batches waiting.
# TYPE etl_queue_depth gauge
etl_queue_depth{${GROUP}} 17
# HELP etl_record_size_bytes Size of one record.
# TYPE etl_record_size_bytes summary
etl_record_size_bytes{${GROUP},quantile="0.5"} 300
etl_record_size_bytes{${GROUP},quantile="0.9"} 500
etl_record_size_bytes_sum{${GROUP}} 1500
etl_record_size_bytes_count{${GROUP}} 5
# HELP etl_request_latency_seconds Latency of source requests (native only).
# TYPE etl_request_latency_seconds histogram
etl_request_latency_seconds_bucket{${GROUP},le="+Inf"} 8
etl_request_latency_seconds_sum{${GROUP}} 301.501
etl_request_latency_seconds_count{${GROUP}} 8
# HELP etl_rows_processed_total Rows processed by the nightly ETL run.
# TYPE etl_rows_processed_total counter
etl_rows_processed_total{${GROUP}} 1200
# HELP push_failure_time_seconds Last Unix time when changing this group in the Pushgateway failed.
# TYPE push_failure_time_seconds gauge
push_failure_time_seconds{${GROUP}} 0
# HELP push_time_seconds Last Unix time when changing this group in the Pushgateway succeeded.
# TYPE push_time_seconds gauge
push_time_seconds{${GROUP}} <t>
`;

/** The native histograms' names in go-client/main.go. */
const NATIVE = ["etl_payload_bytes", "etl_request_latency_seconds"];

let gw: Gateway;

beforeAll(async () => {
  // The build is cached for the other interop files.
  gw = await startOursWithGoClient();
}, GO_BUILD_TIMEOUT_MS);

afterAll(() => stopOursAndGoClient(gw));

/** Sample lines of the text scrape, own families dropped and push times masked. */
async function samples(): Promise<string[]> {
  const scrape = await scrapePushed(gw);
  expect(scrape.status).toBe(200);
  return scrape.samples;
}

/** The label pairs of a protobuf family's first metric, as `name=value` strings. */
function labelPairs(family: FamilyObject): string[] {
  const metric = (family.metric as { label?: { name: string; value: string }[] }[])[0]!;
  return (metric.label ?? []).map(({ name, value }) => `${name}=${value}`);
}

describe("Go client (client_golang push)", () => {
  test("Push (PUT) stores every family with the grouping labels, base64 and empty values decoded", async () => {
    await goPush(gw, "push");
    const scrape = await scrapePushed(gw);
    expect(scrape.status).toBe(200);
    expect(scrape.text).toBe(AFTER_PUSH);
  });

  test("a protobuf scrape returns the native histograms exactly as the client pushed them", async () => {
    const pushed = decodeDelimited(await goPush(gw, "push"));
    expect(pushed.map((family) => family.name)).toEqual(NATIVE);

    const response = await fetch(`${gw.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT }, signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith(PROTOBUF_ACCEPT);
    const scraped = new Map(decodeDelimited(new Uint8Array(await response.arrayBuffer())).map((family) => [family.name, family]));

    for (const sent of pushed) {
      const got = scraped.get(sent.name)!;
      expect(got).toBeDefined();
      // Name, HELP, type and the whole Histogram message (field presence included); only the grouping
      // labels are new.
      const { metric: sentMetrics, ...sentHeader } = sent;
      const { metric: gotMetrics, ...gotHeader } = got;
      expect(gotHeader).toEqual(sentHeader);
      expect((gotMetrics as unknown[]).length).toBe(1);
      expect(labelPairs(got)).toEqual(["instance=worker/7", "job=etl/nightly", "shard=", "zone=eu+west"]);
      expect((gotMetrics as { histogram: unknown }[])[0]!.histogram).toEqual((sentMetrics as { histogram: unknown }[])[0]!.histogram);
    }

    // The same, spelled out (see NATIVE_LATENCY_HISTOGRAM).
    const latency = (scraped.get("etl_request_latency_seconds")!.metric as { histogram: Record<string, unknown> }[])[0]!.histogram;
    expect(latency).toEqual(NATIVE_LATENCY_HISTOGRAM);
  });

  test("Add (POST) replaces the families it sends and keeps the others", async () => {
    await goPush(gw, "push");
    await goPush(gw, "add");
    const lines = await samples();
    expect(lines).toContain(`etl_rows_processed_total{${GROUP}} 1500`);
    expect(lines).toContain(`etl_last_success_timestamp_seconds{${GROUP}} 1.7e+09`);
    // Everything else from the push is still there.
    const untouched = AFTER_PUSH.split("\n").filter(
      (line) => line !== "" && !line.startsWith("#") && !line.startsWith("etl_rows_processed_total"),
    );
    expect(lines.toSorted()).toEqual(
      [...untouched, `etl_rows_processed_total{${GROUP}} 1500`, `etl_last_success_timestamp_seconds{${GROUP}} 1.7e+09`].toSorted(),
    );
  });

  test("Push (PUT) replaces everything the group held", async () => {
    await goPush(gw, "push");
    await goPush(gw, "replace");
    expect(await samples()).toEqual([
      `etl_queue_depth{${GROUP}} 3`,
      `push_failure_time_seconds{${GROUP}} 0`,
      `push_time_seconds{${GROUP}} <t>`,
    ]);
  });

  test("Delete removes the group (the client insists on 202)", async () => {
    await goPush(gw, "push");
    await goPush(gw, "delete");
    expect(await eventually(samples, (lines) => lines.length === 0)).toEqual([]);
    // Other traffic still works afterwards: the group can be pushed again.
    await goPush(gw, "replace");
    expect(await samples()).toContain(`etl_queue_depth{${GROUP}} 3`);
    expect((await send(gw, "DELETE", "/metrics/job@base64/ZXRsL25pZ2h0bHk/instance@base64/d29ya2VyLzc/shard@base64/=/zone/eu+west")).status).toBe(202);
    expect(await eventually(samples, (lines) => lines.length === 0)).toEqual([]);
  });
});
