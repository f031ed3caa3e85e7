// packaging/pushgateway.service, pushgateway.socket and socket-activation.conf: systemd-analyze verify and
// security accept them (and reject broken copies), and the gateway runs the way they say: socket-activated,
// and within the service's system call and address family filters. systemd itself cannot run here (it is
// not PID 1), so the run uses systemd's own socket-activation tool and, as root, unshare and setpriv for the
// private network and the unprivileged user.
import { afterAll, describe, expect, test } from "bun:test";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../helpers/server-process.ts";
import { analyze, INSTALLED, makeRoot, SYSTEMD_ANALYZE, UNITS, valueOf, valuesOf, verify } from "./systemd-units.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
/** From the Debian package `systemd`, as systemd-analyze. */
const SOCKET_ACTIVATE = "/usr/bin/systemd-socket-activate";
const STRACE = "/usr/bin/strace";
/** `nobody`: stands in for the user DynamicUser= allocates. */
const SERVICE_UID = 65534;
const IS_ROOT = process.getuid?.() === 0;

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A root for systemd-analyze holding `files`, removed after the file's tests. */
function root(files: Record<string, string>, binary = true): string {
  const dir = makeRoot(files, binary);
  temporary.push(dir);
  return dir;
}

/** An empty directory standing in for /var/lib/pushgateway, owned by the service's user when we can. */
function stateDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), "pg-systemd-state-"));
  temporary.push(dir);
  if (IS_ROOT) chownSync(dir, SERVICE_UID, SERVICE_UID);
  return dir;
}

/**
 * The last ExecStart= of `unit` as an argv for this checkout, run with the service's Environment= (which a
 * drop-in inherits) as systemd would: the installed binary becomes `bun src/main.ts` (the same code `npm run
 * build` compiles) and /var/lib/pushgateway becomes `stateDir`.
 */
function execStart(unit: string, stateDir: string): string[] {
  const [program, ...flags] = valueOf(unit, "ExecStart").split(" ");
  expect(program).toBe("/usr/local/bin/pushgateway");
  return ["/usr/bin/env", ...valuesOf(UNITS.service, "Environment"), process.execPath, MAIN, ...flags.map((flag) => flag.replace("/var/lib/pushgateway", stateDir))];
}

const SERVICE_AND_SOCKET = { [INSTALLED.service]: UNITS.service, [INSTALLED.socket]: UNITS.socket };
const WITH_DROP_IN = { ...SERVICE_AND_SOCKET, [INSTALLED.dropIn]: UNITS.dropIn };
const CLEAN = { exitCode: 0, output: "" };

describe("systemd-analyze verify", () => {
  test("pushgateway.service and pushgateway.socket pass without a word", () => {
    expect(verify(root(SERVICE_AND_SOCKET), ["pushgateway.service", "pushgateway.socket"])).toEqual(CLEAN);
  });

  test("they pass with socket-activation.conf as the service's drop-in too", () => {
    expect(verify(root(WITH_DROP_IN), ["pushgateway.service", "pushgateway.socket"])).toEqual(CLEAN);
  });

  /** A copy of the shipped files with `from` replaced by `to` in one of them. */
  function broken(file: keyof typeof UNITS, from: string, to: string): Record<string, string> {
    const text = UNITS[file].replace(from, to);
    expect(text).not.toBe(UNITS[file]);
    return { ...WITH_DROP_IN, [INSTALLED[file]]: text };
  }

  test.each([
    ["a misspelled directive", broken("service", "ProtectSystem=", "ProtectSytem="), "Unknown key 'ProtectSytem'"],
    ["a value systemd cannot parse", broken("service", "Restart=on-failure", "Restart=sometimes"), "Failed to parse service restart specifier"],
    ["a misspelled directive in the drop-in", broken("dropIn", "PrivateNetwork=", "PrivateNetwrok="), "socket-activation.conf"],
    ["a socket without a port", broken("socket", "ListenStream=9091", "ListenStream=port"), "Failed to parse address value"],
  ])("rejects a copy with %s", (_, files, message) => {
    const result = verify(root(files), ["pushgateway.service", "pushgateway.socket"]);
    expect(result).not.toEqual(CLEAN);
    expect(result.output).toContain(message);
  });

  test("rejects the units when no executable is installed at ExecStart's path", () => {
    const result = verify(root(WITH_DROP_IN, false), ["pushgateway.service"]);
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toContain("Command /usr/local/bin/pushgateway is not executable");
  });
});

describe("what the units say", () => {
  test("the drop-in runs the service's command line plus --web.systemd-socket; the socket listens on 9091", () => {
    const [program, ...flags] = valueOf(UNITS.service, "ExecStart").split(" ");
    // The empty ExecStart= drops the service's command, so only the drop-in's runs.
    expect(valuesOf(UNITS.dropIn, "ExecStart")).toEqual(["", [program, "--web.systemd-socket", ...flags].join(" ")]);
    expect(valueOf(UNITS.socket, "ListenStream")).toBe("9091");
  });

  test("the persistence file lies in the StateDirectory=, and the service restarts only on failure", () => {
    expect(valueOf(UNITS.service, "ExecStart").split(" ")).toContain(
      `--persistence.file=/var/lib/${valueOf(UNITS.service, "StateDirectory")}/pushgateway.data`,
    );
    expect(valueOf(UNITS.service, "Restart")).toBe("on-failure");
  });

  test("the service sets the allocator's purge delay main.ts sets itself, since a socket-activated start cannot", () => {
    expect(valuesOf(UNITS.service, "Environment")).toEqual(["MIMALLOC_PURGE_DELAY=10000"]);
  });

  /** The overall exposure systemd-analyze security gives pushgateway.service in `files` (0 safe … 10 unsafe). */
  function exposure(files: Record<string, string>): number {
    const { output } = analyze(root(files), ["security", "--offline=yes"], ["pushgateway.service"]);
    const level = /Overall exposure level for pushgateway\.service: (\d+\.\d)/.exec(output)?.[1];
    if (level === undefined) throw new Error(`no exposure level in:\n${output}`);
    return Number(level);
  }

  test("systemd-analyze security rates the sandbox 2.0 or better of 10, and worse than 5 without it", () => {
    expect(exposure(SERVICE_AND_SOCKET)).toBeLessThanOrEqual(2);
    expect(exposure(WITH_DROP_IN)).toBeLessThanOrEqual(2);
    const unsandboxed = UNITS.service.replace(/# Sandbox:[^]*?\n\[Install\]/, "[Install]");
    expect(exposure({ ...SERVICE_AND_SOCKET, [INSTALLED.service]: unsandboxed })).toBeGreaterThan(5);
  });
});

/**
 * The system calls the service's SystemCallFilter= lines allow: the allowed sets minus the `~` ones, each
 * `@group` expanded (recursively) from systemd-analyze's own table.
 */
function allowedSyscalls(unit: string): Set<string> {
  const table = new Map<string, string[]>();
  let group: string[] = [];
  for (const line of Bun.spawnSync([SYSTEMD_ANALYZE, "syscall-filter"]).stdout.toString().split("\n")) {
    if (/^@[\w-]+$/.test(line)) table.set(line, (group = []));
    else if (/^\s+[@\w-]+$/.test(line)) group.push(line.trim());
  }
  const expand = (names: string[]): string[] => names.flatMap((name) => (name.startsWith("@") ? expand(table.get(name) ?? []) : [name]));
  const allowed = new Set<string>();
  const denied = new Set<string>();
  for (const value of valuesOf(unit, "SystemCallFilter")) {
    const deny = value.startsWith("~");
    for (const name of expand(value.replace(/^~/, "").split(" "))) (deny ? denied : allowed).add(name);
  }
  expect(allowed.size).toBeGreaterThan(100);
  return new Set([...allowed].filter((name) => !denied.has(name)));
}

/** What a finished `strace -f` log shows the process did: system calls by name, socket address families. */
async function traced(file: string, pid: number): Promise<{ syscalls: Set<string>; families: Set<string> }> {
  // strace -D traces from a detached process that may still be writing when the gateway has exited.
  const deadline = Date.now() + 5_000;
  let log = "";
  // strace pads the pid column to a fixed width: a short pid is followed by more than one space.
  const exited = new RegExp(`^${pid} +\\+\\+\\+ exited with`, "m");
  while (!exited.test((log = readFileSync(file, "utf8"))) && Date.now() < deadline) await Bun.sleep(50);
  const syscalls = new Set([...log.matchAll(/^\d+ +(?:<\.\.\. )?([a-z0-9_]+)[( ]/gm)].map((match) => match[1] as string));
  const families = new Set([...log.matchAll(/socket(?:pair)?\((AF_\w+)/g)].map((match) => match[1] as string));
  return { syscalls, families };
}

describe("the gateway as the units run it", () => {
  test("every system call and socket family it uses is allowed by the service's filters (strace)", async () => {
    const stateDir = stateDirectory();
    const traceDir = mkdtempSync(join(tmpdir(), "pg-systemd-trace-"));
    temporary.push(traceDir);
    const trace = join(traceDir, "strace.log");
    // -D keeps the gateway the process we started (strace traces from a grandchild), so SIGTERM reaches it.
    // The unit's own address :9091 is replaced by a free port; the flag is repeatable, the last list wins.
    const gateway = await startServer({
      name: "gateway under strace",
      argv: (port) => [STRACE, "-D", "-f", "-q", "-o", trace, "--", ...execStart(UNITS.service, stateDir), `--web.listen-address=127.0.0.1:${port}`],
    });
    try {
      const push = (body: string) => fetch(`${gateway.url}/metrics/job/traced`, { method: "PUT", body });
      expect((await push("traced_runs 1\n")).status).toBe(200);
      expect((await push("dup 1\ndup 1\n")).status).toBe(400);
      for (const accept of ["text/plain", "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"]) {
        const scrape = await fetch(`${gateway.url}/metrics`, { headers: { accept, "accept-encoding": "gzip" } });
        expect(scrape.status).toBe(200);
        await scrape.arrayBuffer();
      }
      for (const page of ["/", "/api/v1/metrics"]) expect((await fetch(`${gateway.url}${page}`)).status).toBe(200);
    } finally {
      expect(await gateway.kill("SIGTERM")).toBe(0);
    }
    const { syscalls, families } = await traced(trace, gateway.pid);
    // A real trace of a whole run: start-up, the JIT, sockets, the final snapshot.
    for (const call of ["mmap", "mprotect", "accept4", "fsync", "rename", "exit_group"]) expect(syscalls).toContain(call);
    const allowed = allowedSyscalls(UNITS.service);
    expect([...syscalls].filter((call) => !allowed.has(call))).toEqual([]);
    const restricted = valueOf(UNITS.service, "RestrictAddressFamilies").split(" ");
    expect(families).toContain("AF_INET");
    expect([...families].filter((family) => !restricted.includes(family))).toEqual([]);
  });

  // As root, also as systemd would: the user DynamicUser= allocates (here nobody) and the drop-in's
  // PrivateNetwork= (an empty network namespace); the listening socket is made outside it, as systemd does.
  const SANDBOX = IS_ROOT
    ? ["/usr/bin/unshare", "--net", "--", "/usr/bin/setpriv", `--reuid=${SERVICE_UID}`, `--regid=${SERVICE_UID}`, "--clear-groups", "--no-new-privs", "--"]
    : [];

  test("socket-activated as the drop-in says, it serves pushes and scrapes, exits 0 on SIGTERM and keeps its groups", async () => {
    const stateDir = stateDirectory();
    const command = execStart(UNITS.dropIn, stateDir);
    const start = () =>
      startServer({ name: "socket-activated gateway", argv: (port) => [SOCKET_ACTIVATE, `--listen=127.0.0.1:${port}`, ...SANDBOX, ...command] });
    const series = 'backup_rows{instance="database-01",job="nightly_database_backup"} 1200\n';

    let gateway = await start();
    try {
      const push = await fetch(`${gateway.url}/metrics/job/nightly_database_backup/instance/database-01`, { method: "PUT", body: "backup_rows 1200\n" });
      expect(push.status).toBe(200);
      expect(await (await fetch(`${gateway.url}/metrics`)).text()).toContain(series);
    } finally {
      expect(await gateway.kill("SIGTERM")).toBe(0);
    }
    expect(gateway.log()).toContain('msg="Listening on systemd activated listeners instead of port listeners."');
    const file = join(stateDir, "pushgateway.data");
    expect(existsSync(file)).toBe(true);
    if (IS_ROOT) expect(statSync(file).uid).toBe(SERVICE_UID);

    // What a restart by systemd (Restart=, an upgrade) finds: the groups from the state directory.
    gateway = await start();
    try {
      expect(await (await fetch(`${gateway.url}/metrics`)).text()).toContain(series);
    } finally {
      expect(await gateway.kill("SIGTERM")).toBe(0);
    }
  });
});
