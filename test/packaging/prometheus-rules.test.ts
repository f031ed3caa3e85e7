// packaging/prometheus/: promtool accepts scrape.yml and rules.yml, the unit tests in rules.test.yml pass (and
// catch a broken rule), and a real Prometheus with the shipped rules and scrape job fires PushgatewayPushFailed
// once our gateway refuses a push.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROMETHEUS, queryWhenPresent, WAIT_MS } from "../helpers/prometheus.ts";
import { startServer } from "../helpers/server-process.ts";
import { startOurGateway } from "../helpers/start-server.ts";

const PROMTOOL = "/usr/bin/promtool";
const DIR = new URL("../../packaging/prometheus/", import.meta.url).pathname;
const RULES = join(DIR, "rules.yml");
const SCRAPE = join(DIR, "scrape.yml");

interface ScrapeConfig {
  job_name: string;
  honor_labels?: boolean;
  static_configs: { targets: string[] }[];
}
const SCRAPE_CONFIGS = (Bun.YAML.parse(readFileSync(SCRAPE, "utf8")) as { scrape_configs: ScrapeConfig[] }).scrape_configs;

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "pg-prometheus-rules-"));
  temporary.push(dir);
  return dir;
}

/** Runs promtool; its exit code and everything it printed. */
function promtool(...args: string[]): { exitCode: number; output: string } {
  const result = Bun.spawnSync([PROMTOOL, ...args], { stdout: "pipe", stderr: "pipe" });
  return { exitCode: result.exitCode, output: result.stdout.toString() + result.stderr.toString() };
}

/**
 * A Prometheus configuration (JSON, which is YAML) with the shipped rules and scrape job, its targets set to
 * `target`; `global` holds the intervals.
 */
function configWith(target: string, global: Record<string, string> = {}): string {
  const scrapeConfigs = SCRAPE_CONFIGS.map((job) => ({ ...job, static_configs: [{ targets: [target] }] }));
  return JSON.stringify({ global, rule_files: [RULES], scrape_configs: scrapeConfigs }, null, 2);
}

describe("promtool", () => {
  test("check rules accepts rules.yml", () => {
    const result = promtool("check", "rules", RULES);
    expect(result.output).toContain("SUCCESS: 7 rules found");
    expect(result.exitCode).toBe(0);
  });

  test("check config accepts scrape.yml alone and with rules.yml loaded beside it", () => {
    expect(promtool("check", "config", SCRAPE).exitCode).toBe(0);
    const config = join(tempDir(), "prometheus.yml");
    writeFileSync(config, configWith("localhost:9091"));
    const result = promtool("check", "config", config);
    expect(result.output).toContain(`Checking ${RULES}\n  SUCCESS: 7 rules found`);
    expect(result.exitCode).toBe(0);
  });

  test("scrape.yml keeps the pushed labels, under the job name PushgatewayDown watches", () => {
    expect(SCRAPE_CONFIGS).toHaveLength(1);
    const [job] = SCRAPE_CONFIGS as [ScrapeConfig];
    expect(job.honor_labels).toBe(true);
    expect(readFileSync(RULES, "utf8")).toContain(`expr: up{job="${job.job_name}"} == 0`);
  });

  test("test rules passes the unit tests in rules.test.yml", () => {
    const result = promtool("test", "rules", join(DIR, "rules.test.yml"));
    expect(result.output).toContain("SUCCESS");
    expect(result.exitCode).toBe(0);
  });

  /** The rule files of `DIR` copied into a fresh directory with `from` replaced by `to` in rules.yml. */
  function brokenCopy(from: string, to: string): string {
    const dir = tempDir();
    const rules = readFileSync(RULES, "utf8");
    expect(rules).toContain(from);
    writeFileSync(join(dir, "rules.yml"), rules.replace(from, to));
    copyFileSync(join(DIR, "rules.test.yml"), join(dir, "rules.test.yml"));
    return dir;
  }

  test("check rules rejects a copy with a broken expression", () => {
    const dir = brokenCopy("on (job) group_left ()", "on (job group_left ()");
    expect(promtool("check", "rules", join(dir, "rules.yml")).exitCode).not.toBe(0);
  });

  test.each([
    ["PushgatewayJobOverdue's limit", "26 * 3600\n", "27 * 3600\n"],
    ["PushgatewayPushFailed's comparison", "push_failure_time_seconds > push_time_seconds", "push_failure_time_seconds > 0"],
    ["PushgatewayDown's for:", "for: 5m", "for: 4m"],
    ["BackupFailed's fallback for a backup that never succeeded", "* 0\n          )\n        labels", "* 2\n          )\n        labels"],
  ])("the unit tests catch a change of %s", (_, from, to) => {
    const result = promtool("test", "rules", join(brokenCopy(from, to), "rules.test.yml"));
    expect(result.output).toContain("FAILED");
    expect(result.exitCode).not.toBe(0);
  });
});

/** One alert as Prometheus's /api/v1/alerts lists it. */
interface Alert {
  labels: Record<string, string>;
  state: "pending" | "firing";
}

test("a real Prometheus with the shipped rules fires PushgatewayPushFailed after our gateway refuses a push", async () => {
  const gateway = await startOurGateway();
  const dir = tempDir();
  // The shipped scrape job and rules; only the target and the intervals are the test's.
  writeFileSync(join(dir, "prometheus.yml"), configWith(new URL(gateway.url).host, { scrape_interval: "1s", evaluation_interval: "1s" }));
  const prometheus = await startServer({
    name: "prometheus",
    argv: (port) => [
      PROMETHEUS,
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    cwd: dir,
    readyTimeoutMs: WAIT_MS,
  });
  const alerts = async (): Promise<Alert[]> => {
    const answer = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
    return answer.data.alerts.filter((alert) => alert.labels.alertname === "PushgatewayPushFailed");
  };
  try {
    const push = (body: string) => fetch(`${gateway.url}/metrics/job/nightly_export/instance/db1`, { method: "PUT", body });
    expect((await push("exported_rows 1200\n")).status).toBe(200);
    // The recording rule for the job exists once its push was scraped and the group was evaluated on it.
    expect(await queryWhenPresent(prometheus, 'job:push_max_age_seconds{job="nightly_export"}')).toHaveLength(1);
    expect(await alerts()).toEqual([]);

    // The same series twice: inconsistent, refused with 400, push_failure_time_seconds set.
    expect((await push("exported_rows 1\nexported_rows 2\n")).status).toBe(400);
    const deadline = Date.now() + WAIT_MS;
    let firing: Alert[] = [];
    while ((firing = (await alerts()).filter((alert) => alert.state === "firing")).length === 0 && Date.now() < deadline) await Bun.sleep(200);
    expect(firing.map((alert) => alert.labels)).toEqual([
      { alertname: "PushgatewayPushFailed", instance: "db1", job: "nightly_export", severity: "warning" },
    ]);
  } finally {
    await prometheus.stop();
    await gateway.stop();
  }
});
