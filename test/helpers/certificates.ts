// Certificates for TLS tests, made by `openssl` in a temp dir: a CA, a server certificate for 127.0.0.1, and clients.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Installed by Debian's `openssl` (test/peers.sh checks it). */
export const OPENSSL = "/usr/bin/openssl";

/** PEM files written by `makeCertificates`, by absolute path. */
export interface Certificates {
  readonly dir: string;
  /** The CA that signed the server and `client` certificates. */
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** Signed by the CA, with SAN `DNS:client.example`. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** Self-signed: not trusted by the CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** Removes the temp dir. */
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const result = Bun.spawnSync([OPENSSL, ...args], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} exited ${result.exitCode}\n${result.stderr.toString()}`);
}

/** A P-256 key and a certificate for `subject`, signed by the CA (or self-signed without one), valid 2 days. */
function issue(dir: string, name: string, subject: string, san: string, signed: boolean): void {
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`];
  if (!signed) {
    openssl(dir, ["req", "-x509", ...key, "-out", `${name}.pem`, "-days", "2", "-subj", subject, "-addext", `subjectAltName=${san}`]);
    return;
  }
  openssl(dir, ["req", ...key, "-out", `${name}.csr`, "-subj", subject]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\n`);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", `${name}.pem`, "-days", "2", "-extfile", `${name}.ext`]);
}

/** Makes a fresh CA, a server certificate for `127.0.0.1`/`localhost` and two client certificates (~50 ms). */
export function makeCertificates(): Certificates {
  const dir = mkdtempSync(join(tmpdir(), "pg-tls-"));
  try {
    issue(dir, "ca", "/CN=pushgateway test CA", "DNS:ca.example", false);
    issue(dir, "server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1", true);
    issue(dir, "client", "/CN=client", "DNS:client.example", true);
    issue(dir, "stranger", "/CN=stranger", "DNS:stranger.example", false);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const at = (file: string) => join(dir, file);
  return {
    dir,
    caCert: at("ca.pem"),
    serverCert: at("server.pem"),
    serverKey: at("server.key"),
    clientCert: at("client.pem"),
    clientKey: at("client.key"),
    strangerCert: at("stranger.pem"),
    strangerKey: at("stranger.key"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
