// The real pushers of the interop suite: the official Go client, Python's prometheus_client and prom-client under Node.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Gateway, startOurs } from "../helpers/start-server.ts";

/** Installed by Debian's `golang-go`; builds go-client/ against `golang-github-prometheus-client-golang-dev`. */
export const GO = "/usr/bin/go";
/** Debian's Python, which sees `python3-prometheus-client` (a pyenv `python3` on PATH would not). */
export const PYTHON = "/usr/bin/python3";
/** Debian's Node.js, the runtime prom-client is written for. */
export const NODE = "/usr/bin/node";
/** Installed by Debian's `prometheus`. */
export const PROMTOOL = "/usr/bin/promtool";
/** Where Debian's Go packages live (GOPATH mode: the machine has no module proxy). */
const GOPATH = "/usr/share/gocode";

const REPO = new URL("../../", import.meta.url).pathname;
/** The Python pushers' folder. */
export const PYTHON_DIR = new URL("./python/", import.meta.url).pathname;

/** The delimited-protobuf Accept header a protobuf scraper sends (SPEC §6.3). */
export const PROTOBUF_ACCEPT = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/** A finished child process. */
export interface Finished {
  exitCode: number;
  stdout: Uint8Array;
  stderr: string;
}

/** Options of `run`: environment additions, working directory, stdin bytes and a time limit. */
export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  stdin?: Uint8Array;
  timeoutMs?: number;
}

/**
 * Runs `argv` to completion and returns its exit code and output. A process still running after
 * `timeoutMs` (default 20 s) is killed by its PID and the call throws, so no test waits unbounded.
 */
export async function run(argv: string[], options: RunOptions = {}): Promise<Finished> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const proc = Bun.spawn(argv, {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env },
    stdin: options.stdin ?? "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(proc.stdout).bytes(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (timedOut) throw new Error(`${argv.join(" ")} killed after ${timeoutMs} ms\n${stderr}`);
    return { exitCode, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

/** `run`, throwing with the command's stderr unless it exits 0; resolves with its stdout. */
export async function runOk(argv: string[], options: RunOptions = {}): Promise<Uint8Array> {
  const finished = await run(argv, options);
  if (finished.exitCode !== 0) {
    throw new Error(`${argv.join(" ")} exited ${finished.exitCode}\n${finished.stderr}${new TextDecoder().decode(finished.stdout)}`);
  }
  return finished.stdout;
}

/** Generous: a cold Go build cache compiles client_golang and its dependencies first (~15 s here). */
export const GO_BUILD_TIMEOUT_MS = 180_000;

// The current build of go-client, shared by the test files that push with Go (bun runs them one after the
// other in one process). Removed when the last user releases it: bun test fires no `exit` event, so a temp
// dir left for "later" would stay forever. A later file builds again, from Go's warm build cache (~2 s).
let goBuild: { dir: string; binary: Promise<string> } | undefined;
let goUsers = 0;

/**
 * Builds test/interop/go-client into a fresh temp dir, or reuses the build another file holds, and
 * resolves with the binary's path. Each call must be paired with `releaseGoClient()` (in `afterAll`);
 * test files use the pair `startOursWithGoClient` / `stopOursAndGoClient`, which does both.
 */
export function acquireGoClient(): Promise<string> {
  goUsers++;
  if (!goBuild) {
    const dir = mkdtempSync(join(tmpdir(), "pg-interop-go-"));
    const env: Record<string, string> = { GOPATH, GO111MODULE: "off", GOFLAGS: "" };
    // Go refuses to build without a cache directory; CI may run without HOME.
    if (!process.env.GOCACHE && !process.env.HOME && !process.env.XDG_CACHE_HOME) env.GOCACHE = join(dir, "cache");
    const binary = join(dir, "go-client");
    goBuild = {
      dir,
      binary: runOk([GO, "build", "-o", binary, "./test/interop/go-client"], { env, timeoutMs: GO_BUILD_TIMEOUT_MS }).then(() => binary),
    };
  }
  return goBuild.binary;
}

/** Ends one `acquireGoClient()`; the last release waits for the build to settle and removes its temp dir. */
export async function releaseGoClient(): Promise<void> {
  if (goUsers === 0 || --goUsers > 0 || !goBuild) return;
  const { dir, binary } = goBuild;
  goBuild = undefined;
  await binary.catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts our gateway (with `extraArgs`) while go-client builds (`acquireGoClient`) and resolves with the gateway once both
 * are done. When either fails, a gateway that did start is stopped before the error is rethrown, so a
 * failed `beforeAll` leaves nothing running; `stopOursAndGoClient` in `afterAll` releases the build as usual.
 */
export async function startOursWithGoClient(extraArgs: string[] = []): Promise<Gateway> {
  const [started, built] = await Promise.allSettled([startOurs(extraArgs), acquireGoClient()]);
  if (built.status === "rejected") {
    if (started.status === "fulfilled") await started.value.stop();
    throw built.reason;
  }
  if (started.status === "rejected") throw started.reason;
  return started.value;
}

/**
 * Undoes `startOursWithGoClient` (in `afterAll`): stops `gw` if it started, then releases the go-client
 * build, also when stopping failed.
 */
export async function stopOursAndGoClient(gw: Gateway | undefined): Promise<void> {
  try {
    await gw?.stop();
  } finally {
    await releaseGoClient();
  }
}

/**
 * The native-only histogram go-client/main.go pushes as `etl_request_latency_seconds`, as protobufjs's
 * Histogram object (what `decodeDelimited` gives): what client_golang makes of the observations -3, 0,
 * 0.001, 0.5, 1, 1, 2, 300 with bucket factor 1.1. Spelled out, so that a client that changed its encoding
 * cannot make both sides of a comparison agree on nonsense: factor 1.1 → schema 3 (bucket i ends at
 * 2^(i/8)); 0 in the zero bucket; -3 in negative bucket 13; positive buckets -79 (0.001), -8 (0.5), 0 (1,
 * twice), 8 (2) and 66 (300), counts as deltas.
 */
export const NATIVE_LATENCY_HISTOGRAM = {
  sampleCount: 8,
  sampleSum: 301.501,
  schema: 3,
  zeroThreshold: 2.938735877055719e-39,
  zeroCount: 1,
  negativeSpan: [{ offset: 13, length: 1 }],
  negativeDelta: [1],
  positiveSpan: [
    { offset: -79, length: 1 },
    { offset: 70, length: 1 },
    { offset: 7, length: 1 },
    { offset: 7, length: 1 },
    { offset: 57, length: 1 },
  ],
  positiveDelta: [1, 0, 1, -1, 0],
};

/** What go-client/main.go can do to its group (see that file). */
export type GoAction = "push" | "add" | "replace" | "delete";

/**
 * Runs the Go client's `action` against `gw` and resolves with its stdout (for `push`: the native
 * histograms it pushed, as delimited protobuf). Throws when the client reports an error, i.e. when
 * the gateway did not answer 200/202 (push) or 202 (delete).
 */
export async function goPush(gw: Gateway, action: GoAction): Promise<Uint8Array> {
  if (!goBuild) throw new Error("goPush outside acquireGoClient()/releaseGoClient()");
  return runOk([await goBuild.binary, gw.url, action]);
}

/** The nightly backup job's actions (python/nightly_backup.py): push, pushadd, delete. */
export type BackupAction = "backup" | "verify" | "retire";

/**
 * Runs the nightly database backup script with `gw`'s `host:port` (no scheme, as in the client's docs)
 * and resolves with the JSON summary it prints.
 */
export async function nightlyBackup(gw: Gateway, action: BackupAction): Promise<Record<string, number>> {
  const stdout = await runOk([PYTHON, join(PYTHON_DIR, "nightly_backup.py"), new URL(gw.url).host, action]);
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** Runs inline Python `code` with `PUSHGATEWAY` set to `gw`'s `host:port`; resolves with stdout as text. */
export async function python(gw: Gateway, code: string): Promise<string> {
  return new TextDecoder().decode(await runOk([PYTHON, "-c", code], { env: { PUSHGATEWAY: new URL(gw.url).host } }));
}

/** A prom-client call: which method, which grouping and whether the body is gzipped. */
export interface PromClientCall {
  method: "push" | "pushAdd" | "delete";
  jobName: string;
  groupings: Record<string, string>;
  gzip?: boolean;
}

/** What the Node script reports: the gateway's status and body, and the exposition it pushed. */
export interface PromClientResult {
  status: number;
  body: string;
  /** The exposition the client sent (before any gzip; for `delete`: empty). */
  pushed: string;
}

// A Node service's metrics: prom-client's default metrics plus two of its own, pushed with prom-client's
// Pushgateway. Reads the call from the environment; prints one JSON line.
const PROM_CLIENT_SCRIPT = `
const client = require("prom-client");
const call = JSON.parse(process.env.CALL);
const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
new client.Counter({ name: "report_emails_sent_total", help: "Report e-mails sent.", registers: [registry] }).inc(42);
const render = new client.Histogram({
  name: "report_render_seconds", help: "Time to render one report.", labelNames: ["format"],
  buckets: [0.1, 1, 10], registers: [registry],
});
for (const v of [0.05, 0.5, 0.5, 7]) render.observe({ format: "pdf" }, v);
// Keep the exposition the client sends: default metrics change from one collection to the next.
const collect = registry.metrics.bind(registry);
let sent = "";
registry.metrics = async () => (sent = await collect());
const options = { timeout: 5000, ...(call.gzip ? { headers: { "Content-Encoding": "gzip" } } : {}) };
const gateway = new client.Pushgateway(process.env.PUSHGATEWAY_URL, options, registry);
gateway[call.method]({ jobName: call.jobName, groupings: call.groupings }).then(
  ({ resp, body }) => console.log(JSON.stringify({ status: resp.statusCode, body, pushed: sent })),
  (error) => { console.error(String(error)); process.exit(1); },
);
`;

/** Runs prom-client's Pushgateway `call` against `gw` under Node (module resolution from the repo root). */
export async function promClient(gw: Gateway, call: PromClientCall): Promise<PromClientResult> {
  const stdout = await runOk([NODE, "-e", PROM_CLIENT_SCRIPT], {
    env: { PUSHGATEWAY_URL: gw.url, CALL: JSON.stringify(call) },
  });
  return JSON.parse(new TextDecoder().decode(stdout));
}

/** One sample line of a text exposition, split: `series` is everything before the value. */
export interface Sample {
  series: string;
  value: number;
}

/** The sample lines of a text exposition (comments and blank lines skipped), split into series and value. */
export function samplesOf(exposition: string): Sample[] {
  return exposition
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const cut = line.lastIndexOf(" ");
      return { series: line.slice(0, cut), value: Number(line.slice(cut + 1)) };
    });
}

/** `# TYPE` lines of a text exposition as a map name → type. */
export function typesOf(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/**
 * Polls `read` until `done` holds or `timeoutMs` passes, and returns the last value read. For the Go
 * reference (`PG_OURS=go`), whose DELETE is applied after its 202; ours answers after applying.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await Bun.sleep(20);
  }
}
