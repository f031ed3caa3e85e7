// The scrape (SPEC §6): text rendering of what was pushed, Go vs ours. Series order inside a family is
// compared order-insensitively (D3, see scrapePushed); family order, HELP, TYPE and values exactly.
import { describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { type Case, gauges, runCases, withPair } from "./differential.ts";

const TEXT_0_0_4 = "text/plain; version=0.0.4; charset=utf-8";

/** One PUT of `body` to {job="f"} that is accepted, and the sample lines SPEC says it renders. */
function rendered(name: string, body: string, samples: string[]): Case {
  return {
    name,
    steps: [{ method: "PUT", path: "/metrics/job/f", body, expect: { status: 200, body: "" } }],
    scrape: [...samples, ...gauges('instance="",job="f"')],
  };
}

/** `f{i="<i>",instance="",job="f"} <value>`. */
function f(i: string, value: string): string {
  return `f{i="${i}",instance="",job="f"} ${value}`;
}

runCases("text exposition of pushed families", [
  // An empty store exposes only gateway-own families (dropped here): the scrape compares empty.
  { name: "an empty store exposes no pushed families", steps: [], scrape: [] },
  // §6.2: Go's %g-shortest formatting, exponent when exp < -4 or >= 6, -0 printed as 0.
  rendered(
    "values are formatted the Go way",
    [
      'f{i="a"} 1000000',
      'f{i="b"} 123456789',
      'f{i="c"} 0.00001',
      'f{i="d"} 0.0001',
      'f{i="e"} 1e21',
      'f{i="g"} 100000',
      'f{i="h"} 1234567',
      'f{i="j"} 5e-324',
      'f{i="k"} 1.7976931348623157e308',
      'f{i="l"} 12345678901234567890',
      'f{i="m"} 1.50',
      'f{i="n"} 1e-7',
      'f{i="o"} -0',
      'f{i="p"} 0.1',
      'f{i="q"} -2.5e-8',
      "",
    ].join("\n"),
    [
      f("a", "1e+06"),
      f("b", "1.23456789e+08"),
      f("c", "1e-05"),
      f("d", "0.0001"),
      f("e", "1e+21"),
      f("g", "100000"),
      f("h", "1.234567e+06"),
      f("j", "5e-324"),
      f("k", "1.7976931348623157e+308"),
      f("l", "1.2345678901234567e+19"),
      f("m", "1.5"),
      f("n", "1e-07"),
      f("o", "0"),
      f("p", "0.1"),
      f("q", "-2.5e-08"),
    ],
  ),
  // §6.2: HELP escapes `\` and newline (not `"`); label values escape `\`, `"` and newline.
  rendered("HELP and label values are escaped", '# HELP e say "hi" \\\\ and\\nmore\ne{a="q\\"x\\\\y\\nz"} 1\n', [
    'e{a="q\\"x\\\\y\\nz",instance="",job="f"} 1',
  ]),
  // §6.2 ordering example: families by name, several groups per family, labels of different sizes.
  {
    name: "families from several groups are merged by name",
    steps: [
      { method: "PUT", path: "/metrics/job/j0", body: '# HELP m1 help one\n# TYPE m1 counter\nm1{a="x"} 5\naa 7\n', expect: { status: 200 } },
      {
        method: "PUT",
        path: "/metrics/job/j1/instance/i1",
        body: '# HELP m1 help one\n# TYPE m1 counter\nm1{a="1",b="2"} 3\nm1{a="0"} 4\n# TYPE zz gauge\nzz 1\n',
        expect: { status: 200 },
      },
      { method: "PUT", path: "/metrics/job/j2/instance/i1", body: '# HELP m1 help one\n# TYPE m1 counter\nm1{a="y"} 6\n', expect: { status: 200 } },
    ],
    scrape: [
      'aa{instance="",job="j0"} 7',
      'm1{a="0",instance="i1",job="j1"} 4',
      'm1{a="x",instance="",job="j0"} 5',
      'm1{a="y",instance="i1",job="j2"} 6',
      'm1{a="1",b="2",instance="i1",job="j1"} 3',
      'zz{instance="i1",job="j1"} 1',
      ...gauges('instance="",job="j0"'),
      ...gauges('instance="i1",job="j1"'),
      ...gauges('instance="i1",job="j2"'),
    ],
  },
  // Summaries and histograms from two groups: each series keeps its lines together and in order.
  {
    name: "summaries and histograms from several groups keep each series together",
    steps: [
      {
        method: "PUT",
        path: "/metrics/job/s1",
        body: '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.9"} 2\ns_sum 3\ns_count 4\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 2\n',
        expect: { status: 200 },
      },
      {
        method: "PUT",
        path: "/metrics/job/s2",
        body: '# TYPE s summary\ns{quantile="0.5"} 5\ns_sum 6\ns_count 7\n# TYPE h histogram\nh_bucket{le="0.1"} 0\nh_bucket{le="+Inf"} 3\nh_sum 9\nh_count 3\n',
        expect: { status: 200 },
      },
    ],
    scrape: [
      'h_bucket{instance="",job="s1",le="1"} 1',
      'h_bucket{instance="",job="s1",le="+Inf"} 2',
      'h_sum{instance="",job="s1"} 1',
      'h_count{instance="",job="s1"} 2',
      'h_bucket{instance="",job="s2",le="0.1"} 0',
      'h_bucket{instance="",job="s2",le="+Inf"} 3',
      'h_sum{instance="",job="s2"} 9',
      'h_count{instance="",job="s2"} 3',
      's{instance="",job="s1",quantile="0.5"} 1',
      's{instance="",job="s1",quantile="0.9"} 2',
      's_sum{instance="",job="s1"} 3',
      's_count{instance="",job="s1"} 4',
      's{instance="",job="s2",quantile="0.5"} 5',
      's_sum{instance="",job="s2"} 6',
      's_count{instance="",job="s2"} 7',
      ...gauges('instance="",job="s1"'),
      ...gauges('instance="",job="s2"'),
    ],
  },
]);

describe("scrape content negotiation (SPEC §6.3), checked on each gateway", () => {
  // §6.3: anything but protobuf gets text 0.0.4; the scrape never speaks OpenMetrics.
  const accepts = [
    undefined,
    "text/plain; version=0.0.4",
    "application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
    "application/json",
  ];
  test("every non-protobuf Accept header gets text 0.0.4", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        for (const accept of accepts) {
          const reply = await send(gw, "GET", "/metrics", undefined, accept ? { Accept: accept } : {});
          expect({ kind: gw.kind, accept, status: reply.status, contentType: reply.headers.get("content-type") }).toEqual({
            kind: gw.kind,
            accept,
            status: 200,
            contentType: TEXT_0_0_4,
          });
        }
      }
    }));
});
