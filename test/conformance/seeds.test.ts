// The seed commands of the project brief, run verbatim with the real curl against Go and against ours.
import { describe, expect, test } from "bun:test";
import { type PushedScrape, scrapePushed } from "../helpers/http.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { gauges, oursSide, withPair } from "./differential.ts";

/** The seed commands; HOST is replaced by the gateway's `host:port`. */
const SEED_PUSH = 'echo "some_metric 42" | curl --data-binary @- http://HOST/metrics/job/some_job';
const SEED_POST = "curl -X POST http://HOST/metrics/job/batch_processor/instance/server-01 -d 'process_runtime_seconds 42.125'";
const SEED_DELETE = "curl -X DELETE http://HOST/metrics/job/some_job";

/** `process_runtime_seconds` is a pushed family despite its `process_` prefix (see OWN_PREFIXES). */
const KEEP = ["process_runtime_seconds"];

/** Runs `command` with HOST filled in under bash; resolves with curl's exit code and stdout (the response body). */
async function run(gw: Gateway, command: string): Promise<{ exitCode: number; stdout: string }> {
  const line = command.replace("HOST", new URL(gw.url).host);
  const proc = Bun.spawn(["bash", "-c", line], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (exitCode !== 0) throw new Error(`${line} exited ${exitCode}: ${stderr}`);
  return { exitCode, stdout };
}

/** Scrapes; for Go, whose DELETE is applied after its 202, until `done` holds (up to 2 s). */
async function scrapeWhen(gw: Gateway, done: (scrape: PushedScrape) => boolean): Promise<PushedScrape> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const scrape = await scrapePushed(gw, KEEP);
    if (gw.kind !== "go" || done(scrape) || Date.now() > deadline) return scrape;
    await Bun.sleep(20);
  }
}

const SOME_JOB = ['some_metric{instance="",job="some_job"} 42', ...gauges('instance="",job="some_job"')];
const BATCH = 'instance="server-01",job="batch_processor"';

describe("seed commands with curl", () => {
  // Seed 1: `echo` adds the final newline, so Go and ours store it alike.
  test("echo piped into curl --data-binary stores the sample", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        expect(await run(gw, SEED_PUSH)).toEqual({ exitCode: 0, stdout: "" });
        expect((await scrapePushed(gw, KEEP)).samples.toSorted()).toEqual(SOME_JOB.toSorted());
      }
    }));

  // Seed 2: `curl -d` sends no final newline; Go refuses it, ours stores it (D1).
  test("curl -d without a final newline is refused by Go and stored by ours (D1)", () =>
    withPair([], async ({ go, ours }) => {
      expect(await run(go, SEED_POST)).toEqual({
        exitCode: 0,
        stdout: "text format parsing error in line 1: unexpected end of input stream\n",
      });
      expect((await scrapePushed(go, KEEP)).samples).toEqual([]);
      await oursSide(async () => {
        expect(await run(ours, SEED_POST)).toEqual({ exitCode: 0, stdout: "" });
        expect((await scrapePushed(ours, KEEP)).samples.toSorted()).toEqual(
          [`process_runtime_seconds{${BATCH}} 42.125`, ...gauges(BATCH)].toSorted(),
        );
      });
    }));

  // Seed 3: DELETE removes the group of seed 1 and leaves the others; ours before its answer (D4).
  test("curl -X DELETE removes the job's group", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        await run(gw, SEED_PUSH);
        await run(gw, "curl -X PUT http://HOST/metrics/job/other --data-binary 'x 1\n'");
        expect(await run(gw, SEED_DELETE)).toEqual({ exitCode: 0, stdout: "" });
        const scrape = await scrapeWhen(gw, (s) => !s.samples.some((l) => l.includes('job="some_job"')));
        expect(scrape.samples.toSorted()).toEqual(['x{instance="",job="other"} 1', ...gauges('instance="",job="other"')].toSorted());
      }
    }));
});
