// Starts our gateway with a --web.config.file written by the test, over HTTPS when the config has TLS.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "./server-process.ts";
import { type Gateway, ourGatewayArgv } from "./start-server.ts";

/** How the test reaches the gateway: the scheme, and fetch options (CA, client certificate, credentials). */
export interface Access {
  readonly scheme: "http" | "https";
  readonly init: BunFetchRequestInit;
}

/** A gateway started with a web config, and that file (which it watches: a test may rewrite it). */
export interface SecuredGateway extends Gateway {
  readonly webConfigFile: string;
}

let configs = 0;

/**
 * Writes `yaml` to a new file in `dir` (relative certificate paths in it are read from there, as Go reads
 * them; each gateway gets its own file, so rewriting one reaches no other) and starts our gateway with it and
 * `flags`, memory only; resolves once `/-/ready` answers 200 through `access`.
 */
export async function startSecuredGateway(dir: string, yaml: string, access: Access, flags: readonly string[] = []): Promise<SecuredGateway> {
  const file = join(dir, `web-${process.pid}-${configs++}.yml`);
  writeFileSync(file, yaml);
  const server = await startServer({
    name: "our gateway with a web config",
    argv: (port) => ourGatewayArgv(port, ["--persistence.file=", `--web.config.file=${file}`, ...flags]),
    scheme: access.scheme,
    probe: access.init,
  });
  return { kind: "ours", ...server, webConfigFile: file };
}

/**
 * Runs our gateway with `flags` (memory only) until it exits by itself, for starts that must be refused;
 * its exit code and stderr. Killed after 10 s if it does not exit.
 */
export async function refusedStart(flags: readonly string[]): Promise<{ exitCode: number; stderr: string }> {
  const proc = Bun.spawn(ourGatewayArgv(0, ["--persistence.file=", ...flags]), { stdout: "ignore", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  const [stderr, exitCode] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { exitCode, stderr };
}

/** The `Authorization` header of HTTP basic auth. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
