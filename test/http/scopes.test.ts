// --web.scopes-file end to end: each basic-auth user may do only what their scope allows; 403 names the scope and is counted.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { basicAuth, refusedStart, startSecuredGateway } from "../helpers/secured-gateway.ts";
import type { Gateway } from "../helpers/start-server.ts";

/** Installed by Debian's `apache2-utils` (test/peers.sh checks it). */
const HTPASSWD = "/usr/bin/htpasswd";
const USERS = ["ci", "prometheus", "admin"];
const SCOPES = `users:
  ci:
    allow: [push, delete]
    groups: '{job=~"ci-.*"}'
  prometheus:
    allow: [read]
  admin:
    allow: [push, delete, read, admin]
`;

const dir = mkdtempSync(join(tmpdir(), "pg-scopes-"));
let gw: Gateway;

beforeAll(async () => {
  // Each user's password is their name, hashed as htpasswd does.
  const hashes = USERS.map((user) => `  ${user}: ${Bun.spawnSync([HTPASSWD, "-nbB", "-C", "4", user, user]).stdout.toString().trim().split(":")[1]}\n`);
  writeFileSync(join(dir, "scopes.yml"), SCOPES);
  gw = await startSecuredGateway(dir, `basic_auth_users:\n${hashes.join("")}`, { scheme: "http", init: { headers: { Authorization: basicAuth("ci", "ci") } } }, [
    `--web.scopes-file=${join(dir, "scopes.yml")}`,
    "--web.enable-admin-api",
  ]);
});

afterAll(async () => {
  await gw?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function as(user: string, method: string, path: string, body?: string) {
  const response = await fetch(gw.url + path, { method, body, headers: { Authorization: basicAuth(user, user) }, signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.text() };
}

const CI_SCOPE = 'its scope is push, delete on groups {job=~"ci-.*"}';

test("each user does what their scope allows, and gets 403 naming the scope for the rest", async () => {
  // [user, method, path, status, body when refused]
  const cases: [string, string, string, number, string?][] = [
    ["ci", "PUT", "/metrics/job/ci-build", 200],
    ["ci", "POST", "/metrics/job/ci-build/instance/runner-1", 200],
    ["ci", "PUT", "/metrics/job/nightly", 403, `user "ci" may not push this group: ${CI_SCOPE}\n`],
    ["ci", "DELETE", "/metrics/job/nightly", 403, `user "ci" may not delete this group: ${CI_SCOPE}\n`],
    ["ci", "GET", "/metrics", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["ci", "PUT", "/-/quit", 403, `user "ci" may not admin: ${CI_SCOPE}\n`],
    // The wipe deletes every group: an admin action. The JSON API shows what the scrape shows: read.
    ["ci", "PUT", "/api/v1/admin/wipe", 403, `user "ci" may not admin: ${CI_SCOPE}\n`],
    ["prometheus", "PUT", "/api/v1/admin/wipe", 403, 'user "prometheus" may not admin: its scope is read\n'],
    // So is the bulk delete, even of groups the user may delete one by one.
    ["ci", "DELETE", `/api/v1/admin/groups?match[]=${encodeURIComponent('{job="ci-build"}')}`, 403, `user "ci" may not admin: ${CI_SCOPE}\n`],
    ["ci", "GET", "/api/v1/metrics", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["ci", "GET", "/api/v1/status", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["prometheus", "GET", "/api/v1/status", 200],
    // The web UI shows the groups too: its page, a group's body and the filter's matches are read; its files are not.
    ["ci", "GET", "/", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["ci", "GET", "/ui/group?g=job@base64/Y2ktYnVpbGQ", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["ci", "GET", "/ui/match?q=ci", 403, `user "ci" may not read: ${CI_SCOPE}\n`],
    ["ci", "GET", "/static/pushgateway.js", 200],
    ["prometheus", "GET", "/status", 200],
    // Health needs no scope.
    ["ci", "GET", "/-/healthy", 200],
    ["prometheus", "PUT", "/metrics/job/ci-build", 403, 'user "prometheus" may not push: its scope is read\n'],
    ["prometheus", "GET", "/metrics", 200],
    ["admin", "PUT", "/metrics/job/nightly", 200],
    ["ci", "DELETE", "/metrics/job/ci-build", 202],
  ];
  for (const [user, method, path, status, body] of cases) {
    const reply = await as(user, method, path, method === "PUT" || method === "POST" ? "scoped_total 1\n" : undefined);
    expect({ user, method, path, ...reply }).toEqual({ user, method, path, status, body: body ?? expect.any(String) });
  }
  const scrape = (await as("prometheus", "GET", "/metrics")).body;
  expect(scrape).toContain('scoped_total{instance="",job="nightly"} 1');
  expect(scrape).toContain('scoped_total{instance="runner-1",job="ci-build"} 1');
  // The refusals are counted by code, as the handler they stand for would have been.
  expect(scrape).toContain('pushgateway_http_requests_total{code="403",handler="push",method="put"} 2');
  expect(scrape).toContain('pushgateway_http_requests_total{code="403",handler="delete",method="delete"} 1');
  // An admin bulk-deletes by selector, and the log names who did.
  const bulk = await as("admin", "DELETE", `/api/v1/admin/groups?match[]=${encodeURIComponent('{job="nightly"}')}`);
  expect(bulk).toEqual({ status: 200, body: '{"status":"success","data":{"deleted":1}}' });
  expect(gw.log()).toMatch(/level=info msg="deleted groups by selector" deleted=1 match=.*job.*nightly.* user=admin/);
  // Only an admin wipes, and then nothing is left.
  expect(await as("admin", "PUT", "/api/v1/admin/wipe")).toEqual({ status: 202, body: "" });
  expect((await as("prometheus", "GET", "/api/v1/metrics")).body).toBe('{"status":"success","data":[]}');
});

// [why, the web config, the scopes file, what the log line says]
test.each<[string, string, string, string]>([
  ["scopes without users to limit", "", "users: {}\n", "--web.scopes-file needs basic_auth_users in --web.config.file"],
  ["a scope for a user the web config lacks", "basic_auth_users:\n  ci: $2y$04$khKhr3d9DbtN9rJmfNGUcOztutcvI4dE2RznuWA6BFhCTxr/ZHqNK\n", "users:\n  ci: {allow: [read]}\n  cj: {allow: [read]}\n", "users.cj: no such user"],
])("a start with %s is refused, exit 1", async (_why, web, scopes, problem) => {
  writeFileSync(join(dir, "refused-web.yml"), web);
  writeFileSync(join(dir, "refused-scopes.yml"), scopes);
  const { exitCode, stderr } = await refusedStart([`--web.config.file=${join(dir, "refused-web.yml")}`, `--web.scopes-file=${join(dir, "refused-scopes.yml")}`]);
  expect(exitCode).toBe(1);
  expect(stderr).toContain(problem);
});
