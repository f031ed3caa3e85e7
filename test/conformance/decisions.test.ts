// Where our gateway differs from Go on purpose (SPEC "Product decisions" D1–D4 and the [Rec] items):
// each test pins Go's behaviour (so the oracle is what SPEC says) and asserts ours.
// In the Go-vs-Go run (PG_OURS=go) the assertions about ours must fail instead: see `oursSide`.
import { describe, expect, test } from "bun:test";
import { type PushedScrape, scrapePushed, send } from "../helpers/http.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { startOurGateway, withGateway } from "../helpers/start-server.ts";
import { decision, gauges, normaliseErrorBody, oursSide } from "./differential.ts";

const INVALID = "pushed metrics are invalid or inconsistent with existing metrics: ";

/** Status and body of one request, for compact assertions. */
async function answer(gw: Gateway, method: string, path: string, body?: string) {
  const reply = await send(gw, method, path, body);
  return { status: reply.status, body: reply.body };
}

/** Sample lines of a scrape that appear more than once (a duplicate series is what Go's poisoning exposes). */
function duplicates(scrape: PushedScrape): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const sample of scrape.samples) {
    const series = sample.slice(0, sample.lastIndexOf(" "));
    if (seen.has(series)) twice.push(series);
    seen.add(series);
  }
  return twice;
}

/** One body Go refuses and the body Go accepts that ours must treat it as. */
interface Lenient {
  why: string;
  body: string;
  goError: string;
  sameAs: string;
}

/**
 * Registers the decision `name` for one lenient case: Go refuses `c.body` at `path` with `c.goError` and
 * accepts `c.sameAs`; ours accepts `c.body` and then scrapes exactly as Go does after `c.sameAs`.
 */
function lenientDecision(name: string, path: string, c: Lenient): void {
  decision(name, [], async ({ go, ours }) => {
    expect(await answer(go, "PUT", path, c.body)).toEqual({
      status: 400,
      body: `text format parsing error in ${c.goError}\n`,
    });
    expect(await answer(go, "PUT", path, c.sameAs)).toEqual({ status: 200, body: "" });
    const goScrape = await scrapePushed(go);
    await oursSide(async () => {
      expect(await answer(ours, "PUT", path, c.body)).toEqual({ status: 200, body: "" });
      expect(await scrapePushed(ours)).toEqual(goScrape);
    });
  });
}

describe("D1: a clean end of the body ends the last line", () => {
  const cases: Lenient[] = [
    // The seed command `curl -d 'process_runtime_seconds 42.125'` (prometheus/pushgateway#722).
    { why: "a single sample", body: "a 1", goError: "line 1: unexpected end of input stream", sameAs: "a 1\n" },
    // The error is reported on the unfinished line.
    { why: "the last of several samples", body: "a 1\nb 2", goError: "line 2: unexpected end of input stream", sameAs: "a 1\nb 2\n" },
    // Labels and a TYPE line before the unfinished sample.
    {
      why: "a typed, labelled sample",
      body: '# TYPE c counter\nc{x="1"} 3',
      goError: "line 2: unexpected end of input stream",
      sameAs: '# TYPE c counter\nc{x="1"} 3\n',
    },
  ];
  for (const c of cases) lenientDecision(`${c.why} without a final newline is stored as if it had one`, "/metrics/job/d1", c);
});

describe("D2: \\r\\n ends a line", () => {
  const cases: Lenient[] = [
    // Windows tools (prometheus/pushgateway#147): the \r is read as part of the value.
    { why: "samples", body: "a 1\r\nb 2\r\n", goError: 'line 1: expected float as value, got "1\\r"', sameAs: "a 1\nb 2\n" },
    // ... or as part of the type keyword.
    {
      why: "a TYPE line",
      body: "# TYPE c counter\r\nc 1\r\n",
      goError: 'line 1: unknown metric type "counter\\r"',
      sameAs: "# TYPE c counter\nc 1\n",
    },
    // A HELP text must not keep the \r.
    {
      why: "a HELP line and labels",
      body: '# HELP h some help\r\nh{x="1"} 1\r\n',
      goError: 'line 2: expected float as value, got "1\\r"',
      sameAs: '# HELP h some help\nh{x="1"} 1\n',
    },
    // D1 and D2 together.
    { why: "a last line without newline", body: "a 1\r\nb 2", goError: 'line 1: expected float as value, got "1\\r"', sameAs: "a 1\nb 2\n" },
  ];
  for (const c of cases) lenientDecision(`${c.why} with \\r\\n line ends are stored as with \\n`, "/metrics/job/d2", c);
});

describe("§5.7 [Rec]: a refused push never poisons the store", () => {
  // Both paths name the group {job="j1",instance=""}, whose series equal those of {job="j1"} (§1.2).
  for (const duplicate of ["/metrics/job/j1/instance/", "/metrics/job/j1/instance@base64/="]) {
    decision(`after a refused PUT ${duplicate} other groups still accept pushes and scrapes work`, [], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        expect(await answer(gw, "PUT", "/metrics/job/j1", "a 1\n")).toEqual({ status: 200, body: "" });
        const refused = await answer(gw, "PUT", duplicate, "a 1\n");
        expect(refused.status).toBe(400);
        expect(refused.body).toStartWith(INVALID);
      }

      // Go: the failure path created a group duplicating {job="j1"}'s time gauges; everything now fails.
      expect((await answer(go, "PUT", "/metrics/job/j2", "b 1\n")).status).toBe(400);
      const poisoned = await scrapePushed(go);
      expect(poisoned.status).toBe(500);
      expect(poisoned.text).toStartWith("An error has occurred while serving metrics:\n\n");
      // ... until the phantom group is deleted.
      expect((await answer(go, "DELETE", "/metrics/job/j1/instance@base64/=")).status).toBe(202);
      await waitFor(async () => (await answer(go, "PUT", "/metrics/job/j2", "b 1\n")).status === 200);
      const recovered = await scrapePushed(go);

      // Ours: the refusal changed nothing that could clash; later pushes and scrapes work.
      await oursSide(async () => {
        expect(await answer(ours, "PUT", "/metrics/job/j2", "b 1\n")).toEqual({ status: 200, body: "" });
        const scrape = await scrapePushed(ours);
        expect(scrape.status).toBe(200);
        expect(duplicates(scrape)).toEqual([]);
        expect(scrape.samples).toContain('a{instance="",job="j1"} 1');
        expect(scrape.samples).toContain('b{instance="",job="j2"} 1');
        // Apart from failure bookkeeping, ours holds what Go holds once it was repaired.
        const withoutGauges = (s: PushedScrape) => s.samples.filter((l) => !l.startsWith("push_"));
        expect(withoutGauges(scrape)).toEqual(withoutGauges(recovered));
      });
    });
  }

  // §2.3/§5.7 item 2: `_-8` decodes to the bytes ff ef, which are not UTF-8.
  decision("a base64 grouping value that is not UTF-8 is refused at the URL and changes nothing", [], async ({ go, ours }) => {
    for (const gw of [go, ours]) {
      expect(await answer(gw, "PUT", "/metrics/job/k", "a 1\n")).toEqual({ status: 200, body: "" });
    }
    const before = await scrapePushed(ours);

    // Go: the value passes the URL stage, the check refuses it, and the failure group poisons the store.
    const goRefusal = await answer(go, "PUT", "/metrics/job/x/l@base64/_-8", "a 1\n");
    expect(goRefusal.status).toBe(400);
    expect(normaliseErrorBody(goRefusal.body)).toContain('has a label named "l" whose value is not utf8: "\\xff\\xef"');
    expect((await scrapePushed(go)).status).toBe(500);

    // Ours: 400 before anything is queued; no failure group, the scrape is what it was.
    await oursSide(async () => {
      const oursRefusal = await answer(ours, "PUT", "/metrics/job/x/l@base64/_-8", "a 1\n");
      expect(oursRefusal.status).toBe(400);
      expect(oursRefusal.body).not.toStartWith(INVALID);
      expect(await scrapePushed(ours)).toEqual(before);
      expect(await answer(ours, "PUT", "/metrics/job/k2", "c 1\n")).toEqual({ status: 200, body: "" });
    });
  });
});

describe("§3.2 [Rec]: user-pushed time gauge families are ignored", () => {
  decision("pushed push_time_seconds and push_failure_time_seconds do not replace the gateway's gauges", [], async ({ go, ours }) => {
    const labels = 'instance="",job="u"';
    for (const gw of [go, ours]) {
      expect(await answer(gw, "PUT", "/metrics/job/u", "a 1\n")).toEqual({ status: 200, body: "" });
      expect(await answer(gw, "POST", "/metrics/job/u", "push_failure_time_seconds 9\npush_time_seconds 5\n")).toEqual({
        status: 200,
        body: "",
      });
    }
    // Go: the pushed push_failure_time_seconds replaced the gauge (now untyped, value 9); scrapePushed
    // would mask the 9 as a time, so the raw exposition is read.
    const goText = (await send(go, "GET", "/metrics")).body;
    expect(goText).toContain(`# TYPE push_failure_time_seconds untyped\npush_failure_time_seconds{${labels}} 9\n`);
    // Ours: both gauges are the gateway's own.
    await oursSide(async () => {
      const oursScrape = await scrapePushed(ours);
      // A failure time of 0 stays unmasked; the pushed 9 would show as <t>.
      expect(oursScrape.samples.toSorted()).toEqual([`a{${labels}} 1`, ...gauges(labels)].toSorted());
      expect(oursScrape.text).toContain("# TYPE push_failure_time_seconds gauge\n");
      expect(oursScrape.text).toContain("# TYPE push_time_seconds gauge\n");
    });
  });
});

describe("D3: series of one family come group by group", () => {
  // Go sorts by label values across groups (`aa` before `job`), ours concatenates groups in grouping-key order.
  decision("a family's series follow the groups' order, not the label values", [], async ({ go, ours }) => {
    for (const gw of [go, ours]) {
      expect((await answer(gw, "PUT", "/metrics/job/a", 'm{aa="2"} 1\n')).status).toBe(200);
      expect((await answer(gw, "PUT", "/metrics/job/b", 'm{aa="1"} 1\n')).status).toBe(200);
    }
    const series = async (gw: Gateway) =>
      (await send(gw, "GET", "/metrics")).body.split("\n").filter((line) => line.startsWith("m{"));
    expect(await series(go)).toEqual(['m{aa="1",instance="",job="b"} 1', 'm{aa="2",instance="",job="a"} 1']);
    await oursSide(async () => {
      expect(await series(ours)).toEqual(['m{aa="2",instance="",job="a"} 1', 'm{aa="1",instance="",job="b"} 1']);
    });
  });
});

describe("§6.5: gateway-own metrics", () => {
  // A Bun process has no Go runtime; this is also why pushes into go_* names are not compared anywhere.
  decision("ours exposes no go_* families", [], async ({ go, ours }) => {
    const ownGo = async (gw: Gateway) =>
      (await send(gw, "GET", "/metrics")).body.split("\n").filter((line) => line.startsWith("# TYPE go_"));
    expect(await ownGo(go)).toContain("# TYPE go_goroutines gauge");
    await oursSide(async () => {
      expect(await ownGo(ours)).toEqual([]);
    });
  });
});

describe("§3.1 [Rec]: DELETE is applied before its 202", () => {
  // Go applies a DELETE after answering, so there this check passes or fails by timing: it always runs
  // against our server, also in the Go-vs-Go run (PG_OURS=go).
  test("a scrape right after DELETE's 202 never shows the group", () =>
    withGateway(() => startOurGateway(), async (ours) => {
      for (let round = 0; round < 30; round++) {
        expect(await answer(ours, "PUT", `/metrics/job/del/n/${round}`, "a 1\n")).toEqual({ status: 200, body: "" });
        expect(await answer(ours, "DELETE", `/metrics/job/del/n/${round}`)).toEqual({ status: 202, body: "" });
        expect((await scrapePushed(ours)).samples).toEqual([]);
      }
    }));
});

/** Polls `condition` every 20 ms for up to 2 s; fails the test if it never holds. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met within 2 s");
    await Bun.sleep(20);
  }
}
