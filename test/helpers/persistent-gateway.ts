// Gateways on a persistence file for the end-to-end persistence tests: ours (optionally as an unprivileged user, optionally logging JSON) and Go's, and the JSON log read back.
import { chownSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { REFERENCE_BINARY } from "./reference.ts";
import { type Gateway, ourGatewayArgv, startGateway } from "./start-server.ts";

/**
 * The user whose file permissions a fault test can take away: `nobody` when the tests run as root (root
 * ignores a directory's mode bits, and CI runs as root), the tests' own user otherwise. `argv` runs a
 * command as that user; it keeps `--pdeathsig` because changing the user clears the death signal that
 * startServer's own setpriv set.
 */
export const GATEWAY_USER: { readonly name: string; readonly uid: number; readonly gid: number; readonly argv: readonly string[] } =
  process.getuid?.() === 0
    ? {
      name: "nobody",
      uid: idOf("-u", "nobody"),
      gid: idOf("-g", "nobody"),
      argv: ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--pdeathsig", "KILL"],
    }
    : { name: "the tests' user", uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1, argv: [] };

function idOf(flag: "-u" | "-g", user: string): number {
  const result = Bun.spawnSync(["id", flag, user]);
  if (result.exitCode !== 0) throw new Error(`id ${flag} ${user} failed: ${result.stderr.toString()}`);
  return Number(result.stdout.toString().trim());
}

/** Makes `path` (a directory, with everything in it) belong to GATEWAY_USER. */
export function giveToGatewayUser(path: string): void {
  chownSync(path, GATEWAY_USER.uid, GATEWAY_USER.gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) giveToGatewayUser(join(path, entry.name));
    else chownSync(join(path, entry.name), GATEWAY_USER.uid, GATEWAY_USER.gid);
  }
}

/** How `startPersistentGateway` runs our gateway besides its flags; both off by default. */
export interface PersistentGatewayOptions {
  /** Runs the gateway as GATEWAY_USER (see there) instead of the tests' user. */
  readonly asGatewayUser?: boolean;
  /** Adds `--log.format=json`, so that `logEntries` can read the log back. */
  readonly jsonLog?: boolean;
}

/**
 * Starts our gateway with `--persistence.file=<file>` (and `--log.format=json` when `options.jsonLog`) plus
 * `extraArgs`, which must not repeat either flag (a repeated flag is an error), and resolves once it is ready,
 * i.e. after it restored what `file` and its journals hold. Starting it again on the same file after the
 * previous one exited is a restart. A failed start throws with the gateway's stderr. The caller stops it.
 */
export function startPersistentGateway(file: string, extraArgs: readonly string[] = [], options: PersistentGatewayOptions = {}): Promise<Gateway> {
  if (file === "") throw new Error("startPersistentGateway needs a file; startOurGateway runs memory only");
  const user = options.asGatewayUser ? GATEWAY_USER.argv : [];
  const log = options.jsonLog ? ["--log.format=json"] : [];
  return startGateway("ours", (port) => [...user, ...ourGatewayArgv(port, [`--persistence.file=${file}`, ...log, ...extraArgs])]);
}

/** Starts the Go reference gateway persisting to `file`, plus `extraArgs` (e.g. `--persistence.interval=1h`). */
export function startGoOn(file: string, extraArgs: readonly string[] = []): Promise<Gateway> {
  return startGateway("go", (port) => [REFERENCE_BINARY, `--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${file}`, ...extraArgs]);
}

/** One line of our gateway's JSON log (`--log.format=json`): `ts`, `level`, `msg` and the line's fields. */
export type LogEntry = { readonly level: string; readonly msg: string } & Readonly<Record<string, unknown>>;

/** The JSON lines `gw` logged so far, in order (anything else on stderr is skipped). */
export function logEntries(gw: Gateway): LogEntry[] {
  const entries: LogEntry[] = [];
  for (const line of gw.log().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {
      // A line cut at the log buffer's limit.
    }
  }
  return entries;
}
