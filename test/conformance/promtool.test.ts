// Our scrape passes `promtool check metrics` (Prometheus's own parser and linter) after a push of every metric type.
import { describe, expect, test } from "bun:test";
import { send } from "../helpers/http.ts";
import { startReference } from "../helpers/reference.ts";
import { type Gateway, startOurs, withGateway } from "../helpers/start-server.ts";

/** Installed by the Debian package `prometheus` (test/peers.sh checks it). */
const PROMTOOL = "/usr/bin/promtool";

/**
 * Every metric type, each with HELP; HELP texts and label values that need escaping (`\\`, `\"`, `\n`),
 * names that satisfy promtool's lint rules (counters end in `_total`, base units).
 */
const ALL_TYPES = `# HELP jobs_processed_total Jobs processed, by "queue" \\\\ worker.\\nSecond line.
# TYPE jobs_processed_total counter
jobs_processed_total{queue="a\\"b",path="C:\\\\tmp",note="line1\\nline2"} 1027
jobs_processed_total{queue="plain",path="/",note=""} 3
# HELP queue_depth_items Items waiting.
# TYPE queue_depth_items gauge
queue_depth_items{queue="a\\"b"} -3.5
# HELP build_flag_info Untyped build flag.
# TYPE build_flag_info untyped
build_flag_info{flag="x"} 1
# HELP request_latency_seconds Request latency.
# TYPE request_latency_seconds summary
request_latency_seconds{route="/a\\\\b",quantile="0.5"} 0.25
request_latency_seconds{route="/a\\\\b",quantile="0.99"} 1.5
request_latency_seconds_sum{route="/a\\\\b"} 120.75
request_latency_seconds_count{route="/a\\\\b"} 300
# HELP response_size_bytes Response size.
# TYPE response_size_bytes histogram
response_size_bytes_bucket{route="/",le="100"} 10
response_size_bytes_bucket{route="/",le="1000"} 25
response_size_bytes_bucket{route="/",le="+Inf"} 30
response_size_bytes_sum{route="/"} 12345
response_size_bytes_count{route="/"} 30
`;

/** The families the scrape must show, so an empty or truncated scrape cannot pass the lint. */
const EXPECTED_TYPES = [
  "# TYPE build_flag_info untyped",
  "# TYPE jobs_processed_total counter",
  "# TYPE push_failure_time_seconds gauge",
  "# TYPE push_time_seconds gauge",
  "# TYPE queue_depth_items gauge",
  "# TYPE request_latency_seconds summary",
  "# TYPE response_size_bytes histogram",
];

/** Runs `promtool check metrics` with `exposition` on stdin. */
async function promtoolCheck(exposition: string): Promise<{ exitCode: number; output: string }> {
  const proc = Bun.spawn([PROMTOOL, "check", "metrics"], {
    stdin: new TextEncoder().encode(exposition),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { exitCode, output: stdout + stderr };
}

async function pushAndCheck(gw: Gateway): Promise<void> {
  // The instance value needs percent-encoding and holds a space.
  expect((await send(gw, "PUT", "/metrics/job/all/instance/i%201", ALL_TYPES)).status).toBe(200);
  const scrape = await send(gw, "GET", "/metrics");
  expect(scrape.status).toBe(200);
  const types = scrape.body.split("\n").filter((line) => line.startsWith("# TYPE "));
  for (const type of EXPECTED_TYPES) expect(types).toContain(type);
  expect(await promtoolCheck(scrape.body)).toEqual({ exitCode: 0, output: "" });
}

describe("promtool check metrics on a scrape", () => {
  // The check itself must be able to fail: a counter without _total and without HELP is a lint problem.
  test("promtool reports a lint problem with exit code 3", async () => {
    const result = await promtoolCheck("# TYPE foo counter\nfoo 1\n");
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('foo counter metrics should have "_total" suffix');
  });

  test.each<[string, () => Promise<Gateway>]>([
    // Control: the body is lint-clean as Go renders it, so a failure of ours points at our rendering.
    ["Go's", startReference],
    ["our", startOurs],
  ])("%s scrape after a push of every type passes", (_whose, start) => withGateway(start, pushAndCheck));
});
