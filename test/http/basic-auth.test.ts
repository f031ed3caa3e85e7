// BasicAuth: Go's reading of the Authorization header and bcrypt's 72-byte passwords, with hashes made by htpasswd.
import { beforeAll, expect, test } from "bun:test";
import { BasicAuth } from "../../src/http/basic-auth.ts";
import { basicAuth } from "../helpers/secured-gateway.ts";

/** Installed by Debian's `apache2-utils` (test/peers.sh checks it). */
const HTPASSWD = "/usr/bin/htpasswd";
const LONG = "correct horse battery staple ".repeat(4);

let users: ReadonlyMap<string, string>;

beforeAll(() => {
  const hash = (user: string, password: string) => {
    const result = Bun.spawnSync([HTPASSWD, "-nbB", "-C", "4", user, password]);
    if (result.exitCode !== 0) throw new Error(result.stderr.toString());
    return result.stdout.toString().trim().split(":")[1]!;
  };
  users = new Map([
    ["alice", hash("alice", "secret")],
    ["long", hash("long", LONG)],
    ["ünïcode", hash("ünïcode", "pässword")],
  ]);
});

// [why, Authorization header, allowed]
test.each<[string, string | null, boolean]>([
  ["right credentials", basicAuth("alice", "secret"), true],
  ["a password with a colon after the first is the password's", basicAuth("alice", "secret:"), false],
  ["no header", null, false],
  ["an empty password", basicAuth("alice", ""), false],
  ["UTF-8 user and password", basicAuth("ünïcode", "pässword"), true],
  // bcrypt reads 72 bytes (Go and htpasswd alike); Bun.password alone would pre-hash the whole password.
  [`a ${LONG.length}-byte password`, basicAuth("long", LONG), true],
  ["the same password cut to its first 72 bytes, which is all bcrypt sees", basicAuth("long", LONG.slice(0, 72)), true],
  ["one byte fewer than bcrypt sees", basicAuth("long", LONG.slice(0, 71)), false],
  ["a user name that is not UTF-8", `Basic ${Buffer.concat([Buffer.from([0xff]), Buffer.from(":secret")]).toString("base64")}`, false],
  ["base64 with a space inside", `Basic ${Buffer.from("alice:secret").toString("base64").replace("Y", "Y ")}`, false],
])("%s", async (_why, header, allowed) => {
  expect(await new BasicAuth().authenticate(header, users)).toBe(allowed ? Buffer.from(header!.slice(6), "base64").toString().split(":")[0] : undefined);
});

test("many checks of one credential at once all get the one verdict", async () => {
  const auth = new BasicAuth();
  const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => auth.authenticate(basicAuth("alice", i % 2 === 0 ? "secret" : "wrong"), users)));
  expect(verdicts).toEqual(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? "alice" : undefined)));
});
