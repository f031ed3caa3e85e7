// Starts a gateway process on a free loopback port for a test, waits until it is ready, and stops it again.
import type { Subprocess } from "bun";
import { freePort } from "./ports.ts";

/** A running gateway under test: the process the tests started and the base URL it listens on. */
export interface Gateway {
  /** `"go"` for the reference binary, `"ours"` for `bun src/main.ts`. */
  readonly kind: "go" | "ours";
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number;
  /** Everything the process wrote to stderr so far (its log), for failure messages. */
  log(): string;
  /** Sends SIGTERM to this PID only (SIGKILL after 5 s) and resolves once the process has exited. */
  stop(): Promise<void>;
}

/** Processes started here and not yet exited; killed by PID if the test process exits first. */
const running = new Set<Subprocess>();
process.on("exit", () => {
  for (const proc of running) proc.kill("SIGKILL");
});

/** How long a gateway may take to answer 200 on `/-/ready` before the start counts as failed. */
const READY_TIMEOUT_MS = 15_000;
/** How often a start is retried when the free port was taken by someone else in the meantime. */
const BIND_ATTEMPTS = 3;
/** stderr kept per gateway; older output is dropped so a chatty process cannot grow the test's memory. */
const LOG_LIMIT = 256 * 1024;

/**
 * Starts `argv(port)` on a fresh loopback port and resolves once `GET /-/ready` answers 200.
 *
 * Throws, with the process's stderr in the message, when the process exits or does not get ready in
 * time; the process is killed first, so a failed start leaves nothing running. A start that failed
 * because the port was already in use is retried on another port.
 */
export async function startGateway(kind: Gateway["kind"], argv: (port: number) => string[]): Promise<Gateway> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    try {
      return await startOnce(kind, argv(freePort()));
    } catch (error) {
      lastError = error as Error;
      if (!/address already in use|EADDRINUSE/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError;
}

async function startOnce(kind: Gateway["kind"], cmd: string[]): Promise<Gateway> {
  const listen = cmd.find((arg) => arg.startsWith("--web.listen-address="));
  const url = `http://${listen?.slice("--web.listen-address=".length)}`;
  const proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });

  // Drain stderr continuously: a pipe nobody reads fills up and blocks the gateway's logger.
  let log = "";
  const decoder = new TextDecoder();
  const drained = (async () => {
    for await (const chunk of proc.stderr) {
      log += decoder.decode(chunk, { stream: true });
      if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
    }
  })();

  running.add(proc);
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
    running.delete(proc);
  });

  const gateway: Gateway = {
    kind,
    url,
    pid: proc.pid,
    log: () => log,
    async stop() {
      if (!exited) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
        await proc.exited;
        clearTimeout(timer);
      }
      await drained;
    },
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) {
      await drained;
      throw new Error(`${kind} gateway exited with ${proc.exitCode} before it was ready: ${cmd.join(" ")}\n${log}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return gateway;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(20);
  }
  await gateway.stop();
  throw new Error(`${kind} gateway not ready after ${READY_TIMEOUT_MS} ms: ${cmd.join(" ")}\n${log}`);
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
  const main = new URL("../../src/main.ts", import.meta.url).pathname;
  return startGateway("ours", (port) => [
    process.execPath,
    main,
    `--web.listen-address=127.0.0.1:${port}`,
    "--persistence.file=",
    ...extraArgs,
  ]);
}

/** True when `PG_OURS=go` asks for the Go binary in place of our server (harness validation run). */
export function oursIsGo(): boolean {
  return process.env.PG_OURS === "go";
}
