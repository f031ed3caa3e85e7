// DELETE /api/v1/admin/groups?match[]=… over a real socket: each matcher kind, several matchers and selectors, dry runs,
// refusals in Prometheus's error shape, the admin flag, the request counter and the log, and scrapes racing a delete.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { logEntries } from "../helpers/persistent-gateway.ts";
import { type Gateway, startOurGateway, withGateway } from "../helpers/start-server.ts";

type Labels = Record<string, string>;

/** The groups every case starts from: two etl instances, two nightly jobs (one without instance), two envs of other. */
const GROUPS: Labels[] = [
  { job: "etl", instance: "a" },
  { job: "etl", instance: "b" },
  { job: "nightly_1", instance: "x" },
  { job: "nightly_2" },
  { job: "other", env: "prod" },
  { job: "other", env: "dev" },
];

let gw: Gateway;

beforeAll(async () => {
  gw = await startOurGateway(["--web.enable-admin-api", "--log.format=json"]);
});

afterAll(async () => {
  await gw?.stop();
});

/** The push path of a group: job first, then its other labels. */
function pathOf(labels: Labels): string {
  return ["job", labels.job, ...Object.entries(labels).filter(([name]) => name !== "job").flat()].map((part) => encodeURIComponent(part!)).join("/");
}

async function reset(): Promise<void> {
  expect((await send(gw, "PUT", "/api/v1/admin/wipe")).status).toBe(202);
  await Promise.all(GROUPS.map(async (labels) => expect((await send(gw, "PUT", `/metrics/${pathOf(labels)}`, "some_metric 1\n")).status).toBe(200)));
}

/** The grouping labels of every group the gateway holds, in its (grouping-key) order. */
async function groups(): Promise<Labels[]> {
  const reply = await send(gw, "GET", "/api/v1/metrics");
  return (JSON.parse(reply.body).data as { labels: Labels }[]).map((group) => group.labels);
}

/** DELETE /api/v1/admin/groups with these `match[]` values and other parameters; the status and parsed body. */
async function bulkDelete(matches: string[], extra = "", server = gw): Promise<{ status: number; body: any; headers: Headers }> {
  const query = [...matches.map((match) => `match[]=${encodeURIComponent(match)}`), extra].filter((part) => part !== "").join("&");
  const reply = await send(server, "DELETE", `/api/v1/admin/groups?${query}`);
  return { status: reply.status, body: reply.body === "" ? undefined : JSON.parse(reply.body), headers: reply.headers };
}

/** Label sets in a comparable order. */
const sorted = (list: Labels[]) => list.map((labels) => JSON.stringify(Object.entries(labels).sort())).sort();

describe("bulk delete by selector", () => {
  // [why, match[] values, the groups that go]
  test.each<[string, string[], Labels[]]>([
    ["=", ['{job="etl"}'], [GROUPS[0]!, GROUPS[1]!]],
    // Alone, != and !~ match the empty value: Prometheus wants a matcher beside them that does not (job!="").
    ["!=", ['{job!="etl",job!=""}'], GROUPS.slice(2)],
    ["=~, fully anchored", ['{job=~"nightly_.*"}'], [GROUPS[2]!, GROUPS[3]!]],
    ["!~", ['{job!~"nightly_.*|etl",job!=""}'], [GROUPS[4]!, GROUPS[5]!]],
    ["several matchers must all hold", ['{job=~"nightly_.*",instance!=""}'], [GROUPS[2]!]],
    ['a label the group lacks matches ="" (series carry instance="")', ['{job=~"nightly_.*",instance=""}'], [GROUPS[3]!]],
    ["a regex matches the whole value, not a part", ['{job=~"nightly"}'], []],
    ["several match[] are ORed", ['{job="etl",instance="a"}', '{env="dev"}'], [GROUPS[0]!, GROUPS[5]!]],
    ["a group two selectors match is deleted once", ['{job="etl"}', '{instance="a"}'], [GROUPS[0]!, GROUPS[1]!]],
    ["no match deletes nothing", ['{job="absent"}'], []],
    ["quoted names and the other string quotes", [`{"job"='other', env=~\`p.*\`}`], [GROUPS[4]!]],
  ])("%s: %j", async (_why, matches, gone) => {
    await reset();
    // The dry run lists exactly the groups that go, and deletes nothing.
    const dry = await bulkDelete(matches, "dry_run=true");
    expect(dry.status).toBe(200);
    expect(dry.body.status).toBe("success");
    expect(dry.body.data.matched).toBe(gone.length);
    expect(sorted(dry.body.data.groups)).toEqual(sorted(gone));
    expect(await groups()).toHaveLength(GROUPS.length);

    const real = await bulkDelete(matches);
    expect(real.status).toBe(200);
    expect(real.body).toEqual({ status: "success", data: { deleted: gone.length } });
    expect(real.headers.get("content-type")).toBe("application/json");
    expect(sorted(await groups())).toEqual(sorted(GROUPS.filter((labels) => !sorted(gone).includes(sorted([labels])[0]!))));
  });

  test("the dry run lists groups in grouping-key order, as the API lists them", async () => {
    await reset();
    const dry = await bulkDelete(['{job=~".+"}'], "dry_run=true");
    expect(dry.body.data.groups).toEqual(await groups());
  });

  // [why, query, error]
  test.each<[string, string, string]>([
    ["no match[]", "", "no match[] parameter provided"],
    ["only another parameter", "dry_run=true", "no match[] parameter provided"],
    ["bad syntax: the parser's message", `match[]=${encodeURIComponent('{job="etl"')}`, 'invalid parameter "match[]": 1:11: parse error: unexpected end of input in label matching, expected "," or "}"'],
    ["a bad regex", `match[]=${encodeURIComponent('{job=~"("}')}`, 'invalid parameter "match[]": 1:7: parse error: invalid regular expression "(": missing )'],
    ["lookahead, which RE2 lacks", `match[]=${encodeURIComponent('{job=~"e(?=t)"}')}`, 'invalid parameter "match[]": 1:7: parse error: invalid regular expression "e(?=t)": lookaround and other (?… groups are not RE2 syntax: (?=t'],
    ["a metric name", `match[]=${encodeURIComponent('up{job="etl"}')}`, 'invalid parameter "match[]": grouping selectors have only label matchers, found the metric name "up": a group has no metric name'],
    ["a bare metric name", "match[]=etl", 'invalid parameter "match[]": grouping selectors have only label matchers, found the metric name "etl": a group has no metric name'],
    ["a selector every group without a label matches", `match[]=${encodeURIComponent('{env=""}')}`, 'invalid parameter "match[]": vector selector must contain at least one non-empty matcher'],
    ["!= alone, which matches the empty value", `match[]=${encodeURIComponent('{job!="etl"}')}`, 'invalid parameter "match[]": vector selector must contain at least one non-empty matcher'],
    ["empty braces", `match[]=${encodeURIComponent("{}")}`, 'invalid parameter "match[]": 1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ["one bad selector among good ones", `match[]=${encodeURIComponent('{job="etl"}')}&match[]=${encodeURIComponent("{job=}")}`, 'invalid parameter "match[]": 1:6: parse error: unexpected "}" in label matching, expected string'],
    ["a dry_run that is no boolean", `match[]=${encodeURIComponent('{job="etl"}')}&dry_run=yes`, 'invalid parameter "dry_run": "yes", want true or false'],
  ])("400 for %s, in Prometheus's error shape, and nothing deleted", async (_why, query, error) => {
    await reset();
    const reply = await send(gw, "DELETE", `/api/v1/admin/groups?${query}`);
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.body);
    expect(body.status).toBe("error");
    expect(body.errorType).toBe("bad_data");
    expect(body.error).toStartWith(error);
    expect(await groups()).toHaveLength(GROUPS.length);
  });

  test("other methods get 405 with Allow; OPTIONS is the API's CORS preflight", async () => {
    const get = await send(gw, "GET", "/api/v1/admin/groups");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("DELETE, OPTIONS");
    const preflight = await send(gw, "OPTIONS", "/api/v1/admin/groups");
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("DELETE");
    const answer = await bulkDelete(['{job="absent"}']);
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
  });

  test("is counted in the gateway's request counter, by status", async () => {
    await bulkDelete(['{job="absent"}']);
    await bulkDelete([]);
    const scrape = (await send(gw, "GET", "/metrics")).body;
    expect(scrape).toMatch(/^pushgateway_http_requests_total\{code="200",handler="api\/v1\/admin\/groups",method="delete"\} [1-9]\d*$/m);
    expect(scrape).toMatch(/^pushgateway_http_requests_total\{code="400",handler="api\/v1\/admin\/groups",method="delete"\} [1-9]\d*$/m);
  });

  test("logs at info how many groups went and by which selectors", async () => {
    await reset();
    await bulkDelete(['{job="etl"}', '{env="dev"}']);
    const entry = logEntries(gw).findLast((line) => line.msg === "deleted groups by selector");
    expect(entry).toMatchObject({ level: "info", deleted: 3, match: '{job="etl"} or {env="dev"}' });
  });

  test("without --web.enable-admin-api the endpoint does not exist: 404", async () => {
    await withGateway(() => startOurGateway(), async (plain) => {
      expect((await send(plain, "PUT", "/metrics/job/etl", "m 1\n")).status).toBe(200);
      const reply = await send(plain, "DELETE", `/api/v1/admin/groups?match[]=${encodeURIComponent('{job="etl"}')}`);
      expect(reply.status).toBe(404);
      expect((await send(plain, "GET", "/api/v1/metrics")).body).toContain('"job":"etl"');
    });
  });
});

describe("a scrape racing a bulk delete", () => {
  const COUNT = 1000;
  // Enough series that a scrape's body takes several writes to stream.
  const BODY = Array.from({ length: 20 }, (_, i) => `race_metric{series="${i}"} ${i}\n`).join("");

  test(`sees all ${COUNT} matched groups or none, never a part`, async () => {
    await reset();
    for (let at = 0; at < COUNT; at += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => send(gw, "PUT", `/metrics/job/race/instance/i${at + i}`, BODY).then((r) => expect(r.status).toBe(200))));
    }
    const seen: number[] = [];
    let deleting = true;
    const scraper = async () => {
      // Keeps scraping until the delete has been answered, and once more after.
      for (let last = false; !last; ) {
        last = !deleting;
        const body = await (await fetch(`${gw.url}/metrics`)).text();
        seen.push(body.match(/^push_time_seconds\{instance="i\d+",job="race"\}/gm)?.length ?? 0);
      }
    };
    const scrapers = Array.from({ length: 8 }, scraper);
    await Bun.sleep(20);
    const answer = await bulkDelete(['{job="race"}']);
    deleting = false;
    await Promise.all(scrapers);
    expect(answer.body).toEqual({ status: "success", data: { deleted: COUNT } });
    expect(seen.filter((count) => count !== 0 && count !== COUNT)).toEqual([]);
    // Both sides of the delete were seen.
    expect(seen).toContain(COUNT);
    expect(seen.at(-1)).toBe(0);
    expect(await groups()).toHaveLength(GROUPS.length);
  });
});
