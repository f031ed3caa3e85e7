// A gateway started with --web.config.file: HTTPS, basic auth on every endpoint, configured headers, mutual TLS,
// TLS versions and ciphers, the rate limit, re-reading the file, and files refused at start (SPEC §10).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Certificates, OPENSSL, makeCertificates } from "../helpers/certificates.ts";
import { REFERENCE_BINARY } from "../helpers/reference.ts";
import { type Access, type SecuredGateway, basicAuth, refusedStart, startSecuredGateway } from "../helpers/secured-gateway.ts";
import { startServer } from "../helpers/server-process.ts";
import type { Gateway } from "../helpers/start-server.ts";

/** Installed by Debian's `apache2-utils`: the tool the exporter-toolkit docs suggest for making the hashes. */
const HTPASSWD = "/usr/bin/htpasswd";
const CURL = "/usr/bin/curl";
const GOOD = basicAuth("alice", "secret");

let certs: Certificates;
/** alice's hash for "secret", as `htpasswd -B` writes it ($2y$), at bcrypt's lowest cost to keep the tests quick. */
let aliceHash: string;
const started: SecuredGateway[] = [];

beforeAll(() => {
  certs = makeCertificates();
  aliceHash = htpasswd("alice", "secret");
});

afterAll(async () => {
  await Promise.all(started.map((gw) => gw.stop()));
  certs.remove();
});

function htpasswd(user: string, password: string): string {
  const result = Bun.spawnSync([HTPASSWD, "-nbB", "-C", "4", user, password]);
  if (result.exitCode !== 0) throw new Error(`htpasswd exited ${result.exitCode}: ${result.stderr.toString()}`);
  return result.stdout.toString().trim().split(":")[1]!;
}

/** Fetch options that trust the test CA, plus `headers`. */
function https(headers: Record<string, string> = {}): BunFetchRequestInit {
  return { tls: { ca: readFileSync(certs.caCert, "utf8") }, headers };
}

/** Starts our gateway with `yaml` (written beside the certificates) and stops it after the file. */
async function gateway(yaml: string, access: Access): Promise<SecuredGateway> {
  const gw = await startSecuredGateway(certs.dir, yaml, access);
  started.push(gw);
  return gw;
}

/** Runs curl and returns its exit code and output. */
function curl(args: string[]): { exitCode: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync([CURL, "-sS", "--max-time", "5", ...args]);
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** The answer with the headers a client sees from a Go http.Error, Date aside. */
async function answer(url: string, init: BunFetchRequestInit) {
  const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(5_000) });
  const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== "date"));
  return { status: response.status, headers, body: await response.text() };
}

const TLS_AUTH_HEADERS = () => `tls_server_config:
  cert_file: server.pem
  key_file: server.key
basic_auth_users:
  alice: ${aliceHash}
http_server_config:
  headers:
    X-Frame-Options: deny
    Strict-Transport-Security: max-age=31536000
`;

describe("TLS with basic auth and headers", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await gateway(TLS_AUTH_HEADERS(), { scheme: "https", init: https({ Authorization: GOOD }) });
  });

  test("curl pushes, scrapes and deletes over HTTPS with the CA and credentials", () => {
    const common = ["--cacert", certs.caCert, "-u", "alice:secret", "-w", "%{http_code}"];
    expect(curl([...common, "-o", "/dev/null", "--data-binary", "tls_push_total 3\n", `${gw.url}/metrics/job/tls`]).stdout).toBe("200");
    const scrape = curl([...common.slice(0, 4), `${gw.url}/metrics`]);
    expect(scrape.stdout).toContain('tls_push_total{instance="",job="tls"} 3\n');
    expect(curl([...common, "-o", "/dev/null", "-X", "DELETE", `${gw.url}/metrics/job/tls`]).stdout).toBe("202");
  });

  test("curl without the CA refuses the certificate", () => {
    expect(curl(["-u", "alice:secret", `${gw.url}/-/healthy`]).exitCode).toBe(60);
  });

  // Every kind of endpoint, the ones this gateway does not serve (yet) included: the check comes first.
  const ENDPOINTS: [string, string][] = [
    ["PUT", "/metrics/job/a"],
    ["POST", "/metrics/job/a/instance/b"],
    ["DELETE", "/metrics/job/a"],
    ["GET", "/metrics"],
    ["GET", "/-/healthy"],
    ["GET", "/-/ready"],
    ["PUT", "/-/quit"],
    ["GET", "/api/v1/status"],
    ["GET", "/api/v1/metrics"],
    ["PUT", "/api/v1/admin/wipe"],
    ["GET", "/"],
    ["GET", "/status"],
    ["OPTIONS", "/metrics"],
    ["GET", "/no/such/page"],
  ];
  // [why, Authorization header or none]
  const REFUSED: [string, string | undefined][] = [
    ["no credentials", undefined],
    ["a wrong password", basicAuth("alice", "wrong")],
    ["an unknown user", basicAuth("mallory", "secret")],
    ["the right password for another user", basicAuth("bob", "secret")],
    ["a password that only starts right", basicAuth("alice", "secret2")],
    ["unpadded base64 (Go's decoder refuses it)", `Basic ${Buffer.from("alice:secret").toString("base64").replace(/=+$/, "")}x`],
    ["no colon", `Basic ${Buffer.from("alicesecret").toString("base64")}`],
    ["another scheme", `Bearer ${Buffer.from("alice:secret").toString("base64")}`],
  ];

  test.each(ENDPOINTS)("%s %s answers Go's 401 to every bad credential, and passes alice", async (method, path) => {
    for (const [why, authorization] of REFUSED) {
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
      const reply = await answer(gw.url + path, { ...https(headers), method, body: method === "PUT" || method === "POST" ? "x 1\n" : undefined });
      expect({ why, ...reply }).toEqual({
        why,
        status: 401,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          "content-length": "13",
          "www-authenticate": "Basic",
          "x-content-type-options": "nosniff",
          "x-frame-options": "deny",
          "strict-transport-security": "max-age=31536000",
        },
        body: "Unauthorized\n",
      });
    }
    const passed = await answer(gw.url + path, { ...https({ Authorization: GOOD }), method: method === "PUT" && path === "/-/quit" ? "GET" : method });
    expect(passed.status).not.toBe(401);
    // The configured headers are on the endpoint's own answers too.
    expect(passed.headers["x-frame-options"]).toBe("deny");
  });

  test("the scheme word is matched in any case, as Go's BasicAuth does", async () => {
    expect((await answer(`${gw.url}/-/healthy`, https({ Authorization: GOOD.replace("Basic", "bAsIc") }))).status).toBe(200);
  });

  test("a remembered right password does not let a wrong one in (CVE-2022-46146), nor a remembered wrong one keep the right one out", async () => {
    const status = async (password: string) => (await answer(`${gw.url}/-/healthy`, https({ Authorization: basicAuth("alice", password) }))).status;
    expect([await status("secret"), await status("nope"), await status("secret"), await status("nope")]).toEqual([200, 401, 200, 401]);
  });

  test("plain HTTP to the TLS port gets no answer: Bun closes the connection (Go answers 400)", () => {
    const plain = curl([gw.url.replace("https:", "http:") + "/-/healthy"]);
    // curl 52: "Empty reply from server".
    expect(plain.exitCode).toBe(52);
    expect(plain.stdout).toBe("");
  });

  test("HTTP/2 is not offered: a client asking for it gets HTTP/1.1", () => {
    const reply = curl(["--http2", "--cacert", certs.caCert, "-u", "alice:secret", "-o", "/dev/null", "-w", "%{http_version}", `${gw.url}/-/healthy`]);
    expect(reply.stdout).toBe("1.1");
  });
});

test("the 401 answer is the Go gateway's, headers and body (Date aside)", async () => {
  const yaml = `basic_auth_users:\n  alice: ${aliceHash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n`;
  const access: Access = { scheme: "http", init: { headers: { Authorization: GOOD } } };
  const ours = await gateway(yaml, access);
  // Go 1.5.1 reads the same file; the readiness probe needs the credentials there too.
  const go = await startServer({
    name: "go gateway with a web config",
    argv: (port) => [REFERENCE_BINARY, `--web.listen-address=127.0.0.1:${port}`, "--persistence.file=", `--web.config.file=${ours.webConfigFile}`],
    probe: access.init,
  });
  try {
    for (const init of [{}, { headers: { Authorization: basicAuth("alice", "wrong") } }]) {
      expect(await answer(`${ours.url}/metrics`, init)).toEqual(await answer(`${go.url}/metrics`, init));
    }
  } finally {
    await go.stop();
  }
});

describe("client certificates", () => {
  test("RequireAndVerifyClientCert: the CA's client gets in, no certificate or a stranger's does not", async () => {
    const yaml = `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n`;
    const gw = await gateway(yaml, {
      scheme: "https",
      init: { tls: { ca: readFileSync(certs.caCert, "utf8"), cert: readFileSync(certs.clientCert, "utf8"), key: readFileSync(certs.clientKey, "utf8") } },
    });
    const url = `${gw.url}/-/healthy`;
    expect(curl(["--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey, url]).stdout).toBe("OK");
    expect(curl(["--cacert", certs.caCert, url]).exitCode).not.toBe(0);
    expect(curl(["--cacert", certs.caCert, "--cert", certs.strangerCert, "--key", certs.strangerKey, url]).exitCode).not.toBe(0);
  });

  test("RequestClientCert: asks for a certificate but lets anyone in, as Go does", async () => {
    const yaml = `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequestClientCert\n`;
    const gw = await gateway(yaml, { scheme: "https", init: https() });
    const url = `${gw.url}/-/healthy`;
    expect(curl(["--cacert", certs.caCert, url]).stdout).toBe("OK");
    expect(curl(["--cacert", certs.caCert, "--cert", certs.strangerCert, "--key", certs.strangerKey, url]).stdout).toBe("OK");
  });
});

describe("TLS versions and cipher suites", () => {
  /** `openssl s_client` against `gw` with `args`: the negotiated protocol and cipher, or "refused". */
  async function handshake(gw: Gateway, args: string[]): Promise<string> {
    const proc = Bun.spawn([OPENSSL, "s_client", "-connect", new URL(gw.url).host, "-CAfile", certs.caCert, "-brief", ...args], {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [err] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    const protocol = /Protocol version: (\S+)/.exec(err)?.[1];
    const cipher = /Ciphersuite: (\S+)/.exec(err)?.[1];
    return protocol === undefined ? "refused" : `${protocol} ${cipher}`;
  }

  test("min_version TLS13 refuses TLS 1.2", async () => {
    const yaml = `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS13\n`;
    const gw = await gateway(yaml, { scheme: "https", init: https() });
    expect(await handshake(gw, ["-tls1_2"])).toBe("refused");
    expect(await handshake(gw, ["-tls1_3"])).toStartWith("TLSv1.3 ");
  });

  test("max_version TLS12 with cipher_suites: TLS 1.3 refused, only the listed suite negotiated", async () => {
    const yaml = `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n`;
    const gw = await gateway(yaml, { scheme: "https", init: https() });
    expect(await handshake(gw, ["-tls1_3"])).toBe("refused");
    expect(await handshake(gw, ["-tls1_2"])).toBe("TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256");
    expect(await handshake(gw, ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384"])).toBe("refused");
  });
});

test("rate_limit: the burst passes, then 429 Too Many Requests without the configured headers, as Go", async () => {
  const yaml = "rate_limit:\n  interval: 1m\n  burst: 3\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n";
  // The readiness probe spends tokens too; one per probe that reached the gateway.
  const gw = await gateway(yaml, { scheme: "http", init: {} });
  const replies = [];
  for (let i = 0; i < 4; i++) replies.push(await answer(`${gw.url}/-/healthy`, {}));
  const refused = replies.filter((reply) => reply.status === 429);
  expect(replies.filter((reply) => reply.status === 200).length).toBeLessThanOrEqual(2);
  expect(refused.length).toBeGreaterThanOrEqual(2);
  expect(refused[0]).toEqual({
    status: 429,
    headers: { "content-type": "text/plain; charset=utf-8", "content-length": "18", "x-content-type-options": "nosniff" },
    body: "Too Many Requests\n",
  });
});

test("the file is re-read when it changes: a new user works, a broken file answers 500, a fixed one works again", async () => {
  const yaml = (users: string) => `basic_auth_users:\n${users}`;
  const gw = await gateway(yaml(`  alice: ${aliceHash}\n`), { scheme: "http", init: { headers: { Authorization: GOOD } } });
  const file = gw.webConfigFile;
  const bob = basicAuth("bob", "hunter2");
  const status = async (authorization: string) => (await answer(`${gw.url}/-/healthy`, { headers: { Authorization: authorization } })).status;
  /** Polls until `authorization` gets `expected`, for at most 5 s (the file is checked once a second). */
  const eventually = async (authorization: string, expected: number) => {
    const deadline = Date.now() + 5_000;
    while ((await status(authorization)) !== expected && Date.now() < deadline) await Bun.sleep(100);
    return status(authorization);
  };
  expect(await status(bob)).toBe(401);
  writeFileSync(file, yaml(`  alice: ${aliceHash}\n  bob: ${htpasswd("bob", "hunter2")}\n`));
  expect(await eventually(bob, 200)).toBe(200);
  writeFileSync(file, yaml("  alice: not-a-hash\n"));
  expect(await eventually(GOOD, 500)).toBe(500);
  expect(await answer(`${gw.url}/-/healthy`, {})).toMatchObject({ status: 500, body: "Internal Server Error\n" });
  writeFileSync(file, yaml(`  alice: ${aliceHash}\n`));
  expect(await eventually(GOOD, 200)).toBe(200);
  expect(await status(bob)).toBe(401);
  expect(gw.log()).toContain("unable to read the web config");
});

test("a changed certificate file or TLS section is logged as needing a restart, and the old certificate stays in use", async () => {
  const gw = await gateway(TLS_AUTH_HEADERS(), { scheme: "https", init: https({ Authorization: GOOD }) });
  /** Polls the gateway's log for `text`, for at most 5 s (the files are checked once a second). */
  const logged = async (text: string) => {
    const deadline = Date.now() + 5_000;
    while (!gw.log().includes(text) && Date.now() < deadline) await Bun.sleep(100);
    return gw.log();
  };
  // Rewritten with the same bytes: a rotation tool would write new ones, which Bun.serve could not pick up either.
  writeFileSync(certs.serverCert, readFileSync(certs.serverCert));
  expect(await logged("a TLS certificate or key file changed")).toContain("until it is restarted");
  writeFileSync(gw.webConfigFile, TLS_AUTH_HEADERS().replace("key_file: server.key\n", "key_file: server.key\n  min_version: TLS13\n"));
  expect(await logged("tls_server_config or rate_limit changed")).toContain("restart to apply them");
  expect((await answer(`${gw.url}/-/healthy`, https({ Authorization: GOOD }))).status).toBe(200);
});

describe("a web config the gateway cannot honour stops the start with exit 1, naming the file and the problem", () => {
  // [why, file contents or undefined for a missing file, what the log line says]
  test.each<[string, string | undefined, string]>([
    ["a missing file", undefined, "ENOENT"],
    ["an unknown key", "basic_auth_user:\n  alice: x\n", "field basic_auth_user not found in the top level"],
    ["a hash that is not bcrypt", "basic_auth_users:\n  alice: secret\n", 'the password of user \\"alice\\" is not a bcrypt hash'],
    ["an unreadable certificate", "tls_server_config:\n  cert_file: nope.pem\n  key_file: server.key\n", "failed to read cert_file"],
    ["client_allowed_sans", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  client_allowed_sans: [x]\n", "client_allowed_sans is not supported"],
  ])("%s", async (_why, yaml, problem) => {
    const file = join(certs.dir, `refused-${yaml === undefined ? "absent" : Bun.hash(yaml)}.yml`);
    if (yaml !== undefined) writeFileSync(file, yaml);
    const { exitCode, stderr } = await refusedStart([`--web.config.file=${file}`]);
    expect(exitCode).toBe(1);
    expect(stderr).toContain("level=error msg=\"cannot use the web config\"");
    expect(stderr).toContain(`web config file \\"${file}\\": `);
    expect(stderr).toContain(problem);
  });
});
