// Debian's Python prometheus_client (0.16) against our gateway: push_to_gateway, pushadd_to_gateway and
// delete_from_gateway with grouping keys, as a nightly database backup job uses them (SPEC §2.4, §3, §5.6).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { scrapePushed } from "../helpers/http.ts";
import { type Gateway, startOurs } from "../helpers/start-server.ts";
import { eventually, nightlyBackup, python, typesOf } from "./clients.ts";

const BACKUP = 'instance="database-01",job="nightly_database_backup"';

let gw: Gateway;

beforeAll(async () => {
  gw = await startOurs();
});

afterAll(async () => {
  await gw?.stop();
});

/** Series → value text of the pushed samples whose labels contain `labels` (push times masked as `<t>`). */
async function group(labels: string): Promise<Map<string, string>> {
  const scrape = await scrapePushed(gw);
  expect(scrape.status).toBe(200);
  const values = new Map<string, string>();
  for (const line of scrape.samples) {
    if (!line.includes(labels)) continue;
    const cut = line.lastIndexOf(" ");
    values.set(line.slice(0, cut), line.slice(cut + 1));
  }
  return values;
}

/** Unix time in seconds, as the Python client's set_to_current_time() writes it. */
const now = (): number => Date.now() / 1000;

/** The backup run's series as the gateway must show them, from the summary the script printed. */
function backupSeries(run: Record<string, number>, createdAt: string): [string, string][] {
  return [
    [`backup_duration_seconds{${BACKUP}}`, String(run.duration)],
    [`backup_last_success_timestamp_seconds{${BACKUP}}`, String(run.last_success)],
    [`backup_rows{${BACKUP},table="customers"}`, "1200"],
    [`backup_rows{${BACKUP},table="invoices"}`, "3100"],
    [`backup_rows{${BACKUP},table="orders"}`, "5400"],
    // The Python client exposes a counter as `_total` plus a `_created` gauge (its creation time).
    [`backup_written_bytes_created{${BACKUP}}`, createdAt],
    [`backup_written_bytes_total{${BACKUP}}`, String(run.bytes)],
    [`push_failure_time_seconds{${BACKUP}}`, "0"],
    [`push_time_seconds{${BACKUP}}`, "<t>"],
  ];
}

/** Values compared as numbers: the gateway prints Go's shortest form, Python's json the same digits. */
function numeric(values: Map<string, string>): [string, string | number][] {
  return [...values].map(([series, value]) => [series, value === "<t>" ? value : Number(value)] as [string, string | number]).toSorted();
}

describe("Python client (prometheus_client)", () => {
  test("the nightly backup's push_to_gateway stores its run under instance database-01", async () => {
    const before = now();
    const run = await nightlyBackup(gw, "backup");
    const after = now();
    expect(run.last_success).toBeGreaterThanOrEqual(before - 1);
    expect(run.last_success).toBeLessThanOrEqual(after + 1);
    expect(run.bytes).toBeGreaterThan(1000);

    const values = await group(BACKUP);
    const created = Number(values.get(`backup_written_bytes_created{${BACKUP}}`));
    expect(created).toBeGreaterThanOrEqual(before - 1);
    expect(created).toBeLessThanOrEqual(after + 1);
    expect(numeric(values)).toEqual(numeric(new Map(backupSeries(run, String(created)))));

    const types = typesOf((await scrapePushed(gw)).text);
    expect([...types].filter(([name]) => name.startsWith("backup_")).toSorted()).toEqual([
      ["backup_duration_seconds", "gauge"],
      ["backup_last_success_timestamp_seconds", "gauge"],
      ["backup_rows", "gauge"],
      ["backup_written_bytes_created", "gauge"],
      ["backup_written_bytes_total", "counter"],
    ]);
  });

  test("pushadd_to_gateway adds the restore test and keeps the backup's series", async () => {
    const run = await nightlyBackup(gw, "backup");
    const before = new Map([...(await group(BACKUP))].filter(([series]) => !series.startsWith("push_")));
    const verify = await nightlyBackup(gw, "verify");

    const values = await group(BACKUP);
    expect(values.get(`backup_verify_ok{${BACKUP}}`)).toBe("1");
    expect(Number(values.get(`backup_last_verified_timestamp_seconds{${BACKUP}}`))).toBe(verify.verified!);
    for (const [series, value] of before) expect(values.get(series)).toBe(value);
    expect(Number(values.get(`backup_written_bytes_total{${BACKUP}}`))).toBe(run.bytes!);
    expect(values.size).toBe(before.size + 2 + 2);
  });

  test("push_to_gateway replaces the group: the next night's backup drops the restore test", async () => {
    await nightlyBackup(gw, "backup");
    await nightlyBackup(gw, "verify");
    expect([...(await group(BACKUP)).keys()]).toContain(`backup_verify_ok{${BACKUP}}`);
    const run = await nightlyBackup(gw, "backup");

    const values = await group(BACKUP);
    const created = values.get(`backup_written_bytes_created{${BACKUP}}`)!;
    expect(numeric(values)).toEqual(numeric(new Map(backupSeries(run, created))));
  });

  test("delete_from_gateway removes the group and nothing else", async () => {
    await nightlyBackup(gw, "backup");
    await python(gw, "from prometheus_client import CollectorRegistry, Gauge, push_to_gateway\n" +
      "import os\nr = CollectorRegistry()\nGauge('other_job_up', 'Another job.', registry=r).set(1)\n" +
      "push_to_gateway(os.environ['PUSHGATEWAY'], job='other', registry=r)\n");
    await nightlyBackup(gw, "retire");

    expect((await eventually(() => group(BACKUP), (values) => values.size === 0)).size).toBe(0);
    expect((await group('job="other"')).get('other_job_up{instance="",job="other"}')).toBe("1");
  });

  // The example of the client's own README, verbatim but for the gateway's address.
  test("the README's Gauge.set_to_current_time() job is stored with the time it set", async () => {
    const before = now();
    const printed = await python(gw, `import os
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

registry = CollectorRegistry()
g = Gauge('job_last_success_unixtime', 'Last time a batch job successfully finished', registry=registry)
g.set_to_current_time()
push_to_gateway(os.environ['PUSHGATEWAY'], job='batchA', registry=registry)
print(registry.get_sample_value('job_last_success_unixtime'))
`);
    const set = Number(printed.trim());
    expect(set).toBeGreaterThanOrEqual(before - 1);
    expect(set).toBeLessThanOrEqual(now() + 1);

    const values = await group('job="batchA"');
    expect(numeric(values)).toEqual([
      ['job_last_success_unixtime{instance="",job="batchA"}', set],
      ['push_failure_time_seconds{instance="",job="batchA"}', 0],
      ['push_time_seconds{instance="",job="batchA"}', "<t>"],
    ]);
    const scrape = (await scrapePushed(gw)).text;
    expect(scrape).toContain("# HELP job_last_success_unixtime Last time a batch job successfully finished\n");
    expect(typesOf(scrape).get("job_last_success_unixtime")).toBe("gauge");
  });

  // The Python client pads its base64 (`ZHVtcC9leHBvcnQ=`, SPEC §2.4), sends `@base64/=` for an empty value
  // and quote_plus for the rest: a space arrives as `+`, which the gateway keeps literally (SPEC §2.2).
  test("grouping values with /, empty values and spaces survive push and delete", async () => {
    const key = "{'path': '/var/tmp', 'shard': '', 'run': 'nightly run'}";
    const labels = 'instance="",job="dump/export",path="/var/tmp",run="nightly+run",shard=""';
    await python(gw, `import os
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway
r = CollectorRegistry()
Gauge('export_files', 'Files exported.', registry=r).set(12)
push_to_gateway(os.environ['PUSHGATEWAY'], job='dump/export', registry=r, grouping_key=${key})
`);
    expect(numeric(await group('job="dump/export"'))).toEqual([
      [`export_files{${labels}}`, 12],
      [`push_failure_time_seconds{${labels}}`, 0],
      [`push_time_seconds{${labels}}`, "<t>"],
    ]);

    await python(gw, `import os
from prometheus_client import delete_from_gateway
delete_from_gateway(os.environ['PUSHGATEWAY'], job='dump/export', grouping_key=${key})
`);
    expect((await eventually(() => group('job="dump/export"'), (values) => values.size === 0)).size).toBe(0);
  });
});
