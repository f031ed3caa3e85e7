// The web UI in a real browser (Debian's chromium) against a real gateway: every metric type, expanding,
// filtering, deleting, the Status tab, hostile label values, and the UI's requests in the request counter.
import { describe, expect, test } from "bun:test";
import { filterBy, groupCard, screenshot, useGatewayPage } from "../helpers/browser.ts";
import { delimited, PROTOBUF_CONTENT_TYPE } from "../helpers/metrics-proto.ts";
import { NATIVE_HISTOGRAM, SUMMARY } from "../helpers/protobuf-families.ts";

/** A classic histogram, a counter with HELP, a gauge, an untyped series: the text format's types in one group. */
const TEXT_TYPES = `# HELP requests_total Requests served.
# TYPE requests_total counter
requests_total{path="/a"} 1795371598.960566
# TYPE temperature gauge
temperature 1000000
untyped_thing 7
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="1"} 3
latency_seconds_bucket{le="+Inf"} 4
latency_seconds_sum 2.5
latency_seconds_count 4
`;

// Each would run script or break out of its attribute or element if written unescaped; `__pwned` is set by all.
const HOSTILE_JOB = `<script>window.__pwned = 1</script>`;
const HOSTILE_VALUE = `" onmouseover="window.__pwned=1" x='</span><img src=x onerror="window.__pwned=1">`;
const HOSTILE_HELP = `</summary><script>window.__pwned = 1</script>`;

async function push(path: string, body: string | Uint8Array, contentType = "text/plain"): Promise<void> {
  const response = await fetch(`${ui.gw.url}/metrics/${path}`, { method: "PUT", body, headers: { "Content-Type": contentType } });
  expect(response.status).toBe(200);
}

/** The path segment of a value in Go's base64 scheme, as a push path takes it. */
const b64 = (value: string) => Buffer.from(value).toString("base64url");

/** The card of the group whose job badge reads `job="<job>"`. */
const card = (job: string) => groupCard(ui.page, job);

async function scrape(): Promise<string> {
  return (await fetch(`${ui.gw.url}/metrics`)).text();
}

const ui = useGatewayPage({
  flags: ["--web.enable-admin-api"],
  viewport: { width: 1200, height: 800 },
  fill: async (gw) => {
    await push("job/alltypes/instance/i1", TEXT_TYPES);
    await push("job/protobuf", delimited(SUMMARY, NATIVE_HISTOGRAM), PROTOBUF_CONTENT_TYPE);
    await push("job/other", "other_metric 1\n");
    await push(`job@base64/${b64(HOSTILE_JOB)}/q@base64/${b64(HOSTILE_VALUE)}`, `# HELP hostile ${HOSTILE_HELP}\nhostile{v="${HOSTILE_VALUE.replaceAll('"', '\\"')}"} 1\n`);
    // A push that fails (requests_total is a counter in job="alltypes") marks its group.
    const clash = await fetch(`${gw.url}/metrics/job/other`, { method: "POST", body: "# TYPE requests_total gauge\nrequests_total 2\n" });
    expect(clash.status).toBe(400);
  },
});

describe("web UI", () => {
  test("lists one card per group in grouping-key order, with label badges, ages and the failed marker", async () => {
    const jobs = await ui.page.locator("details.group summary > .badge.job").allTextContents();
    // Grouping-key order compares the sorted label pairs: `instance` comes before `job`.
    expect(jobs).toEqual(['job="alltypes"', `job="${HOSTILE_JOB}"`, 'job="other"', 'job="protobuf"']);
    expect(await card("alltypes").locator(":scope > summary > .badge").allTextContents()).toEqual(['job="alltypes"', 'instance="i1"']);
    expect(await card("other").locator(".failed").textContent()).toBe("Last push failed!");
    expect(await card("alltypes").locator(".failed").count()).toBe(0);
    expect(await card("alltypes").locator("summary > .age").textContent()).toMatch(/^\d+ s ago$/);
    await screenshot(ui.page, "metrics");
  });

  test("expanding a group shows its families; expanding a histogram shows its buckets", async () => {
    await card("alltypes").locator("summary").click();
    const families = card("alltypes").locator("details.family");
    await families.first().waitFor();
    expect(await families.locator(".name").allTextContents()).toEqual([
      "latency_seconds", "push_failure_time_seconds", "push_time_seconds", "requests_total", "temperature", "untyped_thing",
    ]);
    expect(await families.locator(".type").allTextContents()).toEqual(["HISTOGRAM", "GAUGE", "GAUGE", "COUNTER", "GAUGE", "UNTYPED"]);
    const counter = families.filter({ hasText: "requests_total" });
    expect(await counter.locator(".help").textContent()).toBe("Requests served.");
    expect(await counter.locator(".pushed").textContent()).toMatch(/^last pushed: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \d+ s ago$/);
    const histogram = families.filter({ hasText: "latency_seconds" });
    await histogram.locator("summary").click();
    const rows = histogram.locator("table.nested tr");
    expect(await rows.allInnerTexts()).toEqual([
      "Sample values ≤ 0.1\t1", "Sample values ≤ 1\t3", "Sample values ≤ +Inf\t4", "Total sample Count\t4", "Sample Sum\t2.5",
    ]);
    // Go's fixed notation for values.
    await counter.locator("summary").click();
    expect(await counter.locator("table.series td").nth(1).textContent()).toBe("1795371598.960566");
    await screenshot(ui.page, "group-expanded");
  });

  test("summaries and native histograms are tables too", async () => {
    await card("protobuf").locator("summary").click();
    const families = card("protobuf").locator("details.family");
    await families.first().waitFor();
    for (const name of ["nh", "s"]) await families.filter({ has: ui.page.locator(".name", { hasText: new RegExp(`^${name}$`) }) }).locator("summary").click();
    const summary = families.filter({ has: ui.page.locator(".name", { hasText: /^s$/ }) });
    expect(await summary.locator("table.nested tr").allInnerTexts()).toEqual(["Quantile 0.5\t1.5", "Quantile 0.99\t2", "Sample Count\t4", "Sample Sum\t10"]);
    const native = families.filter({ has: ui.page.locator(".name", { hasText: /^nh$/ }) });
    // Schema 1: bucket i spans (2^((i-1)/2), 2^(i/2)]; the negative one at index 1 is [-√2, -1); zero bucket ±0.001.
    // √2 and √½ as Go's bound table holds them, one ulp below (render/native-buckets.ts).
    expect(await native.locator("table.nested").nth(1).locator("tr").allInnerTexts()).toEqual([
      "[-1.414213562373095, -1)\t2", "[-0.001, 0.001]\t2", "(0.7071067811865475, 1]\t3", "(1, 1.414213562373095]\t2",
    ]);
    await screenshot(ui.page, "native-histogram");
  });

  test("hostile label values and HELP render as text and run nothing", async () => {
    const hostile = card(HOSTILE_JOB);
    await hostile.locator("summary").hover();
    await hostile.locator("summary").click();
    await hostile.locator("details.family").first().waitFor();
    await hostile.locator("details.family").filter({ hasText: "hostile" }).locator("summary").click();
    await hostile.locator("details.family[open] table.series").hover();
    expect(await hostile.locator(":scope > summary > .badge").allTextContents()).toEqual([`job="${HOSTILE_JOB}"`, `q="${HOSTILE_VALUE}"`]);
    expect(await hostile.locator(".help").allTextContents()).toContain(HOSTILE_HELP);
    expect(await ui.page.locator("img, script:not([src])").count()).toBe(0);
    expect(await ui.page.evaluate("window.__pwned")).toBeUndefined();
  });

  test("the filter keeps the groups with a matching label or metric name", async () => {
    const visibleJobs = () => ui.page.locator("details.group:not([hidden]) > summary > .badge.job").allTextContents();
    await filterBy(ui.page, "latency_sec");
    expect(await visibleJobs()).toEqual(['job="alltypes"']);
    expect(await ui.page.textContent("#shown")).toBe("1 of 4 groups");
    await filterBy(ui.page, 'job="prot');
    expect(await visibleJobs()).toEqual(['job="protobuf"']);
    await screenshot(ui.page, "filtered");
    await filterBy(ui.page, "");
    expect(await visibleJobs()).toHaveLength(4);
  });

  test("Delete Group asks, then deletes the group: it is gone from /metrics", async () => {
    expect(await scrape()).toContain('job="other"');
    await card("other").locator("button.delete").click();
    expect(await ui.page.textContent("#confirm-msg")).toBe('Do you really want to delete all metrics of group {job="other"}?');
    await screenshot(ui.page, "delete-confirmation");
    await ui.page.click("#confirm-ok");
    await card("other").waitFor({ state: "detached" });
    expect(await scrape()).not.toContain('job="other"');
    expect(await ui.page.textContent("#del-all-counter")).toBe("3");
  });

  test("the Status tab lists start time, build information and the flags", async () => {
    await ui.page.click("#status-tab");
    await ui.page.locator("#status-div").waitFor();
    expect(await ui.page.isVisible("#metrics-div")).toBe(false);
    const flags = await ui.page.locator("#status-div table").nth(2).locator("tr").allInnerTexts();
    expect(flags).toContain("web.enable-admin-api\ttrue");
    expect(flags).toContain("persistence.interval\t5m0s");
    expect(await ui.page.locator("#status-div table").nth(1).locator("th").allTextContents()).toEqual(["branch", "buildDate", "buildUser", "goVersion", "revision", "version"]);
    expect(await ui.page.locator("#status-div td").first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0000 UTC$/);
    await screenshot(ui.page, "status");
    await ui.page.click("#metrics-tab");
  });

  test("Delete All asks, then wipes every group", async () => {
    await ui.page.click("#del-all");
    expect(await ui.page.textContent("#confirm-msg")).toBe("Do you really want to delete all metrics from all metric groups?");
    await ui.page.click("#confirm-ok");
    await ui.page.locator("details.group").first().waitFor({ state: "detached" });
    expect(await ui.page.isDisabled("#del-all")).toBe(true);
    expect(await scrape()).not.toContain("push_time_seconds");
  });

  test("the UI's requests are counted with Go's handler labels", async () => {
    const scraped = await scrape();
    expect(scraped).toContain('pushgateway_http_requests_total{code="200",handler="status",method="get"}');
    expect(scraped).toContain('pushgateway_http_requests_total{code="200",handler="static",method="get"} 2');
  });
});
