// Real clients through a web config with TLS and basic auth: the official Go client pushes and deletes over HTTPS,
// and a real Prometheus scrapes with `tls_config` and `basic_auth` (SPEC §10).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { type Certificates, makeCertificates } from "../helpers/certificates.ts";
import { type Prometheus, queryWhenPresent, startPrometheus } from "../helpers/prometheus.ts";
import { basicAuth, startSecuredGateway } from "../helpers/secured-gateway.ts";
import type { Gateway } from "../helpers/start-server.ts";
import { GO_BUILD_TIMEOUT_MS, acquireGoClient, releaseGoClient, run } from "./clients.ts";

/** Installed by Debian's `apache2-utils` (test/peers.sh checks it). */
const HTPASSWD = "/usr/bin/htpasswd";
const SCRAPE_JOB = "pushgateway_tls";
/** The group go-client/main.go pushes to, as Prometheus shows its labels (the empty `shard` is no label there). */
const GROUP = { job: "etl/nightly", instance: "worker/7", zone: "eu+west" };

let certs: Certificates;
let gw: Gateway;
let goClient: string;
let prometheus: Prometheus | undefined;

beforeAll(async () => {
  certs = makeCertificates();
  const hash = Bun.spawnSync([HTPASSWD, "-nbB", "-C", "4", "alice", "secret"]).stdout.toString().trim().split(":")[1];
  const yaml = `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  alice: ${hash}\n`;
  const init = { tls: { ca: readFileSync(certs.caCert, "utf8") }, headers: { Authorization: basicAuth("alice", "secret") } };
  [gw, goClient] = await Promise.all([startSecuredGateway(certs.dir, yaml, { scheme: "https", init }), acquireGoClient()]);
}, GO_BUILD_TIMEOUT_MS);

afterAll(async () => {
  await prometheus?.stop();
  await gw?.stop();
  await releaseGoClient();
  certs?.remove();
});

/** go-client `action` against our gateway, trusting the test CA (SSL_CERT_FILE) with credentials in the URL. */
function goClientRun(action: string, password: string) {
  const url = gw.url.replace("https://", `https://alice:${password}@`);
  return run([goClient, url, action], { env: { SSL_CERT_FILE: certs.caCert } });
}

test("the Go client pushes over HTTPS with basic auth, and Prometheus scrapes it with tls_config and basic_auth", async () => {
  const refused = await goClientRun("push", "wrong");
  expect(refused.exitCode).not.toBe(0);
  expect(refused.stderr).toContain("401");
  expect((await goClientRun("push", "secret")).exitCode).toBe(0);

  prometheus = await startPrometheus(
    {
      name: SCRAPE_JOB,
      target: gw.url,
      extra: `    scheme: https\n    tls_config:\n      ca_file: ${certs.caCert}\n    basic_auth:\n      username: alice\n      password: secret\n`,
    },
    [],
  );
  expect(await queryWhenPresent(prometheus, "etl_rows_processed_total")).toEqual([
    { metric: { __name__: "etl_rows_processed_total", ...GROUP }, value: [expect.any(Number), "1200"] },
  ]);
  expect(await queryWhenPresent(prometheus, `up{job="${SCRAPE_JOB}"}`)).toEqual([
    { metric: { __name__: "up", instance: new URL(gw.url).host, job: SCRAPE_JOB }, value: [expect.any(Number), "1"] },
  ]);

  expect((await goClientRun("delete", "secret")).exitCode).toBe(0);
  const scrape = await fetch(`${gw.url}/metrics`, { tls: { ca: readFileSync(certs.caCert, "utf8") }, headers: { Authorization: basicAuth("alice", "secret") } });
  expect(await scrape.text()).not.toContain("etl_rows_processed_total");
}, 60_000);
