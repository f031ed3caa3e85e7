// Protobuf pushes and scrapes (SPEC §4.1, §4.2, §4.4, §4.6, §6.3), Go vs ours; where ours differs on purpose
// (D4 [Rec] items, newest-Go behaviour) Go is pinned and ours asserted, as in decisions.test.ts.
import { describe, expect, test } from "bun:test";
import { scrapePushed, send } from "../helpers/http.ts";
import { PROTOBUF_CONTENT_TYPE, type FamilyObject, decodeDelimited, delimited, labels, snappyFramed } from "../helpers/metrics-proto.ts";
import { withLongVarints } from "../helpers/long-varints.ts";
import { COUNTER, HISTOGRAM, MIXED_HISTOGRAM, NATIVE_HISTOGRAM, SUMMARY } from "../helpers/protobuf-families.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { type Case, decision, gauges, normaliseErrorBody, oursSide, runCases, withPair } from "./differential.ts";

const PATH = "/metrics/job/pb";
const LABELS = 'instance="",job="pb"';
const PB = { "Content-Type": PROTOBUF_CONTENT_TYPE };
const INVALID = "pushed metrics are invalid or inconsistent with existing metrics: ";

/** A sample line of group {job="pb"}: `extra` pairs sorted in with instance and job, `bound` last. */
function line(name: string, value: string, extra = "", bound = ""): string {
  const pairs = [...(extra ? extra.split(",") : []), 'instance=""', 'job="pb"'].sort();
  if (bound) pairs.push(bound);
  return `${name}{${pairs.join(",")}} ${value}`;
}

/** A PUT of protobuf `families` that is accepted and leaves `samples` (plus the group's gauges). */
function accepted(name: string, families: FamilyObject[], samples: string[], headers: Record<string, string> = PB): Case {
  return {
    name,
    steps: [{ method: "PUT", path: PATH, body: delimited(...families), headers, expect: { status: 200, body: "" } }],
    scrape: [...samples, ...gauges(LABELS)],
  };
}

/** A PUT of `body` that fails before the store (nothing changes) with `message`. */
function unparsable(name: string, body: Uint8Array, message: string, headers: Record<string, string> = PB): Case {
  return { name, steps: [{ method: "PUT", path: PATH, body, headers, expect: { status: 400, body: `${message}\n` } }], scrape: [] };
}

/** A PUT the store refuses with `message` (after normaliseErrorBody): the group only gets its failure time. */
function refused(name: string, families: FamilyObject[], message: string): Case {
  return {
    name,
    steps: [{ method: "PUT", path: PATH, body: delimited(...families), headers: PB, expect: { status: 400, body: `${INVALID}${message}\n` } }],
    scrape: gauges(LABELS, "0", "<t>"),
  };
}

const GAUGE: FamilyObject = { name: "g", type: "GAUGE", metric: [{ label: labels(["z", "9"], ["b", "x"]), gauge: { value: -2.5 } }] };
const UNTYPED: FamilyObject = { name: "u", type: "UNTYPED", metric: [{ untyped: { value: 1e6 } }] };
const WITH_EXEMPLAR: FamilyObject = {
  name: "ce",
  type: "COUNTER",
  metric: [{ counter: { value: 1, exemplar: { label: labels(["trace_id", "y"]), value: 1 }, createdTimestamp: { seconds: 100, nanos: 5 } } }],
};

runCases("protobuf push bodies Go and ours treat alike (SPEC §4.4)", [
  accepted("every classic type is stored and rendered as text", [COUNTER, GAUGE, UNTYPED, SUMMARY, HISTOGRAM], [
    line("c", "3", 'a="1"'),
    line("g", "-2.5", 'b="x",z="9"'),
    line("u", "1e+06"),
    line("s", "1.5", "", 'quantile="0.5"'),
    line("s", "2", "", 'quantile="0.99"'),
    line("s_sum", "10"),
    line("s_count", "4"),
    line("h_bucket", "1", "", 'le="0.5"'),
    line("h_bucket", "2", "", 'le="1"'),
    line("h_bucket", "3", "", 'le="+Inf"'),
    line("h_sum", "2.5"),
    line("h_count", "3"),
  ]),
  // §4.6: the text scrape shows a native histogram's classic view.
  accepted("a native-only histogram shows a +Inf bucket, _sum and _count", [NATIVE_HISTOGRAM], [
    line("nh_bucket", "20", "", 'le="+Inf"'),
    line("nh_sum", "99.23"),
    line("nh_count", "20"),
  ]),
  accepted("a histogram with classic and native buckets shows the classic ones", [MIXED_HISTOGRAM], [
    line("mh_bucket", "2", "", 'le="1"'),
    line("mh_bucket", "5", "", 'le="+Inf"'),
    line("mh_sum", "9"),
    line("mh_count", "5"),
  ]),
  accepted("exemplars and created timestamps are dropped from the text scrape", [WITH_EXEMPLAR], [line("ce", "1")]),
  accepted(
    "two families of one name: the last wins",
    [
      { name: "dup", type: "GAUGE", metric: [{ label: labels(["i", "1"]), gauge: { value: 1 } }] },
      { name: "dup", type: "GAUGE", metric: [{ label: labels(["i", "2"]), gauge: { value: 2 } }] },
    ],
    [line("dup", "2", 'i="2"')],
  ),
  accepted("a family without metrics is stored and never shown", [{ name: "empty", type: "GAUGE" }], []),
  accepted(
    "unsorted labels are sorted, empty label values kept",
    [{ name: "lv", type: "GAUGE", metric: [{ label: labels(["zz", ""], ["aa", "v"]), gauge: { value: 1 } }] }],
    [line("lv", "1", 'aa="v",zz=""')],
  ),
  accepted("a family without type holding counters is a counter", [{ name: "nt", metric: [{ counter: { value: 4 } }] }], [line("nt", "4")]),
  accepted(
    "a series carrying its type's value plus another one is accepted",
    [{ name: "both", type: "GAUGE", metric: [{ gauge: { value: 1 }, counter: { value: 2 } }] }],
    [line("both", "1")],
  ),
  accepted("grouping labels overwrite body labels", [{ name: "o", type: "GAUGE", metric: [{ label: labels(["job", "x"], ["instance", "i"]), gauge: { value: 1 } }] }], [
    'o{instance="i",job="pb"} 1',
  ]),
  refused("a counter value in a gauge family", [{ name: "wk", type: "GAUGE", metric: [{ counter: { value: 3 } }] }], 'collected metric "wk" {…} is not a <TYPE>'),
  refused("an untyped value in a family without type (a counter)", [{ name: "nt", metric: [{ untyped: { value: 3 } }] }], 'collected metric "nt" {…} is not a <TYPE>'),
  refused("a series without any value", [{ name: "nv", type: "GAUGE", metric: [{}] }], 'collected metric "nv" {…} is not a <TYPE>'),
  refused(
    "a label name that is not legacy-valid",
    [{ name: "bl", type: "GAUGE", metric: [{ label: labels(["a.b", "1"]), gauge: { value: 1 } }] }],
    'collected metric "bl" {…} has a label with an invalid name: a.b',
  ),
  refused(
    "a repeated label name",
    [{ name: "dl", type: "GAUGE", metric: [{ label: labels(["a", "1"], ["a", "2"]), gauge: { value: 1 } }] }],
    'collected metric "dl" {…} has two or more labels with the same name: a',
  ),
  refused(
    "a quantile label on a summary",
    [{ name: "ql", type: "SUMMARY", metric: [{ label: labels(["quantile", "1"]), summary: { sampleCount: 1, sampleSum: 1 } }] }],
    'collected metric "ql" {…} must not have an explicit "quantile" label',
  ),
  refused("a timestamp, even 0", [{ name: "ts", type: "GAUGE", metric: [{ gauge: { value: 1 }, timestampMs: 0 }] }], "pushed metrics must not have timestamps"),
  // Wire errors: Go's texts, nothing stored.
  unparsable("a body cut inside a message", delimited(COUNTER).subarray(0, 10), "unexpected EOF"),
  unparsable("a length prefix longer than five bytes", Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), "invalid varint32 encountered"),
  unparsable("wire type 7", Uint8Array.from([0x02, 0x0f, 0x01]), "proto: can't skip unknown wire type 7"),
  unparsable("field number 0", Uint8Array.from([0x02, 0x00, 0x01]), "proto: io_prometheus_client.MetricFamily: illegal tag 0 (wire type 0)"),
  unparsable("a good message followed by a broken one", Uint8Array.from([...delimited(COUNTER), 0x01, 0x0c]), "proto: can't skip unknown wire type 4"),
  {
    name: "a protobuf family clashing in type with a text family of another group is refused",
    steps: [
      { method: "PUT", path: "/metrics/job/t", body: "# TYPE c gauge\nc 1\n", expect: { status: 200 } },
      { method: "PUT", path: PATH, body: delimited(COUNTER), headers: PB, expect: { status: 400, body: `${INVALID}collected metric "c" {…} is not a <TYPE>\n` } },
    ],
    scrape: ['c{instance="",job="t"} 1', ...gauges('instance="",job="t"'), ...gauges(LABELS, "0", "<t>")],
  },
]);

// Varints longer than they need be: Go reads up to ten bytes whatever the value; ours once lost its place
// after five and answered 200 having stored nothing (issue 11, finding 3).
const PROBE_TYPE_2_40 = Uint8Array.from([
  0x1d, 0x0a, 0x04, ...new TextEncoder().encode("pb_t"), 0x12, 0x01, 0x68, 0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20,
  0x22, 0x0b, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
]);
runCases("protobuf varints of any length up to ten bytes", [
  {
    name: "every varint inside the messages spelled in ten bytes reads as the canonical body",
    steps: [{ method: "PUT", path: PATH, body: withLongVarints(delimited(COUNTER, GAUGE, SUMMARY), () => 10), headers: PB, expect: { status: 200, body: "" } }],
    scrape: [
      line("c", "3", 'a="1"'),
      line("g", "-2.5", 'b="x",z="9"'),
      line("s", "1.5", "", 'quantile="0.5"'),
      line("s", "2", "", 'quantile="0.99"'),
      line("s_sum", "10"),
      line("s_count", "4"),
      ...gauges(LABELS),
    ],
  },
  {
    name: "a type field of six bytes (2^40) keeps its low 32 bits: a counter family holding a gauge, refused",
    steps: [{ method: "PUT", path: PATH, body: PROBE_TYPE_2_40, headers: PB, expect: { status: 400, body: `${INVALID}collected metric "pb_t" {…} is not a <TYPE>\n` } }],
    scrape: gauges(LABELS, "0", "<t>"),
  },
  unparsable("an eleven-byte varint", Uint8Array.from([0x0e, 0x0a, 0x01, 0x78, 0x18, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), "unexpected EOF"),
  unparsable("a string length past 32 bits", Uint8Array.from([0x07, 0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x78]), "unexpected EOF"),
]);

const PB_MEDIA = "application/vnd.google.protobuf";
const PROTO = "proto=io.prometheus.client.MetricFamily";

runCases("push Content-Type variants (SPEC §4.2)", [
  ...[
    ["encoding before proto", `${PB_MEDIA}; encoding=delimited; ${PROTO}`],
    ["no blanks", `${PB_MEDIA};${PROTO};encoding=delimited`],
    ["media type and parameter names in capitals", `APPLICATION/VND.GOOGLE.PROTOBUF; PROTO=io.prometheus.client.MetricFamily; ENCODING=delimited`],
    ["quoted values", `${PB_MEDIA}; proto="io.prometheus.client.MetricFamily"; encoding="delimited"`],
    ["an extra escaping parameter", `${PB_MEDIA}; ${PROTO}; encoding=delimited; escaping=underscores`],
    ["a trailing semicolon", `${PB_MEDIA}; ${PROTO}; encoding=delimited;`],
  ].map(([why, header]) => accepted(`protobuf with ${why}`, [COUNTER], [line("c", "3", 'a="1"')], { "Content-Type": header! })),
  // The text body proves which parser ran: protobuf would refuse it (see bodies.test.ts).
  ...[
    ["a value in capitals", `${PB_MEDIA}; ${PROTO}; encoding=DELIMITED`],
    ["a repeated parameter", `${PB_MEDIA}; ${PROTO}; encoding=delimited; encoding=delimited`],
    ["a parameter without value", `${PB_MEDIA}; ${PROTO}; encoding=delimited; bogus`],
    ["encoding=text", `${PB_MEDIA}; ${PROTO}; encoding=text`],
  ].map(([why, header]): Case => ({
    name: `a header with ${why} is read as text`,
    steps: [{ method: "PUT", path: PATH, body: "a 1\n", headers: { "Content-Type": header! }, expect: { status: 200, body: "" } }],
    scrape: [line("a", "1"), ...gauges(LABELS)],
  })),
]);

runCases("compressed protobuf pushes (SPEC §4.1)", [
  {
    name: "a gzip protobuf body is gunzipped",
    steps: [{ method: "PUT", path: PATH, body: Bun.gzipSync(delimited(COUNTER)), headers: { ...PB, "Content-Encoding": "gzip" }, expect: { status: 200, body: "" } }],
    scrape: [line("c", "3", 'a="1"'), ...gauges(LABELS)],
  },
  {
    name: "a gzip protobuf body cut in the middle is refused",
    steps: [{ method: "PUT", path: PATH, body: Bun.gzipSync(delimited(COUNTER, SUMMARY, HISTOGRAM)).subarray(0, 40), headers: { ...PB, "Content-Encoding": "gzip" }, expect: { status: 400, body: "unexpected EOF\n" } }],
    scrape: [],
  },
  accepted("Content-Encoding deflate is ignored", [COUNTER], [line("c", "3", 'a="1"')], { ...PB, "Content-Encoding": "deflate" }),
]);

const PROTOBUF_ACCEPT = `${PB_MEDIA}; ${PROTO}; encoding=delimited`;
const OWN = /^(go_|process_|pushgateway_)/;
const TIME_GAUGES = ["push_time_seconds", "push_failure_time_seconds"];

/**
 * A delimited protobuf scrape decoded, reduced like scrapePushed: gateway-own families dropped, non-zero
 * time gauge values masked, each family's series sorted by labels (D3: ours orders them group by group).
 */
async function protobufScrape(gw: Gateway): Promise<{ status: number; contentType: string | null; families: FamilyObject[] }> {
  const response = await fetch(`${gw.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT } });
  const families = decodeDelimited(new Uint8Array(await response.arrayBuffer()))
    .filter((family) => !OWN.test(family.name as string))
    .map((family) => {
      const metrics = (family.metric as { label: unknown; gauge?: { value: number } }[]).map((metric) =>
        TIME_GAUGES.includes(family.name as string) && metric.gauge?.value !== 0 ? { ...metric, gauge: { value: "<t>" } } : metric,
      );
      metrics.sort((a, b) => (JSON.stringify(a.label) < JSON.stringify(b.label) ? -1 : 1));
      return { ...family, metric: metrics };
    });
  return { status: response.status, contentType: response.headers.get("content-type"), families };
}

describe("protobuf scrapes (SPEC §6.3)", () => {
  test("a delimited scrape holds what was pushed, native histograms, exemplars and created timestamps included", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        expect((await send(gw, "PUT", PATH, delimited(COUNTER, SUMMARY, NATIVE_HISTOGRAM, MIXED_HISTOGRAM, WITH_EXEMPLAR), PB)).status).toBe(200);
        expect((await send(gw, "PUT", "/metrics/job/t", '# HELP c Text help.\n# TYPE c counter\nc{a="2"} 5\n# TYPE th histogram\nth_bucket{le="1"} 1\nth_sum 0.5\nth_count 2\n')).status).toBe(200);
        expect((await send(gw, "POST", "/metrics/job/t", 'x{q="\\"quoted\\" ü"} NaN\n')).status).toBe(200);
      }
      const [goScrape, oursScrape] = await Promise.all([protobufScrape(go), protobufScrape(ours)]);
      expect(goScrape.contentType).toBe(PROTOBUF_ACCEPT);
      // HELP of `c` differs between the groups: Go picks one at random (§5.4), so it is left out.
      const withoutHelpOfC = (families: FamilyObject[]) => families.map((family) => (family.name === "c" ? { ...family, help: undefined } : family));
      expect(withoutHelpOfC(oursScrape.families)).toEqual(withoutHelpOfC(goScrape.families));
      expect(oursScrape.contentType).toBe(goScrape.contentType);
      expect(goScrape.families.map((family) => family.name)).toEqual(["c", "ce", "mh", "nh", "push_failure_time_seconds", "push_time_seconds", "s", "th", "x"]);
    }));

  test("Accept negotiation picks the same format as Go", () =>
    withPair([], async ({ go, ours }) => {
      const PBP = `${PB_MEDIA};${PROTO}`;
      const accepts = [
        `${PBP};encoding=delimited`,
        `${PBP};encoding=text`,
        `${PBP};encoding=compact-text`,
        `${PBP};encoding=delimited;q=0.8,application/openmetrics-text;version=1.0.0;q=0.6,text/plain;version=0.0.4;q=0.3,*/*;q=0.1`,
        `${PBP};encoding=delimited;q=0.5,text/plain;version=0.0.4`,
        `text/plain,${PBP};encoding=delimited`,
        `*/*,${PBP};encoding=delimited`,
        `${PBP};encoding=delimited;q=0`,
        `${PBP};encoding=json,${PBP};encoding=text`,
        `Application/Vnd.Google.Protobuf;${PROTO};encoding=delimited`,
        `${PB_MEDIA};proto="io.prometheus.client.MetricFamily";encoding=delimited`,
        `text/plain;version=1.0.0,${PBP};encoding=delimited;q=0.5`,
        `text/plain;q=abc,${PBP};encoding=delimited;q=0.1`,
        `${PB_MEDIA};encoding=delimited`,
      ];
      for (const accept of accepts) {
        const [goReply, oursReply] = await Promise.all([go, ours].map((gw) => send(gw, "GET", "/metrics", undefined, { Accept: accept })));
        expect({ accept, contentType: oursReply!.headers.get("content-type") }).toEqual({ accept, contentType: goReply!.headers.get("content-type") });
      }
    }));

  test("the debug text forms print pushed families as Go does", () =>
    withPair([], async ({ go, ours }) => {
      // One series per family, so that Go's series order cannot differ from ours (D3).
      const body = delimited(COUNTER, GAUGE, UNTYPED, SUMMARY, HISTOGRAM, NATIVE_HISTOGRAM, MIXED_HISTOGRAM);
      for (const gw of [go, ours]) expect((await send(gw, "PUT", PATH, body, PB)).status).toBe(200);
      for (const encoding of ["text", "compact-text"]) {
        const pushed = async (gw: Gateway) => {
          const reply = await send(gw, "GET", "/metrics", undefined, { Accept: `${PB_MEDIA}; ${PROTO}; encoding=${encoding}` });
          const blocks = encoding === "text" ? reply.body.split(/\n\n/) : reply.body.split("\n");
          return blocks.filter((block) => /^name: ?"(c|g|u|s|h|nh|mh)"/.test(block));
        };
        const [goBlocks, oursBlocks] = await Promise.all([pushed(go), pushed(ours)]);
        expect(goBlocks).toHaveLength(7);
        expect(oursBlocks).toEqual(goBlocks);
      }
    }));

  test("protobuf scrapes are gzipped like text ones", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        expect((await send(gw, "PUT", PATH, delimited(COUNTER), PB)).status).toBe(200);
        const response = await fetch(`${gw.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT, "Accept-Encoding": "gzip" }, decompress: false });
        expect({ kind: gw.kind, encoding: response.headers.get("content-encoding") }).toEqual({ kind: gw.kind, encoding: "gzip" });
        const families = decodeDelimited(Bun.gunzipSync(new Uint8Array(await response.arrayBuffer())));
        expect(families.some((family) => family.name === "c")).toBe(true);
      }
    }));
});

describe("where ours differs from Go 1.5.1 on purpose", () => {
  /** Status and body of a protobuf push. */
  const push = async (gw: Gateway, body: Uint8Array, headers: Record<string, string> = PB, path = PATH) => {
    const reply = await send(gw, "PUT", path, body, headers);
    return { status: reply.status, body: reply.body };
  };

  // [newest, SPEC §4.1] framed snappy bodies; 1.5.1 ignores the header and parses the compressed bytes.
  decision("a framed snappy body is decompressed", [], async ({ go, ours }) => {
    const body = snappyFramed(delimited(COUNTER, NATIVE_HISTOGRAM));
    expect((await push(go, body, { ...PB, "Content-Encoding": "snappy" })).status).toBe(400);
    expect(await push(go, delimited(COUNTER, NATIVE_HISTOGRAM))).toEqual({ status: 200, body: "" });
    const expected = await scrapePushed(go);
    await oursSide(async () => {
      expect(await push(ours, body, { ...PB, "Content-Encoding": "snappy" })).toEqual({ status: 200, body: "" });
      expect(await push(ours, snappyFramed(new TextEncoder().encode("t 1\n")), { "Content-Encoding": "Snappy" }, "/metrics/job/t")).toEqual({ status: 200, body: "" });
      expect(await push(ours, delimited(COUNTER), { ...PB, "Content-Encoding": "snappy" })).toEqual({ status: 400, body: "snappy: corrupt input\n" });
      expect((await send(ours, "DELETE", "/metrics/job/t")).status).toBe(202);
      expect(await scrapePushed(ours)).toEqual(expected);
    });
  });

  // [newest, SPEC §4.1] Content-Encoding is matched case-insensitively.
  decision("Content-Encoding GZIP is gunzipped", [], async ({ go, ours }) => {
    const body = Bun.gzipSync(delimited(COUNTER));
    expect((await push(go, body, { ...PB, "Content-Encoding": "GZIP" })).status).toBe(400);
    await oursSide(async () => {
      expect(await push(ours, body, { ...PB, "Content-Encoding": "GZIP" })).toEqual({ status: 200, body: "" });
    });
  });

  // [newest] a body cut right after a length prefix, or inside one, is truncated; 1.5.1 ignored the tail.
  decision("a body ending inside a length prefix or right after it is refused", [], async ({ go, ours }) => {
    const tails = [Uint8Array.from([...delimited(GAUGE), 0x05]), Uint8Array.from([...delimited(GAUGE), 0x80])];
    for (const body of tails) expect(await push(go, body)).toEqual({ status: 200, body: "" });
    await oursSide(async () => {
      for (const body of tails) expect(await push(ours, body)).toEqual({ status: 400, body: "unexpected EOF\n" });
      expect((await scrapePushed(ours)).samples).toEqual([]);
    });
  });

  // [Rec] §4.4: families Go stores but cannot expose are refused before the store, which stays unchanged.
  const unexposable: [string, FamilyObject, (scrape: string) => boolean, string][] = [
    // 1.5.1 answers every scrape with 200 and an empty body from then on.
    ["a family without name", { type: "GAUGE", metric: [{ gauge: { value: 1 } }] }, (scrape) => scrape === "", "protobuf message 1: metric family has no name"],
    ["an invalid metric name", { name: "1bad-name", type: "GAUGE", metric: [{ gauge: { value: 1 } }] }, (scrape) => scrape.includes('\n1bad-name{instance="",job="pb"} 1\n'), 'protobuf message 1: invalid metric name "1bad-name"'],
    // 1.5.1's scrape stops at the family's TYPE line.
    ["an unknown type", { name: "u9", type: 9, metric: [{ gauge: { value: 1 } }] }, (scrape) => scrape.endsWith("# TYPE u9"), 'protobuf message 1 (metric family "u9"): unknown metric type 9'],
  ];
  for (const [why, family, brokenInGo, message] of unexposable) {
    decision(`${why} is refused with 400 and changes nothing`, [], async ({ go, ours }) => {
      expect(await push(go, delimited(family))).toEqual({ status: 200, body: "" });
      expect(brokenInGo((await send(go, "GET", "/metrics")).body)).toBe(true);
      await oursSide(async () => {
        expect(await push(ours, delimited(family))).toEqual({ status: 400, body: `${message}\n` });
        expect((await scrapePushed(ours)).samples).toEqual([]);
      });
    });
  }

  // [Rec] §4.4: Go stores `le` on histograms and prints bucket lines with two `le` labels.
  decision("an le label on a histogram, in the body or the grouping, is refused", [], async ({ go, ours }) => {
    const inBody: FamilyObject = { name: "ll", type: "HISTOGRAM", metric: [{ label: labels(["le", "1"]), histogram: { sampleCount: 1, sampleSum: 1 } }] };
    expect(await push(go, delimited(inBody))).toEqual({ status: 200, body: "" });
    expect((await send(go, "PUT", "/metrics/job/g/le/2", "# TYPE th histogram\nth_bucket{le=\"1\"} 1\nth_sum 1\nth_count 1\n")).status).toBe(200);
    const goText = (await send(go, "GET", "/metrics")).body;
    expect(goText).toContain('ll_bucket{instance="",job="pb",le="1",le="+Inf"} 1\n');
    expect(goText).toContain('th_bucket{instance="",job="g",le="2",le="1"} 1\n');
    await oursSide(async () => {
      const bodyRefusal = await push(ours, delimited(inBody));
      expect({ status: bodyRefusal.status, body: normaliseErrorBody(bodyRefusal.body) }).toEqual({
        status: 400,
        body: `${INVALID}collected metric "ll" {…} must not have an explicit "le" label\n`,
      });
      const groupingRefusal = await send(ours, "PUT", "/metrics/job/g/le/2", "# TYPE th histogram\nth_bucket{le=\"1\"} 1\nth_sum 1\nth_count 1\n");
      expect({ status: groupingRefusal.status, body: normaliseErrorBody(groupingRefusal.body) }).toEqual({
        status: 400,
        body: `${INVALID}collected metric "th" {…} must not have an explicit "le" label\n`,
      });
      expect((await scrapePushed(ours)).samples.filter((sample) => !sample.startsWith("push_"))).toEqual([]);
    });
  });

  // [Rec] §4.6: 1.5.1 stores a gauge histogram and then stops every scrape at its TYPE line; ours refuses it.
  decision("a gauge histogram is refused and changes nothing", [], async ({ go, ours }) => {
    const family: FamilyObject = { name: "gh", type: "GAUGE_HISTOGRAM", metric: [{ histogram: { sampleCount: 2, sampleSum: 1, bucket: [{ cumulativeCount: 1, upperBound: 1 }] } }] };
    expect(await push(go, delimited(family, UNTYPED))).toEqual({ status: 200, body: "" });
    expect((await send(go, "GET", "/metrics")).body).toEndWith("# TYPE gh");
    await oursSide(async () => {
      expect(await push(ours, delimited(family, UNTYPED))).toEqual({ status: 400, body: 'protobuf message 1 (metric family "gh"): gauge histograms are not supported: push it as a histogram\n' });
      const scrape = await send(ours, "GET", "/metrics");
      expect(scrape.status).toBe(200);
      expect(scrape.body).not.toContain("gh");
      expect(scrape.body).not.toContain("# TYPE u ");
    });
  });

  // [Rec] §2.3/§5.7: a label value that is not UTF-8 cannot be held; ours refuses it before the store.
  decision("a label value that is not UTF-8 is refused without marking the group failed", [], async ({ go, ours }) => {
    const family: FamilyObject = { name: "u8", type: "GAUGE", metric: [{ label: labels(["l", Uint8Array.from([0xff])]), gauge: { value: 1 } }] };
    const goReply = await push(go, delimited(family));
    expect({ status: goReply.status, body: normaliseErrorBody(goReply.body) }).toEqual({
      status: 400,
      body: `${INVALID}collected metric "u8" {…} has a label named "l" whose value is not utf8: "\\xff"\n`,
    });
    expect((await scrapePushed(go)).samples).toEqual(gauges(LABELS, "0", "<t>"));
    await oursSide(async () => {
      expect(await push(ours, delimited(family))).toEqual({ status: 400, body: 'protobuf message 1 (metric family "u8"): value of label "l" is not valid UTF-8: "\\xff"\n' });
      expect((await scrapePushed(ours)).samples).toEqual([]);
    });
  });

  // [Rec] §5.4: 1.5.1 prints `# HELP x ` (trailing blank) for an empty HELP.
  decision("an empty HELP is no HELP", [], async ({ go, ours }) => {
    const family: FamilyObject = { name: "eh", help: "", type: "GAUGE", metric: [{ gauge: { value: 1 } }] };
    expect(await push(go, delimited(family))).toEqual({ status: 200, body: "" });
    expect((await send(go, "GET", "/metrics")).body).toContain("# HELP eh \n# TYPE eh gauge\n");
    await oursSide(async () => {
      expect(await push(ours, delimited(family))).toEqual({ status: 200, body: "" });
      expect((await send(ours, "GET", "/metrics")).body).toContain(`# TYPE eh gauge\n${line("eh", "1")}\n`);
      expect((await send(ours, "GET", "/metrics")).body).not.toContain("# HELP eh");
    });
  });

  // [newest, SPEC §6.2] float histograms print their float counts; 1.5.1 printed the integer fields (0).
  decision("a float histogram shows its float counts in text", [], async ({ go, ours }) => {
    const family: FamilyObject = {
      name: "fh",
      type: "HISTOGRAM",
      metric: [{ histogram: { sampleCountFloat: 20.5, sampleSum: 9, bucket: [{ cumulativeCountFloat: 1.5, upperBound: 1 }], schema: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveCount: [20.5] } }],
    };
    expect(await push(go, delimited(family))).toEqual({ status: 200, body: "" });
    expect((await scrapePushed(go)).samples).toContain(line("fh_count", "0"));
    await oursSide(async () => {
      expect(await push(ours, delimited(family))).toEqual({ status: 200, body: "" });
      expect((await scrapePushed(ours)).samples).toEqual([
        line("fh_bucket", "1.5", "", 'le="1"'),
        line("fh_bucket", "20.5", "", 'le="+Inf"'),
        line("fh_sum", "9"),
        line("fh_count", "20.5"),
        ...gauges(LABELS),
      ]);
    });
  });
});
