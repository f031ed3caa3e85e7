// Replicas reach a Redis that speaks only TLS through `rediss://` (issue #15), verifying its certificate.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Certificates, makeCertificates } from "../helpers/certificates.ts";
import { send } from "../helpers/http.ts";
import { type RedisServer, startRedis } from "../helpers/redis-server.ts";
import { converged, replicaFlags } from "../helpers/replicas.ts";
import { startServer } from "../helpers/server-process.ts";
import { type Gateway, ourGatewayArgv } from "../helpers/start-server.ts";

let certificates: Certificates;
let redis: RedisServer;
let replicas: Gateway[] = [];

beforeAll(async () => {
  certificates = makeCertificates();
  redis = await startRedis({ tls: { cert: certificates.serverCert, key: certificates.serverKey, ca: certificates.caCert } });
  replicas = await Promise.all([startReplica(certificates.caCert), startReplica(certificates.caCert)]);
});

/**
 * A replica of the TLS Redis that trusts `ca` the way a deployment adds its own CA: Bun reads
 * NODE_EXTRA_CA_CERTS at start (`env` sets it and execs the gateway: same PID). Without `ca` it trusts
 * only the system's CAs; it has `readyTimeoutMs` to get ready.
 */
async function startReplica(ca: string | undefined, readyTimeoutMs?: number): Promise<Gateway> {
  const env = ca === undefined ? [] : ["/usr/bin/env", `NODE_EXTRA_CA_CERTS=${ca}`];
  const server = await startServer({ name: "replica", argv: (port) => [...env, ...ourGatewayArgv(port, replicaFlags(redis))], readyTimeoutMs });
  return { kind: "ours", ...server };
}

afterAll(async () => {
  await Promise.all(replicas.map((gw) => gw.stop()));
  await redis?.stop();
  certificates?.remove();
});

describe("replicas on a TLS-only Redis", () => {
  test("a push through one shows on the other", async () => {
    expect(redis.url).toStartWith("rediss://");
    expect((await send(replicas[0]!, "PUT", "/metrics/job/tls", "over_tls 1\n")).status).toBe(200);
    expect((await converged(replicas)).samples).toContain('over_tls{instance="",job="tls"} 1');
  });

  test("a replica that does not trust Redis's certificate never gets ready: the certificate is checked", async () => {
    const stranger = await startReplica(undefined, 3000).catch((error: Error) => error);
    // It starts (Redis out of reach is no reason not to serve the last state) but never becomes ready.
    expect(stranger).toBeInstanceOf(Error);
    expect((stranger as Error).message).toContain("not ready after 3000 ms");
    expect((stranger as Error).message).toContain("could not load the state from Redis at start");
  });
});
