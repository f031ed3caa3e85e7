// A real Prometheus (Debian's 2.42) scrapes our gateway with honor_labels: once with its default Accept header
// (text), once with native histograms enabled, when it asks for protobuf first (SPEC §4.6, §6.3).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { PROTOBUF_CONTENT_TYPE, delimited } from "../helpers/metrics-proto.ts";
import { type Prometheus, WAIT_MS, query, queryWhenPresent, startPrometheus } from "../helpers/prometheus.ts";
import { type Gateway, startOurs } from "../helpers/start-server.ts";
import { NATIVE_LATENCY_HISTOGRAM } from "./clients.ts";

/** The scrape job's name: the pushed series must keep their own `job` instead (honor_labels). */
const SCRAPE_JOB = "pushgateway_scrape";

/** A classic push in the text format: a counter, a gauge and a histogram. */
const TEXT_PUSH = `# HELP import_rows_total Rows imported.
# TYPE import_rows_total counter
import_rows_total{table="orders"} 1027
# TYPE import_queue_depth gauge
import_queue_depth 7
# HELP import_batch_seconds Time per batch.
# TYPE import_batch_seconds histogram
import_batch_seconds_bucket{le="1"} 2
import_batch_seconds_bucket{le="5"} 5
import_batch_seconds_bucket{le="+Inf"} 6
import_batch_seconds_sum 17.5
import_batch_seconds_count 6
`;

/** The Go client's native-only histogram (see NATIVE_LATENCY_HISTOGRAM), pushed as delimited protobuf. */
const NATIVE_PUSH = delimited({
  name: "source_latency_seconds",
  help: "Latency of source requests.",
  type: "HISTOGRAM",
  metric: [{ histogram: NATIVE_LATENCY_HISTOGRAM }],
});

/** Waits (bounded) until `prometheus` has scraped our gateway successfully once, and checks `up`. */
async function expectUp(prometheus: Prometheus): Promise<void> {
  const up = await queryWhenPresent(prometheus, `up{job="${SCRAPE_JOB}"} == 1`);
  if (up.length === 0) {
    const targets = await (await fetch(`${prometheus.url}/api/v1/targets`, { signal: AbortSignal.timeout(5_000) })).text();
    throw new Error(`no successful scrape within ${WAIT_MS} ms\n${targets}\n${prometheus.log()}`);
  }
  expect(up).toEqual([{ metric: { __name__: "up", instance: new URL(gw.url).host, job: SCRAPE_JOB }, value: [expect.any(Number), "1"] }]);
}

let gw: Gateway;
// Both Prometheus servers start together: each takes ~5 s to its first scrape (it throttles target updates).
let textScraper: Prometheus;
let protobufScraper: Prometheus;
const started: Prometheus[] = [];

beforeAll(async () => {
  gw = await startOurs();
  expect((await send(gw, "PUT", "/metrics/job/orders_import/instance/etl-01", TEXT_PUSH)).status).toBe(200);
  expect((await send(gw, "PUT", "/metrics/job/source_probe/instance/probe-02", NATIVE_PUSH, { "Content-Type": PROTOBUF_CONTENT_TYPE })).status).toBe(200);
  const results = await Promise.allSettled([
    startPrometheus({ name: SCRAPE_JOB, target: gw.url }, []),
    startPrometheus({ name: SCRAPE_JOB, target: gw.url }, ["--enable-feature=native-histograms"]),
  ]);
  for (const result of results) if (result.status === "fulfilled") started.push(result.value);
  for (const result of results) if (result.status === "rejected") throw result.reason;
  [textScraper, protobufScraper] = started as [Prometheus, Prometheus];
}, 60_000);

afterAll(async () => {
  try {
    await Promise.all(started.map((prometheus) => prometheus.stop()));
  } finally {
    await gw?.stop();
  }
});

/**
 * The pushed text series, checked the same way in both runs: their own job and instance, not the scrape's.
 * `le5` is how Prometheus spells the bucket bound 5: as written in a text scrape (`5`), but formatted
 * OpenMetrics-style (`5.0`) when it parsed a protobuf scrape, which thereby shows which format it got.
 */
async function expectTextSeries(prometheus: Prometheus, le5: "5" | "5.0"): Promise<void> {
  const pushed = { job: "orders_import", instance: "etl-01" };
  expect(await queryWhenPresent(prometheus, "import_rows_total")).toEqual([
    { metric: { __name__: "import_rows_total", ...pushed, table: "orders" }, value: [expect.any(Number), "1027"] },
  ]);
  expect(await query(prometheus, "import_queue_depth")).toEqual([
    { metric: { __name__: "import_queue_depth", ...pushed }, value: [expect.any(Number), "7"] },
  ]);
  expect(await query(prometheus, `import_batch_seconds_bucket{le="${le5}"}`)).toEqual([
    { metric: { __name__: "import_batch_seconds_bucket", ...pushed, le: le5 }, value: [expect.any(Number), "5"] },
  ]);
  expect(await query(prometheus, "import_batch_seconds_count")).toEqual([
    { metric: { __name__: "import_batch_seconds_count", ...pushed }, value: [expect.any(Number), "6"] },
  ]);
  // The gateway's per-group gauges come along with the group's labels too.
  expect((await query(prometheus, 'push_time_seconds{job="orders_import"}')).map((series) => series.metric)).toEqual([
    { __name__: "push_time_seconds", ...pushed },
  ]);
}

/** The group of NATIVE_PUSH, as its series carry it in Prometheus. */
const PROBE = { job: "source_probe", instance: "probe-02" };

describe("Prometheus scraping our gateway", () => {
  test(
    "with its default Accept header it reads text: pushed series keep their job and instance",
    async () => {
      const prometheus = textScraper;
      await expectUp(prometheus);
      await expectTextSeries(prometheus, "5");
      // Text carries only the classic view of the native histogram (§4.6): a +Inf bucket, sum and count.
      expect(await query(prometheus, "source_latency_seconds_count")).toEqual([
        { metric: { __name__: "source_latency_seconds_count", ...PROBE }, value: [expect.any(Number), "8"] },
      ]);
      expect(await query(prometheus, 'source_latency_seconds_bucket{le="+Inf"}')).toEqual([
        { metric: { __name__: "source_latency_seconds_bucket", ...PROBE, le: "+Inf" }, value: [expect.any(Number), "8"] },
      ]);
      expect(await query(prometheus, "histogram_count(source_latency_seconds)")).toEqual([]);
    },
    60_000,
  );

  test(
    "with native histograms enabled it reads protobuf: the native histogram is queryable",
    async () => {
      const prometheus = protobufScraper;
      await expectUp(prometheus);
      await expectTextSeries(prometheus, "5.0");
      expect(await queryWhenPresent(prometheus, "histogram_count(source_latency_seconds)")).toEqual([
        { metric: PROBE, value: [expect.any(Number), "8"] },
      ]);
      expect(await query(prometheus, "histogram_sum(source_latency_seconds)")).toEqual([
        { metric: PROBE, value: [expect.any(Number), "301.501"] },
      ]);
      const [series] = await query(prometheus, "source_latency_seconds");
      expect(series!.metric).toEqual({ __name__: "source_latency_seconds", ...PROBE });
      // [boundary rule, lower, upper, count]: the negative bucket 13, the zero bucket (±threshold) and the
      // positive buckets -79, -8, 0, 8, 66 of schema 3.
      expect(series!.histogram![1]).toEqual({
        count: "8",
        sum: "301.501",
        buckets: [
          [1, "-3.0844216508158815", "-2.82842712474619", "1"],
          [3, "-2.938735877055719e-39", "2.938735877055719e-39", "1"],
          [0, "0.0009765625", "0.0010649489576809157", "1"],
          [0, "0.45850202160233555", "0.5", "1"],
          [0, "0.9170040432046711", "1", "2"],
          [0, "1.8340080864093422", "2", "1"],
          [0, "279.16997956230597", "304.4370214406966", "1"],
        ],
      });
      // A protobuf scrape carries no classic series for a native-only histogram.
      expect(await query(prometheus, "source_latency_seconds_count")).toEqual([]);
    },
    60_000,
  );
});
