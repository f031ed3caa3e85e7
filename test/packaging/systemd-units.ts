// The shipped systemd files (packaging/*.service, *.socket, the socket drop-in) read as text, and a throwaway
// file-system root to verify them in, for test/packaging/systemd.test.ts.
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Installed by the Debian package `systemd` (test/peers.sh checks it). */
export const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";

const PACKAGING = new URL("../../packaging/", import.meta.url).pathname;

/** The shipped files, by the name they are installed under in /etc/systemd/system. */
export const UNITS = {
  service: readFileSync(join(PACKAGING, "pushgateway.service"), "utf8"),
  socket: readFileSync(join(PACKAGING, "pushgateway.socket"), "utf8"),
  dropIn: readFileSync(join(PACKAGING, "socket-activation.conf"), "utf8"),
};

/** Where the README installs each file, relative to the root. */
export const INSTALLED = {
  service: "etc/systemd/system/pushgateway.service",
  socket: "etc/systemd/system/pushgateway.socket",
  dropIn: "etc/systemd/system/pushgateway.service.d/socket-activation.conf",
  binary: "usr/local/bin/pushgateway",
};

/**
 * Every value of `key` in a unit file, in order (`ExecStart=` lines included, as systemd reads them: an empty
 * one resets the list). Comment lines and other keys are skipped; sections are not told apart, as no key the
 * tests read appears in two sections.
 */
export function valuesOf(unit: string, key: string): string[] {
  const values: string[] = [];
  for (const line of unit.split("\n")) {
    if (line.startsWith(`${key}=`)) values.push(line.slice(key.length + 1));
  }
  return values;
}

/** The one value of `key` in `unit`, the last one as systemd takes it; throws when the key is absent. */
export function valueOf(unit: string, key: string): string {
  const values = valuesOf(unit, key);
  const value = values.at(-1);
  if (value === undefined) throw new Error(`no ${key}= in the unit`);
  return value;
}

/**
 * A temporary root for `systemd-analyze --root`: the host's /usr/lib/systemd/system (so the targets the units
 * name exist), `files` written at their paths, and with `binary` an executable where the service's ExecStart
 * looks (verify checks only that it is an executable file, not what it does). Returns the root's path.
 */
export function makeRoot(files: Record<string, string>, binary = true): string {
  const root = mkdtempSync(join(tmpdir(), "pg-systemd-root-"));
  cpSync("/usr/lib/systemd/system", join(root, "usr/lib/systemd/system"), { recursive: true, verbatimSymlinks: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  if (binary) {
    const path = join(root, INSTALLED.binary);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, "#!/bin/sh\n");
    chmodSync(path, 0o755);
  }
  return root;
}

/** What `systemd-analyze` answered: its exit code and everything it printed. */
export interface Analysis {
  exitCode: number;
  output: string;
}

/** Runs `systemd-analyze <args> --root=<root> <units>`. */
export function analyze(root: string, args: string[], units: string[]): Analysis {
  const result = Bun.spawnSync([SYSTEMD_ANALYZE, ...args, `--root=${root}`, ...units], { stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, output: result.stdout.toString() + result.stderr.toString() };
}

/**
 * `systemd-analyze verify` on `units` in `root`. It exits 0 on unknown keys and unparsable values (it only
 * warns and ignores the line), so a unit passes only when verify also prints nothing.
 */
export function verify(root: string, units: string[]): Analysis {
  return analyze(root, ["verify"], units);
}
