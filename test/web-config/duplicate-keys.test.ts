// findDuplicateKey: a key written twice in one block mapping is found (yaml.v2 refuses it; Bun.YAML keeps the last).
import { expect, test } from "bun:test";
import { findDuplicateKey } from "../../src/web-config/duplicate-keys.ts";

// [why, YAML text, the repeated key and the line of its second occurrence, or undefined]
test.each<[string, string, { key: string; line: number } | undefined]>([
  ["a repeat at the top", "a: 1\na: 2\n", { key: "a", line: 2 }],
  ["a repeated user", "basic_auth_users:\n  a: x\n  b: y\n  a: z\n", { key: "a", line: 4 }],
  ["quoted and plain spellings of one key", "'a': 1\n\"a\": 2\n", { key: "a", line: 2 }],
  ["a repeat after a nested mapping closed", "x:\n  a: 1\ny: 2\nx: 3\n", { key: "x", line: 4 }],
  ["the same key in two mappings", "x:\n  a: 1\ny:\n  a: 2\n", undefined],
  ["text of a block scalar that looks like keys", "tls_server_config:\n  cert: |\n    a: 1\n    a: 1\n  key: k\n", undefined],
  ["mappings in two sequence items", "l:\n  - a: 1\n    b: 2\n  - a: 3\n", undefined],
  ["a commented-out repeat", "a: 1 # c\n# a: 2\n", undefined],
  ["one key per document", "---\na: 1\n---\na: 2\n", undefined],
])("%s", (_why, text, expected) => {
  expect(findDuplicateKey(text)).toEqual(expected);
});
