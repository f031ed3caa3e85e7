// The Grafana dashboard (packaging/grafana/pushgateway.json): Grafana can import it, and every panel's query has
// an answer from a real Prometheus that scraped our gateway after good, inconsistent and unparseable pushes, a
// push refused by a quota and a group that expired.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { send } from "../helpers/http.ts";
import { startPersistentGateway } from "../helpers/persistent-gateway.ts";
import { type Prometheus, type Series, query, queryWhenPresent, startPrometheus } from "../helpers/prometheus.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { type Dashboard, type Variable, dashboardProblems, interpolate } from "./grafana-dashboard-shape.ts";

const DASHBOARD_FILE = new URL("../../packaging/grafana/pushgateway.json", import.meta.url).pathname;
const dashboard = (await Bun.file(DASHBOARD_FILE).json()) as Dashboard;

/** Prometheus's job for the gateway target; pushed series keep their own `job` (honor_labels). */
const SCRAPE_JOB = "pushgateway";
/** The quota the test exceeds once: a job may hold one group, so a second group of `backup` is refused. */
const QUOTA_FLAG = "push.max-groups-per-job";

/**
 * What Grafana would put for its own variables with Prometheus scraping every second: `$__rate_interval` is
 * four scrape intervals, `$__range` covers the whole test.
 */
const GRAFANA_VALUES = { __rate_interval: "4s", __range: "1m", __interval: "1s" };

describe("the dashboard's shape", () => {
  test("has everything an import and its panels need", () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  // Proof that the checks look: each broken copy must be reported, in the words of the check that catches it.
  test.each([
    ["a repeated panel id", (d: Dashboard) => { d.panels![1]!.id = d.panels![0]!.id; }, "id must be an integer unique"],
    ["overlapping panels", (d: Dashboard) => { d.panels![1]!.gridPos = { ...d.panels![0]!.gridPos! }; }, "overlap"],
    ["a panel past column 24", (d: Dashboard) => { d.panels![0]!.gridPos!.x = 22; }, "x + w <= 24"],
    ["an undefined variable", (d: Dashboard) => { d.panels![0]!.targets![0]!.expr += ' + on() vector($nope)'; }, "uses $nope"],
    ["a fixed datasource", (d: Dashboard) => { d.panels![0]!.datasource = { type: "prometheus", uid: "abc" }; }, "datasource must be"],
    ["an unknown panel type", (d: Dashboard) => { d.panels![0]!.type = "graphh"; }, "type graphh"],
  ] satisfies [string, (d: Dashboard) => void, string][])("reports %s", (_, breakIt, problem) => {
    const copy = structuredClone(dashboard);
    breakIt(copy);
    expect(dashboardProblems(copy).join("\n")).toContain(problem);
  });
});

describe("every query against a real Prometheus", () => {
  const dir = mkdtempSync(join(tmpdir(), "pg-grafana-"));
  let gw: Gateway;
  let prometheus: Prometheus;

  beforeAll(async () => {
    // Persistent, so that the persistence panels have series.
    gw = await startPersistentGateway(join(dir, "pushgateway.data"), [`--${QUOTA_FLAG}=1`]);
    const gauge = "# TYPE backup_last_success_timestamp_seconds gauge\nbackup_last_success_timestamp_seconds 1.7e9\n";
    const counter = gauge.replace("gauge", "counter");
    // Good pushes to two groups and one body that does not parse, before the first scrape.
    expect((await send(gw, "PUT", "/metrics/job/backup/instance/db1", gauge)).status).toBe(200);
    expect((await send(gw, "PUT", "/metrics/job/import", "import_rows 5\n")).status).toBe(200);
    expect((await send(gw, "PUT", "/metrics/job/import", "bad{\n")).status).toBe(400);
    // Refused by the quota: pushgateway_push_rejected_total{reason="push.max-groups-per-job"} appears.
    expect((await send(gw, "PUT", "/metrics/job/backup/instance/db2", gauge)).status).toBe(413);
    // extra-scrape-metrics gives scrape_body_size_bytes, the only record of a scrape's size in bytes.
    prometheus = await startPrometheus({ name: SCRAPE_JOB, target: gw.url }, ["--enable-feature=extra-scrape-metrics"]);
    await scraped(`up{job="${SCRAPE_JOB}"}`);
    // After a scrape saw the 400 counter, so that increase() counts this one: refused as inconsistent (the
    // type differs from backup's), which also sets import's push_failure_time_seconds.
    expect((await send(gw, "PUT", "/metrics/job/import", counter)).status).toBe(400);
    // Likewise after a scrape saw pushgateway_groups_expired_total at 0: a group that lives one second.
    const shortLived = { "Pushgateway-Expire-After": "1s" };
    expect((await send(gw, "PUT", "/metrics/job/short_lived", "short_lived_rows 1\n", shortLived)).status).toBe(200);
    await scraped(`changes(pushgateway_http_requests_total{handler="push",code="400"}[1m]) > 0`);
    await scraped(`pushgateway_groups_expired_total{job="${SCRAPE_JOB}"} > 0`);
    // rate() over four scrape intervals needs at least two samples inside it.
    await scraped(`count_over_time(up{job="${SCRAPE_JOB}"}[4s]) >= 2`);
  }, 30_000);

  /** Waits (bounded) until `expr` has an answer, i.e. Prometheus has scraped what it asks about. */
  async function scraped(expr: string): Promise<void> {
    if ((await queryWhenPresent(prometheus, expr)).length === 0) throw new Error(`no answer to ${expr}\n${prometheus.log()}`);
  }

  afterAll(async () => {
    try {
      await prometheus?.stop();
      await gw?.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every template variable has values, and every panel's every query an answer", async () => {
    const values: Record<string, string> = { ...GRAFANA_VALUES };
    for (const variable of dashboard.templating?.list ?? []) values[variable.name!] = await chooseValue(prometheus, variable, values);
    expect(values).toMatchObject({ job: SCRAPE_JOB, instance: new URL(gw.url).host });

    const answers: { panel: string | undefined; expr: string; result: Series[] }[] = [];
    for (const panel of dashboard.panels ?? []) {
      for (const target of panel.targets ?? []) {
        const expr = interpolate(target.expr!, values);
        answers.push({ panel: panel.title, expr, result: await query(prometheus, expr) });
      }
    }
    expect(answers.filter((a) => a.result.length === 0)).toEqual([]);
    expect(answers.length).toBe(dashboard.panels!.flatMap((p) => p.targets).length);
    // Non-empty could also be a zero: the failure panels must show the refused push and its group.
    const resultOf = (title: string) => answers.find((a) => a.panel === title)!.result;
    expect(Number(resultOf("Failed pushes")[0]!.value![1])).toBeGreaterThanOrEqual(1);
    expect(resultOf("Groups whose last push failed").map((s) => s.metric.job)).toEqual(["import"]);
    expect(resultOf("Pushes refused by limits and quotas").map((s) => s.metric.reason)).toEqual([QUOTA_FLAG]);
    expect(Number(resultOf("Groups expired")[0]!.value![1])).toBeGreaterThanOrEqual(1);
  });
});

/**
 * The value Grafana would interpolate for `variable` on opening the dashboard: its `label_values(selector,
 * label)` query is run as `group by (label) (selector)` (after earlier variables are put in), and an "All"
 * variable gives its allValue, any other the first value (a single value is inserted as it is). No values is
 * an error: the variable's dropdown would be empty.
 */
async function chooseValue(prometheus: Prometheus, variable: Variable, earlier: Record<string, string>): Promise<string> {
  const parts = /^label_values\((.+),\s*(\w+)\)$/.exec(variable.query!);
  if (parts === null) throw new Error(`variable ${variable.name}: not a label_values(selector, label) query: ${variable.query}`);
  const [, selector, label] = parts as unknown as [string, string, string];
  const found = (await query(prometheus, `group by (${label}) (${interpolate(selector, earlier)})`)).map((s) => s.metric[label]!);
  if (found.length === 0) throw new Error(`variable ${variable.name}: ${variable.query} has no values`);
  return variable.includeAll ? variable.allValue! : found.sort()[0]!;
}
