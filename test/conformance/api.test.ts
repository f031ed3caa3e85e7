// The JSON API, the admin wipe and their request counts (SPEC §7.1–7.4, §6.5, §11 A1–A3 and the API lines of §11.2), Go vs ours.
import { describe, expect, test } from "bun:test";
import { type Reply, send } from "../helpers/http.ts";
import { PROTOBUF_CONTENT_TYPE, delimited } from "../helpers/metrics-proto.ts";
import { COUNTER, HISTOGRAM, MIXED_HISTOGRAM, NATIVE_HISTOGRAM, SUMMARY } from "../helpers/protobuf-families.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { decision, oursSide, type Pair, runCases, withPair } from "./differential.ts";

const CORS = {
  "access-control-allow-headers": "Accept, Authorization, Content-Type, Origin",
  "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Date",
  "cache-control": "no-cache, no-store, must-revalidate",
};

/** What is compared of an API answer: status, the CORS and content headers, and the body with every time masked. */
function apiView(reply: Reply): Record<string, unknown> {
  const headers: Record<string, string | null> = {};
  for (const name of [...Object.keys(CORS), "content-type", "allow"]) headers[name] = reply.headers.get(name);
  return { status: reply.status, headers, body: maskTimes(reply.body) };
}

/**
 * The body with what differs from run to run masked (SPEC §0): every `time_stamp` and `start_time`, and
 * the value of a non-zero `push_time_seconds` / `push_failure_time_seconds` (a Unix time).
 */
function maskTimes(body: string): string {
  return body
    .replace(/"(time_stamp|start_time)":"[^"]*"/g, '"$1":"<t>"')
    .replace(/("push(?:_failure)?_time_seconds":\{[^{]*?"metrics":\[\{"labels":\{[^}]*\},"value":")(?!0")[^"]*"/g, '$1<t>"');
}

/** The API's groups with the time fields masked and, since Go lists groups in random order (§7.2), sorted by their labels. */
function sortedGroups(body: string): unknown[] {
  const data = JSON.parse(maskTimes(body)).data as { labels: Record<string, string> }[];
  const key = (group: { labels: Record<string, string> }) => JSON.stringify(Object.entries(group.labels).sort());
  return data.toSorted((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One request: method, path, body, headers. */
type Request = [method: string, path: string, body?: string | Uint8Array, headers?: Record<string, string>];

/** Sends the same requests to both gateways, one after the other, and returns both answers of the last one. */
async function both(pair: Pair, requests: Request[]): Promise<[Reply, Reply]> {
  let last: [Reply, Reply] | undefined;
  for (const [method, path, body, headers] of requests) {
    last = await Promise.all([send(pair.go, method, path, body, headers), send(pair.ours, method, path, body, headers)]);
  }
  return last!;
}

const PROTOBUF = { "Content-Type": PROTOBUF_CONTENT_TYPE };

/** One family of every type with HELP, escapes a client may send, and values Go formats in its own way. */
const EVERY_TYPE = `# HELP c A <counter> & "quotes" \\\\ and a\\nnewline.
# TYPE c counter
c{x="1<2>&3"} 1000000
c{x="quote \\" backslash \\\\ newline \\n"} 3
c{x="ü Π 😀"} 1e-05
# TYPE g gauge
g NaN
g{s="neg"} -Inf
g{s="big"} 1.7953713469292624e+09
g{s="zero"} -0
# TYPE u untyped
u 100000
# TYPE s summary
s{quantile="0.5"} 1.5
s{quantile="0.99"} 2
s_sum 10
s_count 4
# TYPE e summary
e_sum 0
e_count 0
# TYPE h histogram
h_bucket{le="0.5"} 1
h_bucket{le="1.0"} 2
h_bucket{le="1e6"} 3
h_bucket{le="+Inf"} 30000000
h_sum 99.23
h_count 30000000
# TYPE n histogram
n_sum 1
n_count 1
`;

describe("GET /api/v1/metrics", () => {
  // §11 A2: an empty store.
  test("an empty store is exactly {\"status\":\"success\",\"data\":[]}", () =>
    withPair([], async (pair) => {
      const [go, ours] = await both(pair, [["GET", "/api/v1/metrics"]]);
      expect(go.body).toBe('{"status":"success","data":[]}');
      expect(apiView(ours)).toEqual(apiView(go));
      expect(apiView(go).headers).toMatchObject({ ...CORS, "content-type": "application/json" });
    }));

  // §11 A3 and §7.2: every type, Go's escaping (\u003c, \u0026), %v numbers (1e+06, NaN, -0), counts as
  // integers (30000000), an empty summary, a histogram without buckets, label values with quotes and newlines.
  test("one group of every type is the same JSON as Go's, times masked", () =>
    withPair([], async (pair) => {
      const [go, ours] = await both(pair, [
        ["PUT", "/metrics/job/Bj%C3%B6rn/instance@base64/aW5zdCdhIm5cY2Ux", EVERY_TYPE],
        ["GET", "/api/v1/metrics"],
      ]);
      expect(go.body).toContain('"x":"1\\u003c2\\u003e\\u00263"');
      expect(go.body).toContain('"count":"30000000"');
      expect(apiView(ours)).toEqual(apiView(go));
    }));

  // Families pushed as protobuf are kept structured where their text lines lose something: shown the same.
  test("protobuf-pushed counter, summary and classic histogram (no +Inf bucket) are the same JSON as Go's", () =>
    withPair([], async (pair) => {
      const [go, ours] = await both(pair, [["PUT", "/metrics/job/pb", delimited(COUNTER, SUMMARY, HISTOGRAM), PROTOBUF], ["GET", "/api/v1/metrics"]]);
      expect(go.body).toContain('"buckets":{"0.5":"1","1":"2"}');
      expect(apiView(ours)).toEqual(apiView(go));
    }));

  test("a failed push shows last_push_successful false, and the failure time", () =>
    withPair([], async (pair) => {
      const [go, ours] = await both(pair, [
        ["PUT", "/metrics/job/f", "a 1\n"],
        ["PUT", "/metrics/job/f", "a 1 1000\n"],
        ["GET", "/api/v1/metrics"],
      ]);
      expect(go.body).toContain('"last_push_successful":false');
      expect(apiView(ours)).toEqual(apiView(go));
    }));

  // §7.2: Go lists groups in random order; ours in grouping-key order ([Rec]), so only the sets are compared.
  test("several groups: the same groups as Go's, ours in grouping-key order", () =>
    withPair([], async (pair) => {
      const [go, ours] = await both(pair, [
        ["PUT", "/metrics/job/b", "m 1\n"],
        ["PUT", "/metrics/job/a/instance/2", "m 2\n"],
        ["POST", "/metrics/job/a", "m 3\n"],
        ["PUT", "/metrics/job/a/instance/1/x/", "m 4\n"],
        ["GET", "/api/v1/metrics"],
      ]);
      expect(sortedGroups(ours.body)).toEqual(sortedGroups(go.body));
      await oursSide(async () => {
        const labels = (JSON.parse(ours.body).data as { labels: Record<string, string> }[]).map((group) => group.labels);
        // The key joins the sorted names and values (§2.5): groups with an `instance` come before `job` alone.
        expect(labels).toEqual([{ instance: "1", job: "a", x: "" }, { instance: "2", job: "a" }, { job: "a" }, { job: "b" }]);
      });
    }));

  test("a deleted group is gone from the API", () =>
    withPair([], async (pair) => {
      await both(pair, [["PUT", "/metrics/job/d", "m 1\n"], ["PUT", "/metrics/job/k", "m 1\n"], ["DELETE", "/metrics/job/d"]]);
      await Bun.sleep(50); // Go applies a DELETE after its 202 (§3.1).
      const [go, ours] = await both(pair, [["GET", "/api/v1/metrics"]]);
      expect(apiView(ours)).toEqual(apiView(go));
    }));
});

// §7.2 quirk: a family named `labels` or `last_push_successful` overwrites the group's own key in Go; ours keeps the group's keys.
decision("a family named labels or last_push_successful does not overwrite the group's keys", [], async (pair) => {
  const requests: Request[] = [["PUT", "/metrics/job/q", "labels 1\nlast_push_successful 0\nother 2\n"], ["GET", "/api/v1/metrics"]];
  const [go, ours] = await both(pair, requests);
  const goGroup = JSON.parse(maskTimes(go.body)).data[0];
  expect(goGroup.labels.type).toBe("UNTYPED");
  expect(goGroup.last_push_successful.type).toBe("UNTYPED");
  await oursSide(async () => {
    const group = JSON.parse(maskTimes(ours.body)).data[0];
    expect(group.labels).toEqual({ job: "q" });
    expect(group.last_push_successful).toBe(true);
    // Everything else is Go's.
    expect(group.other).toEqual(goGroup.other);
  });
});

// §7.2: 1.5.1 shows a native histogram's buckets as {}; ours shows them as the newest Go does (bucket arrays).
decision("native histograms show their buckets as the newest Go's arrays, where 1.5.1 shows {}", [], async (pair) => {
  const [go, ours] = await both(pair, [["PUT", "/metrics/job/nh", delimited(NATIVE_HISTOGRAM, MIXED_HISTOGRAM), PROTOBUF], ["GET", "/api/v1/metrics"]]);
  const goGroup = JSON.parse(go.body).data[0];
  expect(goGroup.nh.metrics[0]).toEqual({ buckets: {}, count: "20", labels: { instance: "", job: "nh" }, sum: "99.23" });
  // A histogram with classic and native buckets: 1.5.1 shows the classic ones.
  expect(goGroup.mh.metrics[0].buckets).toEqual({ "1": "2" });
  await oursSide(async () => {
    const group = JSON.parse(ours.body).data[0];
    // SPEC §11.1 A3's integer native histogram, plus its zero bucket: newest Go's layout and bounds.
    expect(group.nh.metrics[0]).toEqual({
      buckets: [[1, "-1.414213562373095", "-1", "2"], [3, "-0.001", "0.001", "2"], [0, "0.7071067811865475", "1", "3"], [0, "1", "1.414213562373095", "2"]],
      count: "20",
      labels: { instance: "", job: "nh" },
      sum: "99.23",
    });
    expect(group.mh.metrics[0].buckets).toEqual([[0, "0.5", "1", "5"]]);
  });
});

describe("GET /api/v1/status", () => {
  // §11 A1: the flags as Go shows them, and Go's build information keys.
  test("shows Go's build information keys and every flag Go shows, with Go's value where the flag means the same", () =>
    withPair(["--web.enable-admin-api", "--persistence.interval=90s", "--web.route-prefix=/pg/"], async (pair) => {
      const [go, ours] = await both(pair, [["GET", "/pg/api/v1/status"]]);
      const goData = JSON.parse(go.body).data;
      const oursData = JSON.parse(ours.body).data;
      expect(Object.keys(oursData)).toEqual(["build_information", "flags", "start_time"]);
      expect(Object.keys(oursData.build_information)).toEqual(Object.keys(goData.build_information));
      expect(goData.flags["persistence.interval"]).toBe("1m30s");
      // Go shows the route prefix as it uses it (§2.6), not as given.
      expect(goData.flags["web.route-prefix"]).toBe("/pg");
      // Where the gateways differ on purpose: the port each listens on, Debian's asset directory default.
      const differing = ["web.listen-address", "web.local-assets"];
      for (const [name, value] of Object.entries(goData.flags as Record<string, string>)) {
        if (!differing.includes(name)) expect({ name, value: oursData.flags[name] }).toEqual({ name, value });
      }
      expect(oursData.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      expect(apiView({ ...ours, body: "" })).toEqual(apiView({ ...go, body: "" }));
    }));
});

/** One request, the same to both, compared with apiView (status, CORS and content headers, masked body). */
function apiCase(name: string, flags: string[], requests: Request[], expected: { status: number; cors: boolean; allow?: string }) {
  test(name, () =>
    withPair(flags, async (pair) => {
      const [go, ours] = await both(pair, requests);
      expect({ status: go.status, cors: go.headers.get("access-control-allow-origin") === "*", allow: go.headers.get("allow") ?? undefined }).toEqual(
        { allow: undefined, ...expected },
      );
      expect(apiView(ours)).toEqual(apiView(go));
    }));
}

describe("methods, CORS preflight and unknown API paths", () => {
  apiCase("§7.1: OPTIONS on any path under /api/v1/ is 200, empty, with the CORS headers", [], [["OPTIONS", "/api/v1/anything/at/all"]], { status: 200, cors: true });
  apiCase("OPTIONS on the metrics endpoint likewise", [], [["OPTIONS", "/api/v1/metrics"]], { status: 200, cors: true });
  apiCase("§7.1: POST /api/v1/metrics is 405 with Allow, no CORS", [], [["POST", "/api/v1/metrics"]], { status: 405, cors: false, allow: "GET, OPTIONS" });
  apiCase("DELETE /api/v1/status is 405 with Allow", [], [["DELETE", "/api/v1/status"]], { status: 405, cors: false, allow: "GET, OPTIONS" });
  apiCase("HEAD is not GET: 405", [], [["HEAD", "/api/v1/status"]], { status: 405, cors: false, allow: "GET, OPTIONS" });
  apiCase("§7.1: an unknown API path is 404", [], [["GET", "/api/v1/nothing"]], { status: 404, cors: false });
  apiCase("/api/v1/ itself is 404 for GET", [], [["GET", "/api/v1/"]], { status: 404, cors: false });
});

describe("PUT /api/v1/admin/wipe", () => {
  // §7.4: the route exists only with the flag.
  apiCase("without --web.enable-admin-api it is 404", [], [["PUT", "/metrics/job/w", "m 1\n"], ["PUT", "/api/v1/admin/wipe"]], { status: 404, cors: false });
  apiCase("without the flag the groups are still there", [], [["PUT", "/metrics/job/w", "m 1\n"], ["PUT", "/api/v1/admin/wipe"], ["GET", "/api/v1/metrics"]], {
    status: 200,
    cors: true,
  });
  apiCase("with the flag it is 202, empty, no CORS headers", ["--web.enable-admin-api"], [["PUT", "/metrics/job/w", "m 1\n"], ["PUT", "/api/v1/admin/wipe"]], {
    status: 202,
    cors: false,
  });
  apiCase("§7.4: other methods are 405 with Allow: OPTIONS, PUT", ["--web.enable-admin-api"], [["POST", "/api/v1/admin/wipe"]], {
    status: 405,
    cors: false,
    allow: "OPTIONS, PUT",
  });
  apiCase("OPTIONS on it is the API's preflight", ["--web.enable-admin-api"], [["OPTIONS", "/api/v1/admin/wipe"]], { status: 200, cors: true });

  // §11.1 W1: every group present is deleted; Go applies the wipe after its 202, so it is polled.
  test("with the flag every group is gone, in the API and in the scrape; later pushes are kept", () =>
    withPair(["--web.enable-admin-api"], async (pair) => {
      await both(pair, [["PUT", "/metrics/job/a", "m 1\n"], ["PUT", "/metrics/job/b/i/1", "m 2\n"], ["PUT", "/api/v1/admin/wipe"]]);
      for (const gw of [pair.go, pair.ours]) {
        expect(await settled(gw, (body) => body === '{"status":"success","data":[]}')).toBe(true);
        expect((await send(gw, "GET", "/metrics")).body).not.toContain("push_time_seconds");
      }
      const [go, ours] = await both(pair, [["PUT", "/metrics/job/c", "m 3\n"], ["GET", "/api/v1/metrics"]]);
      expect(apiView(ours)).toEqual(apiView(go));
    }));
});

/** Polls the API until `done(body)` or 2 s have passed; whether it got there. */
async function settled(gw: Gateway, done: (body: string) => boolean): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    if (done((await send(gw, "GET", "/api/v1/metrics")).body)) return true;
    await Bun.sleep(20);
  }
  return false;
}

describe("route prefix and telemetry path", () => {
  // §2.6: every route, the API included, moves under the prefix.
  apiCase("the API answers under --web.route-prefix", ["--web.route-prefix=/pg"], [["PUT", "/pg/metrics/job/p", "m 1\n"], ["GET", "/pg/api/v1/metrics"]], {
    status: 200,
    cors: true,
  });
  apiCase("... and not outside it", ["--web.route-prefix=/pg"], [["GET", "/api/v1/metrics"]], { status: 404, cors: false });
  apiCase("the prefix comes from --web.external-url's path", ["--web.external-url=http://gw.example/ext/"], [["GET", "/ext/api/v1/metrics"]], {
    status: 200,
    cors: true,
  });
  apiCase("the wipe moves under the prefix", ["--web.route-prefix=/pg", "--web.enable-admin-api"], [["PUT", "/pg/api/v1/admin/wipe"]], {
    status: 202,
    cors: false,
  });
  apiCase("the preflight moves under the prefix", ["--web.route-prefix=/pg"], [["OPTIONS", "/pg/api/v1/x"]], { status: 200, cors: true });
  // The API does not follow the scrape path.
  apiCase("--web.telemetry-path does not move the API", ["--web.telemetry-path=/m2"], [["PUT", "/metrics/job/t", "m 1\n"], ["GET", "/api/v1/metrics"]], {
    status: 200,
    cors: true,
  });
});

// §6.5: the API's requests are counted with Go's handler labels; 404s and 405s are not.
test("API requests are counted in pushgateway_http_requests_total as Go counts them", () =>
  withPair(["--web.enable-admin-api"], async (pair) => {
    await both(pair, [
      ["GET", "/api/v1/metrics"],
      ["GET", "/api/v1/metrics"],
      ["GET", "/api/v1/status"],
      ["OPTIONS", "/api/v1/x"],
      ["OPTIONS", "/api/v1/admin/wipe"],
      ["PUT", "/api/v1/admin/wipe"],
      ["POST", "/api/v1/metrics"],
      ["GET", "/api/v1/nothing"],
    ]);
    // The start-up's readiness probes are counted too (handler "ready"): left out.
    const counts = async (gw: Gateway) =>
      (await send(gw, "GET", "/metrics")).body.split("\n").filter((line) => line.startsWith("pushgateway_http_requests_total{") && !line.includes('handler="ready"'));
    const go = await counts(pair.go);
    expect(go).toEqual([
      'pushgateway_http_requests_total{code="200",handler="api/v1/metrics",method="get"} 2',
      'pushgateway_http_requests_total{code="200",handler="api/v1/options",method="options"} 2',
      'pushgateway_http_requests_total{code="200",handler="api/v1/status",method="get"} 1',
      'pushgateway_http_requests_total{code="202",handler="wipe",method="put"} 1',
    ]);
    expect(await counts(pair.ours)).toEqual(go);
  }));

runCases("API paths with a trailing slash", [
  // Go's API router redirects /api/v1 to /api/v1/ for every method (§2.1).
  { name: "GET /api/v1 is a 301 to /api/v1/", steps: [{ method: "GET", path: "/api/v1", expect: { status: 301 } }], scrape: [] },
  { name: "OPTIONS /api/v1/status/ is the preflight, not a redirect", steps: [{ method: "OPTIONS", path: "/api/v1/status/", expect: { status: 200 } }], scrape: [] },
]);

// §2.1 quirk: Go's trailing-slash redirect under /api/v1 loses the /api/v1 prefix (to /metrics, the scrape); ours keeps it.
decision("GET /api/v1/metrics/ redirects to /api/v1/metrics, not to Go's /metrics", [], async (pair) => {
  const [go, ours] = await both(pair, [["GET", "/api/v1/metrics/"]]);
  expect({ status: go.status, location: go.headers.get("location") }).toEqual({ status: 301, location: "/metrics" });
  await oursSide(async () => expect({ status: ours.status, location: ours.headers.get("location") }).toEqual({ status: 301, location: "/api/v1/metrics" }));
});
