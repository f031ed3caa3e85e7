// The differential harness: one case list sent to the Go reference and to our gateway, answers and scrapes compared.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type PushedScrape, type Reply, scrapePushed, send } from "../helpers/http.ts";
import { startReference } from "../helpers/reference.ts";
import { type Gateway, oursIsGo, startOurs } from "../helpers/start-server.ts";

/** One request of a case, sent identically to both gateways. */
export interface Step {
  method: string;
  /** Sent as written, percent-escapes included (see `send`). */
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /**
   * What SPEC.md says Go answers. Checked against Go (so the suite notices when Go is not what we think)
   * and, through the comparison, against ours. `body` is compared after `normaliseErrorBody`.
   */
  expect?: { status: number; body?: string; allow?: string; location?: string; contentType?: string | null };
  /** Sample lines (normalised, see `scrapePushed`; any order) SPEC says Go shows after this step; both compared. */
  then?: string[];
}

/** A behaviour checked by running the same steps against a fresh Go gateway and a fresh one of ours. */
export interface Case {
  /** The behaviour sentence, used as the test name. */
  name: string;
  /** Extra command-line flags given to both gateways. */
  flags?: string[];
  steps: Step[];
  /** Sample lines SPEC says Go's final scrape holds (after `scrapePushed` normalisation; any order). */
  scrape?: string[];
  /** Gateway-own family names the scrape comparison keeps (they are dropped otherwise). */
  keep?: string[];
  /** Family names whose HELP lines are left out of the scrape comparison (Go picks one at random, §5.4). */
  helpChosenAtRandom?: string[];
}

/** Both gateways of a case; stopped by `withPair` whatever happens. */
export interface Pair {
  go: Gateway;
  ours: Gateway;
}

/**
 * Starts a fresh Go gateway and a fresh one of ours with the same flags, runs `body`, stops both. When
 * one of them fails to start, the other is stopped before the error is rethrown.
 */
export async function withPair<T>(flags: string[], body: (pair: Pair) => Promise<T>): Promise<T> {
  const pair = await startPair(flags);
  try {
    return await body(pair);
  } finally {
    await stopPair(pair);
  }
}

/** A Go gateway and one of ours with the same flags; if one fails to start, the other is stopped first. */
async function startPair(flags: string[]): Promise<Pair> {
  const [go, ours] = await Promise.allSettled([startReference(flags), startOurs(flags)]);
  if (go.status === "rejected" || ours.status === "rejected") {
    await Promise.all([go, ours].map((started) => (started.status === "fulfilled" ? started.value.stop() : undefined)));
    throw go.status === "rejected" ? go.reason : (ours as PromiseRejectedResult).reason;
  }
  return { go: go.value, ours: ours.value };
}

function stopPair(pair: Pair): Promise<unknown> {
  return Promise.all([pair.go.stop(), pair.ours.stop()]);
}

/**
 * Registers one `test` per case under `describe(subject)`. The cases without flags share one pair, started
 * once and emptied before each case (every group deleted through the API, which both gateways must then
 * list as empty; deleting also lifts Go's store poisoning, SPEC §5.7): all a case compares is its own
 * requests' answers and the pushed groups' scrape, so an empty gateway is a fresh one for it, at a fraction
 * of two starts. A case with flags gets a fresh pair, and so does one that may hang Go (ownPair).
 */
export function runCases(subject: string, cases: Case[]): void {
  describe(subject, () => {
    let shared: Pair | undefined;
    const sharing = cases.some((c) => !ownPair(c));
    if (sharing) {
      beforeAll(async () => {
        shared = await startPair([]);
      });
      afterAll(async () => {
        if (shared !== undefined) await stopPair(shared);
      });
    }
    for (const c of cases) {
      test(c.name, async () => {
        if (ownPair(c)) return withPair(c.flags ?? [], (pair) => runCase(pair, c));
        await Promise.all([emptied(shared!.go), emptied(shared!.ours)]);
        await runCase(shared!, c);
      });
    }
  });
}

/**
 * Whether a case needs gateways of its own: it has flags, or a step's job name is not valid base64 after
 * `job@base64/`, after which Go 1.5.1 hangs every later request of that route's shape (SPEC, "Oracle hazards": a mutex
 * its error path keeps), the emptying DELETEs included.
 */
function ownPair(c: Case): boolean {
  if ((c.flags ?? []).length > 0) return true;
  return c.steps.some((step) => {
    const job = /\/job@base64\/([^/?]*)/.exec(step.path)?.[1];
    return job !== undefined && !/^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3}={0,2})?$|^=$/.test(job.replaceAll("+", "-"));
  });
}

/**
 * Deletes every group `gw` holds (as its JSON API lists them, each value base64-encoded in the path) and
 * waits until the API lists none: Go deletes after answering (SPEC §3.1). Throws if a group stays.
 */
async function emptied(gw: Gateway): Promise<void> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const groups = ((await (await fetch(`${gw.url}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] }).data;
    if (groups.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${gw.kind} gateway still holds ${groups.length} group(s) after deleting them: ${JSON.stringify(groups.map((g) => g.labels))}`);
    for (const { labels } of groups) {
      const { job, ...others } = labels;
      const path = [["job", job ?? ""], ...Object.entries(others)].map(([name, value]) => `${name}@base64/${value === "" ? "=" : Buffer.from(value!).toString("base64url")}`).join("/");
      const reply = await send(gw, "DELETE", `/metrics/${path}`);
      if (reply.status !== 202) throw new Error(`DELETE /metrics/${path} on the ${gw.kind} gateway answered ${reply.status}: ${reply.body}`);
    }
    await Bun.sleep(10);
  }
}

/**
 * Registers a test of a deliberate difference (SPEC D1–D6, [Rec]): it pins Go's behaviour with plain
 * assertions and puts the assertions about ours inside `oursSide`.
 */
export function decision(name: string, flags: string[], body: (pair: Pair) => Promise<void>): void {
  test(name, () => withPair(flags, body));
}

/**
 * Runs the assertions about our gateway in a `decision` test. In the Go-vs-Go run (PG_OURS=go) "ours" is
 * Go, which does not share the decision: there the assertions must fail instead, which proves they can
 * fail, while the assertions about Go outside this call are still checked.
 */
export async function oursSide(assertions: () => Promise<void>): Promise<void> {
  if (!oursIsGo()) return assertions();
  try {
    await assertions();
  } catch {
    return;
  }
  throw new Error("the assertions about ours passed against Go: they cannot tell the decision apart");
}

async function runCase(pair: Pair, c: Case): Promise<void> {
  for (const [index, step] of c.steps.entries()) {
    const label = `step ${index + 1}: ${step.method} ${step.path}`;
    const [goReply, oursReply] = await Promise.all([sendStep(pair.go, step), sendStep(pair.ours, step)]);
    const goView = replyView(label, goReply);
    if (step.expect) expect(pick(goView, step.expect, label)).toEqual({ label, ...step.expect });
    expect(replyView(label, oursReply)).toEqual(goView);
    if (step.then) await compareScrapes(pair, c, label, step.then, c.steps.slice(0, index + 1));
  }
  await compareScrapes(pair, c, "final scrape", c.scrape, c.steps);
}

function sendStep(gw: Gateway, step: Step): Promise<Reply> {
  return send(gw, step.method, step.path, step.body, step.headers);
}

/**
 * The parts of a reply the suite compares. Redirects compare only status and `Location`: Go's redirect
 * body is an HTML link on GET and empty otherwise, and no client reads it.
 */
export function replyView(label: string, reply: Reply): Record<string, unknown> {
  if (reply.status >= 300 && reply.status < 400) {
    return { label, status: reply.status, location: reply.headers.get("location") };
  }
  return {
    label,
    status: reply.status,
    body: normaliseErrorBody(reply.body),
    allow: reply.headers.get("allow"),
    location: reply.headers.get("location"),
    contentType: reply.headers.get("content-type"),
    nosniff: reply.headers.get("x-content-type-options"),
  };
}

function pick(view: Record<string, unknown>, wanted: object, label: string): Record<string, unknown> {
  const out: Record<string, unknown> = { label };
  for (const key of Object.keys(wanted)) out[key] = view[key];
  return out;
}

/**
 * Reduces the parts of Go's error texts that clients must not depend on (SPEC §5.2):
 * - the protobuf debug rendering of the offending metric, `collected metric "a" { label:<…> … }` → `{…}`;
 * - the family type named in a type clash, which follows Go's random map order → `is not a <TYPE>`;
 * - the two wordings of a suffix collision, which one depends on the same random order →
 *   `collision of "x_count" with "x"` (the suffixed name first).
 */
export function normaliseErrorBody(body: string): string {
  return body
    .replace(
      /collected metric "([^"]*)" \{.*?\} (?=is not a |was collected before|has a label|has two or more labels|must not have)/gs,
      'collected metric "$1" {…} ',
    )
    .replace(/is not a (COUNTER|GAUGE|UNTYPED|SUMMARY|HISTOGRAM|GAUGE_HISTOGRAM)\b/g, "is not a <TYPE>")
    .replace(
      /collected metric named "([^"]*)" collides with previously collected (?:histogram|summary) named "([^"]*)"/g,
      'collision of "$1" with "$2"',
    )
    .replace(
      /collected (?:histogram|histogram or summary) named "([^"]*)" collides with previously collected metric named "([^"]*)"/g,
      'collision of "$2" with "$1"',
    );
}

async function compareScrapes(pair: Pair, c: Case, label: string, expected: string[] | undefined, steps: Step[]) {
  const [goScrape, oursScrape] = await Promise.all([
    settledScrape(pair.go, c, steps),
    settledScrape(pair.ours, c, steps),
  ]);
  if (expected) {
    // Sorted on both sides: the case lists the lines it expects, the exact order is compared Go vs ours.
    expect({ label, status: goScrape.status, samples: goScrape.samples.toSorted() }).toEqual({
      label,
      status: 200,
      samples: expected.toSorted(),
    });
  }
  expect(scrapeView(label, oursScrape, c)).toEqual(scrapeView(label, goScrape, c));
}

function scrapeView(label: string, scrape: PushedScrape, c: Case): Record<string, unknown> {
  if (scrape.status !== 200) {
    return { label, status: scrape.status, contentType: scrape.contentType, text: normaliseErrorBody(scrape.text) };
  }
  const random = c.helpChosenAtRandom ?? [];
  const text = scrape.text
    .split("\n")
    .filter((line) => !random.some((name) => line.startsWith(`# HELP ${name} `)))
    .join("\n");
  return { label, status: scrape.status, contentType: scrape.contentType, text };
}

/**
 * Scrapes a gateway once the effects of the steps are visible. Go applies a DELETE, and any push it
 * answered with 202, after answering (SPEC §3.1), so for Go the scrape is repeated until two in a row
 * agree. Ours applies a DELETE before its 202 (D4) and is scraped at once after one; only its 202
 * pushes (consistency check off) are waited for the same way.
 */
async function settledScrape(gw: Gateway, c: Case, steps: Step[]): Promise<PushedScrape> {
  const asynchronous = steps.some((step) =>
    step.method === "DELETE" ? gw.kind === "go" : c.flags?.includes("--push.disable-consistency-check"),
  );
  let scrape = await scrapePushed(gw, c.keep);
  if (!asynchronous) return scrape;
  const deadline = Date.now() + 2_000;
  for (;;) {
    await Bun.sleep(25);
    const next = await scrapePushed(gw, c.keep);
    if ((next.status === scrape.status && next.text === scrape.text) || Date.now() > deadline) return next;
    scrape = next;
  }
}

/** The two per-group gauges as normalised sample lines: `labels` without braces, e.g. `instance="",job="j1"`. */
export function gauges(labels: string, pushTime: "<t>" | "0" = "<t>", failureTime: "<t>" | "0" = "0"): string[] {
  return [`push_failure_time_seconds{${labels}} ${failureTime}`, `push_time_seconds{${labels}} ${pushTime}`];
}
