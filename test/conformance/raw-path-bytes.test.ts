// Push paths with bytes a client should have percent-encoded, sent raw (issue 11, finding 4; README's table of
// deliberate differences). Bun's URL parser rewrites some of them before our handler sees `req.url`: raw bytes
// that are not UTF-8 become U+FFFD, `\` becomes `/`; its HTTP parser answers space, tab, NUL and other
// control bytes with 505 and a request line over 16 KiB with 431. Each test pins what Go 1.5.1 answers.
import { describe, expect } from "bun:test";
import { scrapePushed } from "../helpers/http.ts";
import { rawRequest } from "../helpers/raw-http.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { decision, oursSide } from "./differential.ts";

const BODY = new TextEncoder().encode("a 1\n");

/** The status of a PUT of `a 1` to `target`, written into the request line byte for byte (Latin-1). */
async function put(gw: Gateway, target: string): Promise<number> {
  return (await rawRequest(gw, { method: "PUT", target, body: BODY })).status;
}

/** The `a` sample lines of a scrape: which groups a push reached. */
async function stored(gw: Gateway): Promise<string[]> {
  return (await scrapePushed(gw)).samples.filter((line) => line.startsWith("a{"));
}

describe("raw bytes in a push path", () => {
  decision("UTF-8 sent raw is a value like its percent-encoded form", [], async ({ go, ours }) => {
    expect([await put(go, "/metrics/job/\xc3\xa9"), await put(ours, "/metrics/job/\xc3\xa9")]).toEqual([200, 200]);
    expect(await stored(ours)).toEqual(await stored(go));
    expect(await stored(go)).toEqual(['a{instance="",job="é"} 1']);
  });

  // Go refuses it (in the store, then refuses every later push: SPEC §5.7). Bun hands us U+FFFD in its
  // place, so ours refuses U+FFFD outside @base64, before the store: distinct raw bytes would otherwise
  // all land in the group of U+FFFD.
  decision("a byte that is not UTF-8 is refused and changes nothing", [], async ({ go, ours }) => {
    expect(await put(go, "/metrics/job/a\xffb")).toBe(400);
    // Go's refusal leaves a failure time under the invalid value: every later push and scrape fails (§5.7).
    expect(await put(go, "/metrics/job/after")).toBe(400);
    expect((await scrapePushed(go)).status).toBe(500);
    await oursSide(async () => {
      expect(await put(ours, "/metrics/job/a\xffb")).toBe(400);
      expect(await put(ours, "/metrics/job/x/l/\xfe")).toBe(400);
      expect(await put(ours, "/metrics/job/after")).toBe(200);
      expect((await scrapePushed(ours)).status).toBe(200);
      expect(await stored(ours)).toEqual(['a{instance="",job="after"} 1']);
    });
  });

  decision("U+FFFD itself: Go stores it from a percent-encoded path, ours only from @base64", [], async ({ go, ours }) => {
    expect(await put(go, "/metrics/job/%EF%BF%BD")).toBe(200);
    await oursSide(async () => {
      expect(await put(ours, "/metrics/job/%EF%BF%BD")).toBe(400);
      expect(await put(ours, "/metrics/job@base64/77-9")).toBe(200);
      expect(await stored(ours)).toEqual(['a{instance="",job="\ufffd"} 1']);
    });
  });

  // Bun's URL parser reads `\` as `/` before our handler: it cannot be told apart from a separator.
  decision("a raw backslash: Go keeps it in the value, ours reads a separator (send %5C)", [], async ({ go, ours }) => {
    expect(await put(go, "/metrics/job/a\\b")).toBe(200);
    expect(await stored(go)).toEqual(['a{instance="",job="a\\\\b"} 1']);
    expect([await put(go, "/metrics/job/a%5Cb"), await put(ours, "/metrics/job/a%5Cb")]).toEqual([200, 200]);
    await oursSide(async () => {
      expect(await put(ours, "/metrics/job/a\\b")).toBe(400);
      expect(await stored(ours)).toEqual(['a{instance="",job="a\\\\b"} 1']);
    });
  });

  // Bun's HTTP parser answers before our handler runs; both refuse and store nothing.
  decision("raw space, tab, NUL and control bytes: Go 400, ours 505 from Bun", [], async ({ go, ours }) => {
    for (const target of ["/metrics/job/a b", "/metrics/job/a\tb", "/metrics/job/a\x00b", "/metrics/job/a\x01b"]) {
      expect({ target, status: await put(go, target) }).toEqual({ target, status: 400 });
      await oursSide(async () => expect({ target, status: await put(ours, target) }).toEqual({ target, status: 505 }));
    }
    expect([await stored(go), await stored(ours)]).toEqual([[], []]);
  });

  // Bun's URL parser escapes a raw DEL as %7F, which Go accepts too.
  decision("a raw DEL: Go 400, ours reads it as %7F", [], async ({ go, ours }) => {
    expect([await put(go, "/metrics/job/a\x7fb"), await put(go, "/metrics/job/a%7Fb")]).toEqual([400, 200]);
    await oursSide(async () => {
      expect(await put(ours, "/metrics/job/a\x7fb")).toBe(200);
      expect(await stored(ours)).toEqual(await stored(go));
    });
  });

  // Go's bound is net/http's 1 MB of headers; Bun's is 16 KiB (`bun --max-http-header-size`).
  decision("a path over 16 KiB: Go stores it, ours answers 431 from Bun", [], async ({ go, ours }) => {
    const target = `/metrics/job/${"x".repeat(17_000)}`;
    expect(await put(go, target)).toBe(200);
    await oursSide(async () => {
      expect(await put(ours, target)).toBe(431);
      expect(await stored(ours)).toEqual([]);
    });
  });

  // Bun gives `req.url` as the bare path when a request has no Host header (HTTP/1.0 clients, probes).
  decision("a request without a Host header is routed on its path", [], async ({ go, ours }) => {
    const noHost = (gw: Gateway, method: string, target: string, body?: Uint8Array) => rawRequest(gw, { method, target, body, host: false });
    for (const gw of [go, ours]) {
      expect((await noHost(gw, "GET", "/-/healthy")).status).toBe(200);
      expect((await noHost(gw, "GET", "/metrics")).status).toBe(200);
      expect((await noHost(gw, "GET", "/zz/-/healthy")).status).toBe(404);
      expect((await noHost(gw, "PUT", "/x/metrics/job/wrong", BODY)).status).toBe(404);
      expect((await noHost(gw, "PUT", "/metrics/job/nohost", BODY)).status).toBe(200);
    }
    expect(await stored(ours)).toEqual(await stored(go));
    expect(await stored(go)).toEqual(['a{instance="",job="nohost"} 1']);
  });
});
