// readWebConfig: what a web config file turns into, and the message for each file the gateway must refuse at start.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CIPHER_NAMES } from "../../src/web-config/tls-server-config.ts";
import { readWebConfig } from "../../src/web-config/web-config.ts";
import { makeCertificates } from "../helpers/certificates.ts";

const certs = makeCertificates();
afterAll(() => certs.remove());

// A hash as `htpasswd -nbB -C 4 alice secret` makes it.
const HASH = "$2y$04$khKhr3d9DbtN9rJmfNGUcOztutcvI4dE2RznuWA6BFhCTxr/ZHqNK";
// Relative paths: the newest exporter-toolkit reads them from the web config file's directory.
const TLS = "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n";
const CLIENT_CA = "  client_ca_file: ca.pem\n";

let files = 0;
/** Writes `yaml` to a new file in the certificates' directory and returns its path. */
function configFile(yaml: string): string {
  const file = join(certs.dir, `web-${files++}.yml`);
  writeFileSync(file, yaml);
  return file;
}

describe("readWebConfig accepts", () => {
  test("an empty file as no TLS and no authentication, as Go does", () => {
    const config = readWebConfig(configFile(""));
    expect(config.tls).toBeUndefined();
    expect(config.users.size).toBe(0);
    expect(config.rateLimit).toBeUndefined();
    expect(config.http).toEqual({ headers: new Map() });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("certificate files relative to the config file, read into PEM text", () => {
    const { tls } = readWebConfig(configFile(TLS));
    expect(tls?.cert).toBe(readFileSync(certs.serverCert, "utf8"));
    expect(tls?.key).toBe(readFileSync(certs.serverKey, "utf8"));
    expect(tls).toMatchObject({ requestCert: false, rejectUnauthorized: false, secureOptions: 0, clientAuthType: "NoClientCert" });
    expect(tls?.files).toEqual([certs.serverCert, certs.serverKey]);
  });

  test("inline certificate and key", () => {
    const indent = (pem: string) => pem.trim().replaceAll("\n", "\n    ");
    const yaml = `tls_server_config:\n  cert: |\n    ${indent(readFileSync(certs.serverCert, "utf8"))}\n  key: |\n    ${indent(readFileSync(certs.serverKey, "utf8"))}\n`;
    expect(readWebConfig(configFile(yaml)).tls?.cert).toBe(readFileSync(certs.serverCert, "utf8"));
  });

  // [client_auth_type, requestCert, rejectUnauthorized]
  test.each<[string, boolean, boolean]>([
    ["RequestClientCert", true, false],
    ["RequireAndVerifyClientCert", true, true],
  ])("client_auth_type %s as Bun's requestCert %p and rejectUnauthorized %p", (type, requestCert, rejectUnauthorized) => {
    const { tls } = readWebConfig(configFile(`${TLS}${CLIENT_CA}  client_auth_type: ${type}\n`));
    expect(tls).toMatchObject({ requestCert, rejectUnauthorized, clientAuthType: type, ca: readFileSync(certs.caCert, "utf8") });
  });

  // [min_version, max_version, the SSL_OP_NO_TLSv1_x bits]
  test.each<[string, string, number]>([
    ["TLS12", "TLS13", 0],
    ["TLS13", "TLS13", 0x08000000],
    ["TLS12", "TLS12", 0x20000000],
  ])("min_version %s and max_version %s as secureOptions %d", (min, max, bits) => {
    expect(readWebConfig(configFile(`${TLS}  min_version: ${min}\n  max_version: ${max}\n`)).tls?.secureOptions).toBe(bits);
  });

  test("Go's cipher suite names as OpenSSL's", () => {
    const yaml = `${TLS}  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_CBC_SHA]\n  prefer_server_cipher_suites: false\n`;
    expect(readWebConfig(configFile(yaml)).tls?.ciphers).toBe("ECDHE-ECDSA-AES128-GCM-SHA256:AES256-SHA");
  });

  test.each([...CIPHER_NAMES])("cipher %s, which Bun.serve knows as %s", (_go, openssl) => {
    // Bun.serve throws NO_CIPHER_MATCH at start for a list it cannot use.
    const server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      tls: { cert: Bun.file(certs.serverCert), key: Bun.file(certs.serverKey), ciphers: openssl },
      fetch: () => new Response(),
    });
    server.stop(true);
  });

  test("users, headers, http2 and a rate limit", () => {
    const yaml = `basic_auth_users:\n  alice: ${HASH}\n  "bob": '${HASH.replace("$2y$", "$2b$")}'\nhttp_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: sameorigin\n    Content-Security-Policy: default-src 'self'\nrate_limit:\n  interval: 250ms\n  burst: 3\n`;
    const config = readWebConfig(configFile(yaml));
    expect([...config.users.keys()]).toEqual(["alice", "bob"]);
    expect(config.http).toEqual({ headers: new Map([["X-Frame-Options", "sameorigin"], ["Content-Security-Policy", "default-src 'self'"]]) });
    expect(config.rateLimit).toEqual({ intervalMs: 250, burst: 3 });
  });
});

describe("readWebConfig refuses, naming the file and the problem", () => {
  // [why, file contents, what the message says after the file's name]
  test.each<[string, string, string | RegExp]>([
    ["bad YAML", "a: [\n", /^not valid YAML: /],
    ["an unknown key (yaml.v2 strict)", "bogus: 1\n", /^field bogus not found in the top level/],
    ["an unknown TLS key", `${TLS}  cert_path: x\n`, /^field cert_path not found in tls_server_config/],
    ["a user listed twice (Bun.YAML would keep the last)", `basic_auth_users:\n  a: ${HASH}\n  a: ${HASH}\n`, 'line 3: key "a" already set in map'],
    ["several YAML documents", "---\nbasic_auth_users: {}\n---\nrate_limit: {}\n", "the file must hold one YAML mapping, not a list or several documents"],
    ["a list at the top", "- a\n", "the file must hold one YAML mapping, not a list or several documents"],
    ["a scalar at the top", "hello\n", "the file must be a mapping"],
    ["a plain-text password", "basic_auth_users:\n  a: secret\n", /^basic_auth_users: the password of user "a" is not a bcrypt hash/],
    ["an argon2 hash (Bun.password would take it, Go cannot)", "basic_auth_users:\n  a: $argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA\n", /not a bcrypt hash/],
    ["a $2x$ hash", `basic_auth_users:\n  a: ${HASH.replace("$2y$", "$2x$")}\n`, /not a bcrypt hash/],
    ["a cut hash", `basic_auth_users:\n  a: ${HASH.slice(0, -1)}\n`, /not a bcrypt hash/],
    ["a cost below bcrypt's minimum", `basic_auth_users:\n  a: ${HASH.replace("$04$", "$03$")}\n`, /cost 3 is outside allowed range \(4,31\)/],
    ["a password that is a number", "basic_auth_users:\n  a: 123\n", "basic_auth_users.a must be a string"],
    ["a missing certificate file", "tls_server_config:\n  cert_file: nope.pem\n  key_file: server.key\n", /^failed to read cert_file \(.*nope\.pem\): ENOENT/],
    ["a key that is not the certificate's", "tls_server_config:\n  cert_file: server.pem\n  key_file: client.key\n", /^failed to load X509KeyPair: /],
    ["a certificate file that is not PEM", "tls_server_config:\n  cert_file: server.csr\n  key_file: server.key\n", /^failed to load X509KeyPair: /],
    ["a key without a certificate", "tls_server_config:\n  key_file: server.key\n", "missing one of cert or cert_file"],
    ["a certificate without a key", "tls_server_config:\n  cert_file: server.pem\n", "missing one of key or key_file"],
    ["both cert and cert_file", `${TLS}  cert: x\n`, "tls_server_config sets both cert and cert_file: choose one"],
    ["TLS settings without a certificate (Go would serve plain HTTP)", "tls_server_config:\n  min_version: TLS13\n", "tls_server_config sets min_version but no certificate: TLS would be off"],
    ["RequireAnyClientCert", `${TLS}  client_auth_type: RequireAnyClientCert\n`, /^client_auth_type RequireAnyClientCert is not supported: Bun.serve cannot require/],
    ["VerifyClientCertIfGiven", `${TLS}${CLIENT_CA}  client_auth_type: VerifyClientCertIfGiven\n`, /^client_auth_type VerifyClientCertIfGiven is not supported/],
    ["an invented client auth type", `${TLS}  client_auth_type: Maybe\n`, "invalid ClientAuth: Maybe"],
    ["a client CA without a client auth type", `${TLS}${CLIENT_CA}`, "client CA's have been configured without a Client Auth Policy"],
    ["verification without a CA", `${TLS}  client_auth_type: RequireAndVerifyClientCert\n`, "RequireAndVerifyClientCert needs client_ca_file or client_ca"],
    ["a client CA file without certificates", `${TLS}  client_auth_type: RequestClientCert\n  client_ca_file: server.key\n`, "the client CA holds no PEM certificate"],
    ["client_allowed_sans", `${TLS}${CLIENT_CA}  client_auth_type: RequireAndVerifyClientCert\n  client_allowed_sans: [client.example]\n`, /^client_allowed_sans is not supported: Bun.serve does not show the client certificate/],
    ["curve_preferences", `${TLS}  curve_preferences: [X25519]\n`, /^curve_preferences is not supported/],
    ["TLS 1.0", `${TLS}  min_version: TLS10\n`, /Bun.serve speaks TLS12 and TLS13 only/],
    ["a maximum below the minimum", `${TLS}  min_version: TLS13\n  max_version: TLS12\n`, "min_version TLS13 is above max_version TLS12"],
    ["an unknown TLS version", `${TLS}  min_version: SSL3\n`, "unknown TLS version: SSL3"],
    ["a TLS 1.3 cipher suite (neither Go nor Bun can choose them)", `${TLS}  cipher_suites: [TLS_AES_128_GCM_SHA256]\n`, /is a TLS 1.3 suite/],
    ["an unknown cipher suite", `${TLS}  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n`, "unknown cipher: TLS_RSA_WITH_RC4_128_SHA"],
    ["a header exporter-toolkit does not allow", "http_server_config:\n  headers:\n    Server: x\n", 'HTTP header "Server" can not be configured'],
    ["a header value it does not allow", "http_server_config:\n  headers:\n    X-Frame-Options: allow\n", /^invalid value for X-Frame-Options\. Expected one of: \["deny","sameorigin"\], but got: "allow"/],
    ["http2 as a YAML 1.1 word", "http_server_config:\n  http2: yes\n", "http_server_config.http2 must be true or false"],
    ["a burst of 0 (Go would answer every request 429)", "rate_limit:\n  interval: 1s\n", /^rate_limit.burst must be at least 1/],
    ["a burst without an interval", "rate_limit:\n  burst: 5\n", /^rate_limit.burst is set but rate_limit.interval is not/],
    ["an interval that is not a Go duration", "rate_limit:\n  interval: 1 second\n  burst: 1\n", /^rate_limit.interval: time: /],
    ["a negative interval", "rate_limit:\n  interval: -1s\n  burst: 1\n", /is negative/],
  ])("%s", (_why, yaml, problem) => {
    const file = configFile(yaml);
    const prefix = `web config file ${JSON.stringify(file)}: `;
    let message = "";
    try {
      readWebConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toStartWith(prefix);
    if (typeof problem === "string") expect(message.slice(prefix.length)).toBe(problem);
    else expect(message.slice(prefix.length)).toMatch(problem);
  });

  test("a missing file", () => {
    const file = join(certs.dir, "absent.yml");
    expect(() => readWebConfig(file)).toThrow(`web config file ${JSON.stringify(file)}: ENOENT`);
  });
});
