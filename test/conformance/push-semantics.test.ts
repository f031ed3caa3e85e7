// PUT, POST and DELETE semantics (SPEC §3, §5.1): the §3.3 worked sequence and its neighbours, Go vs ours.
import { describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { runCases, withPair } from "./differential.ts";
import { M, PUSHES_AND_DELETES, WORKED_SEQUENCE } from "./push-semantics.cases.ts";

runCases("the worked sequence of SPEC §3.3", WORKED_SEQUENCE);
runCases("pushes and deletes", PUSHES_AND_DELETES);

/** The raw values of the two time gauges of the group whose series carry exactly `labels`. */
async function timeGauges(gw: Gateway, labels: string): Promise<{ push: number; failure: number }> {
  const body = (await send(gw, "GET", "/metrics")).body;
  const value = (name: string) => {
    const line = body.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
    if (!line) throw new Error(`${gw.kind}: no ${name}{${labels}} in\n${body}`);
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  };
  return { push: value("push_time_seconds"), failure: value("push_failure_time_seconds") };
}

describe("the time gauges of SPEC §3.2 (checked on each gateway, values unmasked)", () => {
  // §3.3 steps 4–6 with real values: a store failure keeps push_time and sets the failure time; a parse
  // error keeps both; a later success moves push_time past the failure again.
  test("a store failure sets only the failure time and a parse error changes neither", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        expect((await send(gw, "PUT", "/metrics/job/m", "d 5\n")).status).toBe(200);
        const first = await timeGauges(gw, M);
        expect(first.failure).toBe(0);
        expect(first.push).toBeGreaterThan(1e9);
        await Bun.sleep(5);
        expect((await send(gw, "PUT", "/metrics/job/m", "x 1 123\n")).status).toBe(400);
        const failed = await timeGauges(gw, M);
        expect(failed.push).toBe(first.push);
        expect(failed.failure).toBeGreaterThan(first.push);
        expect((await send(gw, "PUT", "/metrics/job/m", "bad{\n")).status).toBe(400);
        expect(await timeGauges(gw, M)).toEqual(failed);
        await Bun.sleep(5);
        expect((await send(gw, "POST", "/metrics/job/m")).status).toBe(200);
        const recovered = await timeGauges(gw, M);
        expect(recovered.failure).toBe(failed.failure);
        expect(recovered.push).toBeGreaterThan(failed.failure);
      }
    }));

  // §3.2: the value is Unix seconds with sub-second precision, close to the wall clock.
  test("push_time_seconds is the wall-clock time of the push in seconds", () =>
    withPair([], async ({ go, ours }) => {
      for (const gw of [go, ours]) {
        const before = Date.now() / 1000;
        expect((await send(gw, "PUT", "/metrics/job/t", "a 1\n")).status).toBe(200);
        const after = Date.now() / 1000;
        const { push } = await timeGauges(gw, 'instance="",job="t"');
        expect(push).toBeGreaterThanOrEqual(before - 1);
        expect(push).toBeLessThanOrEqual(after + 1);
      }
    }));
});
