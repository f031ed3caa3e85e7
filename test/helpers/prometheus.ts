// A real Prometheus (Debian's) started for a test: one scrape job against a gateway, and instant queries.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ServerProcess, startServer } from "./server-process.ts";

/** Installed by the Debian package `prometheus` (test/peers.sh checks it). */
export const PROMETHEUS = "/usr/bin/prometheus";
/** Bounds every wait on Prometheus: start, first scrape, a series showing up. */
export const WAIT_MS = 20_000;

/** A running Prometheus started by `startPrometheus`. */
export type Prometheus = ServerProcess;

/** The one scrape job: its name, the gateway's base URL, and YAML lines added to the job (scheme, TLS, auth). */
export interface ScrapeJob {
  readonly name: string;
  readonly target: string;
  /** Lines indented by four spaces, each ending in a newline, e.g. `    scheme: https\n`. */
  readonly extra?: string;
}

/**
 * Starts Prometheus on a free loopback port with a fresh temp dir (config and TSDB), scraping `job.target`
 * every second with honor_labels, and resolves once `/-/ready` answers 200. `stop()` ends this PID only
 * (SIGKILL after 5 s) and removes the temp dir.
 */
export async function startPrometheus(job: ScrapeJob, flags: string[]): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), "pg-interop-prometheus-"));
  const config = join(dir, "prometheus.yml");
  await Bun.write(
    config,
    `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ${job.name}
    honor_labels: true
${job.extra ?? ""}    static_configs:
      - targets: ["${new URL(job.target).host}"]
`,
  );
  let server: ServerProcess;
  try {
    server = await startServer({
      name: "prometheus",
      argv: (port) => [
        PROMETHEUS,
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...flags,
      ],
      cwd: dir,
      readyTimeoutMs: WAIT_MS,
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One element of an instant query's result vector. */
export interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  histogram?: [number, { count: string; sum: string; buckets?: [number, string, string, string][] }];
}

/** Runs the instant query `expr` and returns its result vector. */
export async function query(prometheus: Prometheus, expr: string): Promise<Series[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const answer = (await response.json()) as { status: string; error?: string; data: { result: Series[] } };
  if (answer.status !== "success") throw new Error(`query ${expr}: ${answer.error}`);
  return answer.data.result;
}

/** Polls `expr` until it returns a non-empty vector, for at most WAIT_MS; then returns the last answer. */
export async function queryWhenPresent(prometheus: Prometheus, expr: string): Promise<Series[]> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const result = await query(prometheus, expr);
    if (result.length > 0 || Date.now() > deadline) return result;
    await Bun.sleep(200);
  }
}
