// The Python client sets a group's TTL with Pushgateway-Expire-After through its handler hook (issue #14), and deletes with the same handler.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Gateway, startOurGateway } from "../helpers/start-server.ts";
import { python } from "./clients.ts";

let gw: Gateway;

beforeAll(async () => {
  gw = await startOurGateway(["--metrics.max-ttl=1h"]);
});
afterAll(async () => {
  await gw?.stop();
});

/**
 * A prometheus_client handler that adds the header to every request, as a user would write it: the client has
 * no option of its own for it. Pushes `job` with a TTL of `ttl`, then runs `then` (Python).
 */
const withHeader = (ttl: string, job: string, then = "") => `import os
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway, delete_from_gateway
from prometheus_client.exposition import default_handler

def expiring(url, method, timeout, headers, data):
    return default_handler(url, method, timeout, headers + [('Pushgateway-Expire-After', '${ttl}')], data)

r = CollectorRegistry()
Gauge('batch_done', 'When the batch finished.', registry=r).set(1)
push_to_gateway(os.environ['PUSHGATEWAY'], job='${job}', registry=r, handler=expiring)
${then}
`;

async function group(job: string): Promise<Record<string, any> | undefined> {
  const body = (await (await fetch(`${gw.url}/api/v1/metrics`)).json()) as { data: Record<string, any>[] };
  return body.data.find((g) => g.labels.job === job);
}

describe("prometheus_client with a Pushgateway-Expire-After handler", () => {
  test("its push sets the group's TTL, and the group goes after it", async () => {
    const before = Date.now();
    await python(gw, withHeader("1s", "py_short"));
    const expiresAt = Date.parse((await group("py_short"))!.expires_at);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 1000);
    await Bun.sleep(Math.max(0, expiresAt + 1000 - Date.now()));
    expect(await group("py_short")).toBeUndefined();
  });

  test("its delete with the same handler deletes", async () => {
    await python(gw, withHeader("30m", "py_deleted", "delete_from_gateway(os.environ['PUSHGATEWAY'], job='py_deleted', handler=expiring)"));
    expect(await group("py_deleted")).toBeUndefined();
  });

  // The client raises urllib's HTTPError without the body (test/http/expiry.test.ts checks the message).
  test("a TTL past --metrics.max-ttl makes the push raise HTTP Error 400, and stores nothing", async () => {
    const failed = await python(gw, withHeader("2h", "py_refused")).then(() => "", (error: Error) => error.message);
    expect(failed).toContain("urllib.error.HTTPError: HTTP Error 400");
    expect(await group("py_refused")).toBeUndefined();
  });
});
