// The temp dirs and gateways of one end-to-end persistence test file: made and started through it, stopped and removed by its cleanup.
import { expect } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PersistentGatewayOptions, startGoOn, startPersistentGateway } from "./persistent-gateway.ts";
import type { Gateway } from "./start-server.ts";

/**
 * What a test file starts its gateways and keeps its persistence files with. Its functions do not use
 * `this`, so they may be destructured. Everything made or started through it is the sandbox's until
 * `cleanup`, which the file runs in `afterAll`.
 */
export interface PersistenceSandbox {
  /** A fresh empty directory of its own (mode 0700, as mkdtemp makes it). */
  tempDir(): string;
  /** `pg.data` in a fresh directory of its own: not there yet, as on a first start. */
  tempFile(): string;
  /**
   * Our gateway on `file` (startPersistentGateway), with the sandbox's default options overridden by
   * `options`; resolves once it is ready.
   */
  start(file: string, extraArgs?: readonly string[], options?: PersistentGatewayOptions): Promise<Gateway>;
  /** The Go reference gateway on `file` (startGoOn); resolves once it is ready. */
  startGo(file: string, extraArgs?: readonly string[]): Promise<Gateway>;
  /** SIGTERM, as a service manager stops it; resolves with the exit code (0 is Go's). Does not escalate. */
  stop(gw: Gateway): Promise<number | null>;
  /** SIGKILL: no shutdown snapshot, so what comes back after it is what the journal made durable. Fails the test unless the signal ended it. */
  crash(gw: Gateway): Promise<void>;
  /** Stops every gateway still running (SIGKILL after 5 s) and removes every directory, read-only ones included. */
  cleanup(): Promise<void>;
}

/**
 * A sandbox whose directories are named `<tmpdir>/<prefix>XXXXXX` and whose gateways start with `defaults`
 * (e.g. `{ jsonLog: true }` for a file that reads the log back).
 */
export function persistenceSandbox(prefix: string, defaults: PersistentGatewayOptions = {}): PersistenceSandbox {
  const dirs: string[] = [];
  const running = new Set<Gateway>();

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  }

  async function track(started: Promise<Gateway>): Promise<Gateway> {
    const gw = await started;
    running.add(gw);
    return gw;
  }

  return {
    tempDir,
    tempFile: () => join(tempDir(), "pg.data"),
    start: (file, extraArgs = [], options = {}) => track(startPersistentGateway(file, extraArgs, { ...defaults, ...options })),
    startGo: (file, extraArgs = []) => track(startGoOn(file, extraArgs)),
    async stop(gw) {
      const code = await gw.kill("SIGTERM");
      running.delete(gw);
      return code;
    },
    async crash(gw) {
      expect(await gw.kill("SIGKILL")).toBeNull();
      running.delete(gw);
    },
    async cleanup() {
      await Promise.all([...running].map((gw) => gw.stop()));
      running.clear();
      for (const dir of dirs.splice(0)) {
        if (!existsSync(dir)) continue;
        makeWritable(dir);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Gives `dir` and every directory below it mode 0755: a test that failed halfway may have left one read-only,
 * which root's rm does not care about but other users' does.
 */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) makeWritable(join(dir, entry.name));
  }
}
