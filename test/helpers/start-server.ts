// Starts a gateway process on a free loopback port for a test, waits until it is ready, and stops it again.
import { type ServerProcess, startServer } from "./server-process.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** A running gateway under test: the process the tests started and the base URL it listens on. */
export interface Gateway extends ServerProcess {
  /** `"go"` for the reference binary, `"ours"` for `bun src/main.ts`. */
  readonly kind: "go" | "ours";
}

/**
 * Starts `argv(port)` on a fresh loopback port and resolves once `GET /-/ready` answers 200 (see
 * `startServer`: a failed start throws with the gateway's stderr and leaves nothing running). The caller
 * stops the gateway: in `afterAll` for a file's gateway, with `withGateway` for one test's.
 */
export async function startGateway(kind: Gateway["kind"], argv: (port: number) => string[]): Promise<Gateway> {
  return { kind, ...(await startServer({ name: `${kind} gateway`, argv, readyPath: readyPathOf(argv(0)) })) };
}

/**
 * `/-/ready` under the route prefix a gateway's command line sets (SPEC §2.6): `--web.route-prefix`, else the
 * path of `--web.external-url`, one leading and no trailing slash, as both gateways read them.
 */
export function readyPathOf(argv: readonly string[]): string {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ?? "";
  let prefix = value("web.route-prefix");
  if (prefix === "" && value("web.external-url") !== "") prefix = new URL(value("web.external-url")).pathname;
  prefix = prefix.replace(/^\/*/, "/").replace(/\/+$/, "");
  return `${prefix}/-/ready`;
}

/**
 * Runs `body` with a gateway from `start` and stops that gateway afterwards, whether `body` passed or
 * threw: for a test that needs a fresh gateway of its own.
 */
export async function withGateway<T>(start: () => Promise<Gateway>, body: (gw: Gateway) => Promise<T>): Promise<T> {
  const gw = await start();
  try {
    return await body(gw);
  } finally {
    await gw.stop();
  }
}

/**
 * Starts our gateway (`bun src/main.ts`) on a free loopback port with `--persistence.file=` (memory
 * only) plus `extraArgs`, and resolves once it is ready. A failed start throws with the server's stderr.
 *
 * With `PG_OURS=go` in the environment, "ours" is a second Go reference instance instead: that runs the
 * differential suite Go against Go, to check the harness and the recorded expectations before our
 * server exists (see test/conformance/differential.ts).
 */
export async function startOurs(extraArgs: string[] = []): Promise<Gateway> {
  if (oursIsGo()) {
    // Imported lazily: reference.ts imports this file, and only this switch needs it.
    const { startReference } = await import("./reference.ts");
    return startReference(extraArgs);
  }
  return startOurGateway(extraArgs);
}

/**
 * Our gateway, memory only (`--persistence.file=`) plus `extraArgs`, whatever `PG_OURS` says: for checks of
 * behaviour only ours has (Go passes them by chance).
 */
export async function startOurGateway(extraArgs: string[] = []): Promise<Gateway> {
  return startGateway("ours", (port) => ourGatewayArgv(port, ["--persistence.file=", ...extraArgs]));
}

/**
 * The command line of our gateway (`bun src/main.ts`) listening on `127.0.0.1:<port>`, then `flags`: the one
 * place that knows how our server is run, for startOurGateway and startPersistentGateway (persistent-gateway.ts).
 */
export function ourGatewayArgv(port: number, flags: readonly string[]): string[] {
  return [process.execPath, MAIN, `--web.listen-address=127.0.0.1:${port}`, ...flags];
}

/** True when `PG_OURS=go` asks for the Go binary in place of our server (harness validation run). */
export function oursIsGo(): boolean {
  return process.env.PG_OURS === "go";
}
