// Starts a server the tests talk to (a gateway, Prometheus) as a child tied to the test process, waits until it is ready, and stops it.
import { freePort } from "./ports.ts";

/** A running server started by `startServer`: the process and the base URL it listens on. */
export interface ServerProcess {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly pid: number;
  /** Everything the process wrote to stderr so far (its log), for failure messages. */
  log(): string;
  /** Sends SIGTERM to this PID only (SIGKILL after 5 s) and resolves once the process has exited. */
  stop(): Promise<void>;
  /**
   * Sends `signal` to this PID only and resolves with the exit code once the process has exited (null when
   * the signal ended it, e.g. SIGKILL); does not escalate, so a process that ignores `signal` keeps the
   * promise pending. At once with the earlier exit code if the process had already exited.
   */
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code (null when a signal ended it) once the process has exited on its own or been stopped. */
  exited(): Promise<number | null>;
}

/** What `startServer` starts and how long it waits for it. */
export interface ServerOptions {
  /** Names the server in error messages, e.g. `go gateway`. */
  name: string;
  /** The command line for a free port; the server must listen on `127.0.0.1:<port>` and serve `readyPath`. */
  argv: (port: number) => string[];
  /** Working directory of the process; the test process's own by default. */
  cwd?: string;
  /** Where readiness is asked: `/-/ready` by default; a gateway with a route prefix serves it under the prefix. */
  readyPath?: string;
  /** How long the server may take to answer 200 on `readyPath` before the start counts as failed (15 s). */
  readyTimeoutMs?: number;
  /** `https` for a server with TLS (the base URL uses it too); `http` by default. */
  scheme?: "http" | "https";
  /** Fetch options of the readiness probe: the CA that signed the server's certificate, credentials. */
  probe?: BunFetchRequestInit;
}

/**
 * Runs the server under `setpriv --pdeathsig KILL` (util-linux), which sets PR_SET_PDEATHSIG and then execs
 * it (same PID, own signals): the kernel kills the server when the test process ends, however it ends.
 * Stopping in `afterAll` is the rule; this is the net for what it cannot reach: a start still pending when
 * its hook timed out, a run stopped with Ctrl-C or killed by CI. A JavaScript `process.on("exit")` net
 * cannot do this: `bun test` (1.4.5) fires neither `exit` nor `beforeExit`, and a killed process runs no
 * JavaScript at all. The death signal follows the thread that spawned the child; Bun spawns from its main
 * thread (vfork, seen with strace), which lives as long as the process. server-process.test.ts checks it.
 */
const KILLED_WITH_TEST_PROCESS = ["/usr/bin/setpriv", "--pdeathsig", "KILL"];

/** Default for `readyTimeoutMs`. */
const READY_TIMEOUT_MS = 15_000;
/** How often a start is retried when the free port was taken by someone else in the meantime. */
const BIND_ATTEMPTS = 3;
/** stderr kept per server; older output is dropped so a chatty process cannot grow the test's memory. */
const LOG_LIMIT = 256 * 1024;

/**
 * Starts `options.argv(port)` on a fresh loopback port and resolves once `GET /-/ready` answers 200.
 *
 * Throws, with the process's stderr in the message, when the process exits or does not get ready in
 * time; the process is killed first, so a failed start leaves nothing running. A start that failed
 * because the port was already in use is retried on another port. The caller stops the server (in
 * `afterAll`, or in `finally` for a server of one test).
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    try {
      return await startOnce(options, freePort());
    } catch (error) {
      lastError = error as Error;
      if (!/address already in use|EADDRINUSE/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError;
}

async function startOnce(options: ServerOptions, port: number): Promise<ServerProcess> {
  const cmd = options.argv(port);
  const url = `${options.scheme ?? "http"}://127.0.0.1:${port}`;
  const proc = Bun.spawn([...KILLED_WITH_TEST_PROCESS, ...cmd], {
    cwd: options.cwd,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });

  // Drain stderr continuously: a pipe nobody reads fills up and blocks the server's logger.
  let log = "";
  const decoder = new TextDecoder();
  const drained = (async () => {
    for await (const chunk of proc.stderr) {
      log += decoder.decode(chunk, { stream: true });
      if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
    }
  })();

  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });

  const server: ServerProcess = {
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
    async kill(signal) {
      if (!exited) proc.kill(signal);
      return server.exited();
    },
    async exited() {
      await proc.exited;
      await drained;
      return proc.exitCode;
    },
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      await drained;
      throw new Error(`${options.name} exited with ${proc.exitCode} before it was ready: ${cmd.join(" ")}\n${log}`);
    }
    try {
      const response = await fetch(`${url}${options.readyPath ?? "/-/ready"}`, { ...options.probe, signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(20);
  }
  await server.stop();
  throw new Error(`${options.name} not ready after ${readyTimeoutMs} ms: ${cmd.join(" ")}\n${log}`);
}
