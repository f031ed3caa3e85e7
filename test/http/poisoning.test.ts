// SPEC §5.7 together: each push that poisons Go 1.5.1's store is refused here, changes nothing, and leaves every other group usable.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PROTOBUF_ACCEPT, scrapePushed, send } from "../helpers/http.ts";
import { PROTOBUF_CONTENT_TYPE, decodeDelimited, delimited } from "../helpers/metrics-proto.ts";
import { type Gateway, startOurGateway } from "../helpers/start-server.ts";

/** A push that poisons Go's store (§5.7), as method, path, body and content type. */
interface Poison {
  readonly what: string;
  readonly path: string;
  readonly body: string | Uint8Array;
  readonly contentType?: string;
}

const POISONS: readonly Poison[] = [
  // Item 1: the {job="j1",instance=""} twin of {job="j1"}, by an empty value and by an empty base64 value.
  { what: "the instance=\"\" twin of a group, empty value", path: "/metrics/job/j1/instance/", body: "a 1\n" },
  { what: "the instance=\"\" twin of a group, empty base64 value", path: "/metrics/job/j1/instance@base64/=", body: "a 1\n" },
  // Item 2: `_-8` decodes to the bytes ff ef, which are not UTF-8.
  { what: "a base64 grouping value that is not UTF-8", path: "/metrics/job/x/l@base64/_-8", body: "a 1\n" },
  // Item 3: a type 1.5.1 cannot render, and a family without a name.
  { what: "a text family typed gauge_histogram", path: "/metrics/job/gh", body: '# TYPE g gauge_histogram\ng_bucket{le="+Inf"} 1\ng_gsum 1\ng_gcount 1\n' },
  {
    what: "a protobuf family without a name",
    path: "/metrics/job/nameless",
    body: delimited({ type: "GAUGE", metric: [{ gauge: { value: 1 } }] }),
    contentType: PROTOBUF_CONTENT_TYPE,
  },
];

let gw: Gateway;
beforeAll(async () => {
  gw = await startOurGateway();
});
afterAll(async () => {
  await gw?.stop();
});

/** The whole text scrape, gateway-own families included, and its status. */
async function fullScrape(): Promise<{ status: number; body: string }> {
  const reply = await send(gw, "GET", "/metrics");
  return { status: reply.status, body: reply.body };
}

describe("SPEC §5.7: pushes that poison Go's store", () => {
  test("the group every scenario collides with is there first", async () => {
    expect((await send(gw, "PUT", "/metrics/job/j1", "a 1\n")).status).toBe(200);
  });

  for (const poison of POISONS) {
    test(`${poison.what}: refused with 400, nothing changes, every other group stays usable`, async () => {
      const before = await scrapePushed(gw);
      const headers = poison.contentType === undefined ? undefined : { "Content-Type": poison.contentType };
      const refused = await send(gw, "PUT", poison.path, poison.body, headers);
      expect(refused.status).toBe(400);
      expect(refused.body.length).toBeGreaterThan(0);
      // Nothing at all changed: no failure group, no failure time where the push could not be stored.
      expect(await scrapePushed(gw)).toEqual(before);

      // Other groups still take pushes, and both scrape formats still answer whole.
      const job = `after_${POISONS.indexOf(poison)}`;
      expect((await send(gw, "PUT", `/metrics/job/${job}`, `b_${job} 1\n`)).status).toBe(200);
      const text = await fullScrape();
      expect(text.status).toBe(200);
      expect(text.body).toContain(`b_${job}{instance="",job="${job}"} 1`);
      expect(text.body).toContain('a{instance="",job="j1"} 1');
      const protobuf = await fetch(`${gw.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT } });
      expect(protobuf.status).toBe(200);
      const names = decodeDelimited(new Uint8Array(await protobuf.arrayBuffer())).map((family) => family.name);
      expect(names).toContain(`b_${job}`);
      expect(new Set(names).size).toBe(names.length);
    });
  }
});
