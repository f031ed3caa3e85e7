// prom-client's Pushgateway (under Node) against our gateway: push, pushAdd (gzip), delete with jobName and
// groupings, and a registry with collectDefaultMetrics() whose process_*/nodejs_* families must be accepted (SPEC §5.6).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { type Gateway, startOurs } from "../helpers/start-server.ts";
import { type PromClientCall, eventually, promClient, samplesOf, typesOf } from "./clients.ts";

/** prom-client joins groupings with encodeURIComponent: `eu west` travels as `eu%20west`. */
const CALL: Omit<PromClientCall, "method"> = { jobName: "report_mailer", groupings: { instance: "node-01", region: "eu west" } };
const GROUPING = { instance: "node-01", job: "report_mailer", region: "eu west" };
/** The same group as a push path, for the text pushes made with fetch. */
const GROUP_PATH = "/metrics/job/report_mailer/instance/node-01/region/eu%20west";

let gw: Gateway;

beforeAll(async () => {
  gw = await startOurs();
});

afterAll(async () => {
  await gw?.stop();
});

async function scrape(): Promise<string> {
  const reply = await send(gw, "GET", "/metrics");
  expect(reply.status).toBe(200);
  return reply.body;
}

/**
 * The series a pushed sample becomes in the gateway: its labels plus the grouping labels, sorted by
 * name, with `le`/`quantile` last (SPEC §6.2). prom-client's label values need no escaping here.
 */
function grouped(series: string): string {
  const open = series.indexOf("{");
  const name = open < 0 ? series : series.slice(0, open);
  const pairs = new Map<string, string>(Object.entries(GROUPING));
  let bound: string | undefined;
  if (open >= 0) {
    for (const [, label, value] of series.slice(open).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (label === "le" || label === "quantile") bound = `${label}="${value}"`;
      else pairs.set(label!, value!);
    }
  }
  const labels = [...pairs].toSorted(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([label, value]) => `${label}="${value}"`);
  if (bound) labels.push(bound);
  return `${name}{${labels.join(",")}}`;
}

/** Names of the families of a text exposition that have at least one sample line. */
function familiesWithSeries(exposition: string): Set<string> {
  const names = new Set<string>();
  let family = "";
  for (const line of exposition.split("\n")) {
    const type = /^# TYPE (\S+) /.exec(line);
    if (type) family = type[1]!;
    else if (line !== "" && !line.startsWith("#")) names.add(family);
  }
  return names;
}

/** Series of `exposition` that carry the test's grouping labels. */
function groupSeries(exposition: string): Set<string> {
  return new Set(samplesOf(exposition).map((sample) => sample.series).filter((series) => series.includes('job="report_mailer"')));
}

describe("prom-client Pushgateway", () => {
  test("push with collectDefaultMetrics(): every family is accepted and shown with the grouping labels", async () => {
    const result = await promClient(gw, { method: "push", ...CALL });
    expect(result.status).toBe(200);
    expect(result.body).toBe("");

    const pushedTypes = typesOf(result.pushed);
    // The default metrics really are in the push, so the checks below cover them.
    const names = [...pushedTypes.keys()];
    expect(names).toContain("process_cpu_seconds_total");
    expect(names).toContain("process_resident_memory_bytes");
    expect(names).toContain("process_start_time_seconds");
    expect(names.filter((name) => name.startsWith("nodejs_")).length).toBeGreaterThan(10);

    const exposition = await scrape();
    const types = typesOf(exposition);
    // A family without series (e.g. nodejs_active_requests while nothing is pending) is not exposed (§6.1).
    const withSeries = familiesWithSeries(result.pushed);
    expect(withSeries.size).toBeGreaterThan(20);
    for (const [name, type] of pushedTypes) {
      expect([name, types.get(name)]).toEqual([name, withSeries.has(name) ? type : undefined]);
    }
    const expected = new Set(samplesOf(result.pushed).map((sample) => grouped(sample.series)));
    expected.add(grouped("push_time_seconds")).add(grouped("push_failure_time_seconds"));
    expect([...groupSeries(exposition)].toSorted()).toEqual([...expected].toSorted());

    // Every value arrives as sent (compared as numbers: prom-client and the gateway format floats differently).
    const values = new Map(samplesOf(exposition).map((sample) => [sample.series, sample.value]));
    for (const sample of samplesOf(result.pushed)) expect([sample.series, values.get(grouped(sample.series))]).toEqual([sample.series, sample.value]);
    expect(values.get(grouped("report_emails_sent_total"))).toBe(42);
    expect(values.get(grouped('report_render_seconds_bucket{le="1",format="pdf"}'))).toBe(3);
    expect(values.get(grouped('report_render_seconds_sum{format="pdf"}'))).toBe(8.05);

    // The pushed process_* merge with the gateway's own (same name, same type, one family, SPEC §5.6).
    for (const name of ["process_cpu_seconds_total", "process_start_time_seconds"]) {
      expect(exposition.split("\n").filter((line) => line.startsWith(`# TYPE ${name} `)).length).toBe(1);
      expect(values.has(name)).toBe(true); // the gateway's own, without labels
      expect(values.has(grouped(name))).toBe(true); // the pushed one
    }
  });

  test("pushAdd with a gzip body merges into the group", async () => {
    const other = "# TYPE report_last_run_timestamp_seconds gauge\nreport_last_run_timestamp_seconds 1.7e+09\n";
    expect((await send(gw, "PUT", GROUP_PATH, other)).status).toBe(200);
    const result = await promClient(gw, { method: "pushAdd", ...CALL, gzip: true });
    expect(result.status).toBe(200);

    const series = groupSeries(await scrape());
    expect(series).toContain(grouped("report_last_run_timestamp_seconds"));
    expect(series).toContain(grouped("report_emails_sent_total"));
    expect(series).toContain(grouped("process_cpu_seconds_total"));
  });

  test("push replaces what the group held", async () => {
    const other = "# TYPE report_last_run_timestamp_seconds gauge\nreport_last_run_timestamp_seconds 1.7e+09\n";
    expect((await send(gw, "PUT", GROUP_PATH, other)).status).toBe(200);
    expect(groupSeries(await scrape())).toContain(grouped("report_last_run_timestamp_seconds"));
    const result = await promClient(gw, { method: "push", ...CALL });
    expect(result.status).toBe(200);

    const series = groupSeries(await scrape());
    expect(series).not.toContain(grouped("report_last_run_timestamp_seconds"));
    expect(series).toContain(grouped("report_emails_sent_total"));
  });

  test("delete answers 202 and removes the group; the gateway's own process_* stay", async () => {
    expect((await promClient(gw, { method: "push", ...CALL })).status).toBe(200);
    const result = await promClient(gw, { method: "delete", ...CALL });
    expect(result.status).toBe(202);

    const exposition = await eventually(scrape, (text) => groupSeries(text).size === 0);
    expect([...groupSeries(exposition)]).toEqual([]);
    const own = samplesOf(exposition).map((sample) => sample.series);
    expect(own).toContain("process_cpu_seconds_total");
    expect(typesOf(exposition).get("process_cpu_seconds_total")).toBe("counter");
  });
});
