// readScopes and refusalOf: the scopes file (ours) read strictly against the web config's users, and what each scope allows.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readScopes, refusalOf } from "../../src/web-config/scopes.ts";

const dir = mkdtempSync(join(tmpdir(), "pg-scopes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Scopes never look at the hashes.
const USERS = new Map([["ci", "h"], ["prometheus", "h"], ["admin", "h"]]);
const GOOD = `users:
  ci:
    allow: [push, delete]
    groups: '{job=~"ci-.*", env!="prod"}'
  prometheus:
    allow: [read]
  admin:
    allow: [push, delete, read, admin]
`;

let files = 0;
function scopesFile(yaml: string): string {
  const file = join(dir, `scopes-${files++}.yml`);
  writeFileSync(file, yaml);
  return file;
}

describe("refusalOf", () => {
  const scopes = readScopes(scopesFile(GOOD), USERS);
  // [why, user, action, grouping labels, refusal or undefined]
  test.each<[string, string, "push" | "delete" | "read" | "admin", string[], string | undefined]>([
    ["ci pushes a ci group", "ci", "push", ["job", "ci-build"], undefined],
    ["ci deletes a ci group", "ci", "delete", ["instance", "x", "job", "ci-test"], undefined],
    ["ci pushes elsewhere", "ci", "push", ["job", "nightly"], 'user "ci" may not push this group: its scope is push, delete on groups {job=~"ci-.*", env!="prod"}'],
    ["the regex is anchored", "ci", "push", ["job", "xci-build"], 'user "ci" may not push this group: its scope is push, delete on groups {job=~"ci-.*", env!="prod"}'],
    ["a != matcher", "ci", "push", ["env", "prod", "job", "ci-build"], 'user "ci" may not push this group: its scope is push, delete on groups {job=~"ci-.*", env!="prod"}'],
    ["ci scrapes", "ci", "read", [], 'user "ci" may not read: its scope is push, delete on groups {job=~"ci-.*", env!="prod"}'],
    ["prometheus scrapes", "prometheus", "read", [], undefined],
    ["prometheus pushes", "prometheus", "push", ["job", "x"], 'user "prometheus" may not push: its scope is read'],
    ["admin quits", "admin", "admin", [], undefined],
    ["a user added to the web config later has no scope", "newcomer", "read", [], 'user "newcomer" has no scope'],
  ])("%s", (_why, user, action, labels, refusal) => {
    expect(refusalOf(scopes, user, action, labels)).toBe(refusal);
  });
});

describe("readScopes refuses, naming the file and the problem", () => {
  // [why, file contents, problem]
  test.each<[string, string, string]>([
    ["an unknown key", "user:\n  ci: {}\n", "field user not found in the top level; known: users"],
    ["an unknown action", "users:\n  ci:\n    allow: [write]\n", "users.ci.allow: unknown action write, want push, delete, read, admin"],
    ["a user the web config lacks (a typo would leave the real user unlimited)", GOOD + "  cj:\n    allow: [read]\n", "users.cj: no such user in basic_auth_users of the web config"],
    ["a web config user without a scope", "users:\n  ci:\n    allow: [read]\n", 'user "prometheus" of the web config has no scope'],
    ["a matcher that does not parse", "users:\n  ci:\n    groups: 'job=\"x\"'\n", 'users.ci.groups: 1:4: parse error: unexpected "=" after the selector in "job=\\"x\\"", want e.g. {job=~"ci-.*"}'],
    ["a metric name (a scope is over groups)", "users:\n  ci:\n    groups: 'up{job=\"x\"}'\n", 'users.ci.groups: grouping selectors have only label matchers, found the metric name "up"'],
    ["a bad regular expression", "users:\n  ci:\n    groups: '{job=~\"(\"}'\n", 'users.ci.groups: 1:7: parse error: invalid regular expression "(":'],
  ])("%s", (_why, yaml, problem) => {
    const file = scopesFile(yaml);
    expect(() => readScopes(file, USERS)).toThrow(`scopes file ${JSON.stringify(file)}: ${problem}`);
  });
});
