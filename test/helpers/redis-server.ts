// A redis-server of the test's own on a free loopback port (no disk, no system service), stopped by its PID.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { freePort } from "./ports.ts";

/** A running redis-server started by `startRedis`. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/0` (`rediss://` with TLS), as --storage.redis.url takes it. */
  readonly url: string;
  readonly pid: number;
  /** A fresh client for the test's own commands (the caller disconnects it). */
  client(): Redis;
  /** Sends `signal` to this PID only (SIGSTOP stalls it, SIGCONT resumes it). */
  signal(signal: NodeJS.Signals): void;
  /** Kills this PID and resolves once it has exited; the port is free again. */
  stop(): Promise<void>;
}

/** What `startRedis` starts. */
export interface RedisOptions {
  /** A free one by default; a restart passes the old one. */
  readonly port?: number;
  /** Serve TLS only (`rediss://`), with this certificate and key, signed by `ca`; clients need no certificate. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
  /**
   * Keep an append-only file in this directory, fsynced before each write is answered (`appendfsync
   * always`), so a restart on the same directory has every write Redis acknowledged. The caller owns the
   * directory; without it Redis keeps nothing and works in a temporary directory of its own.
   */
  readonly aofDir?: string;
}

/** How long redis-server may take to answer PING after it was started. */
const READY_TIMEOUT_MS = 5000;

/**
 * Starts `/usr/bin/redis-server` on `options.port` on 127.0.0.1 only (TLS only with `options.tls`), without
 * RDB snapshots, with an append-only file only in `options.aofDir`, tied to the test process (setpriv, as
 * server-process.ts), and resolves once it answers PING. Without `aofDir` its directory is a temporary one of
 * its own (a Redis replica writes the primary's data there when it syncs), removed on stop.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const port = options.port ?? freePort();
  const tls = options.tls;
  const dir = options.aofDir ?? mkdtempSync(join(tmpdir(), "redis-"));
  const persistence = options.aofDir === undefined ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "always"];
  const listen = tls === undefined
    ? ["--port", String(port)]
    : ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.cert, "--tls-key-file", tls.key, "--tls-ca-cert-file", tls.ca, "--tls-auth-clients", "no"];
  const proc = Bun.spawn(
    ["/usr/bin/setpriv", "--pdeathsig", "KILL", "/usr/bin/redis-server", ...listen, "--bind", "127.0.0.1", "--save", "", ...persistence, "--dir", dir],
    { stdin: "ignore", stdout: "ignore", stderr: "inherit" },
  );
  const url = `${tls === undefined ? "redis" : "rediss"}://127.0.0.1:${port}/0`;
  const clientTls = tls === undefined ? undefined : { ca: readFileSync(tls.ca) };
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, tls: clientTls });
  probe.on("error", () => {});
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        break;
      } catch (error) {
        probe.disconnect();
        if (proc.exitCode !== null || Date.now() > deadline) {
          proc.kill("SIGKILL");
          if (options.aofDir === undefined) rmSync(dir, { recursive: true, force: true });
          throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}`);
        }
        await Bun.sleep(20);
      }
    }
  } finally {
    probe.disconnect();
  }
  return {
    port,
    url,
    pid: proc.pid,
    client: () => new Redis(url, { tls: clientTls }),
    signal: (signal) => proc.kill(signal),
    async stop() {
      proc.kill("SIGKILL");
      await proc.exited;
      if (options.aofDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
