// The tail's XREAD replies as Bun's client hands them (issue #15): a RESP3 map from Redis 6 and later, a RESP2 array where the server speaks only that.
import { describe, expect, test } from "bun:test";
import { noticesOfRead } from "../../src/replica/change-entries.ts";

const ENTRIES: [string, string[]][] = [
  ["1700000000000-0", ["v", "41"]],
  ["1700000000000-1", ["v", "42"]],
];
const NOTICES = [
  { id: "1700000000000-0", version: 41 },
  { id: "1700000000000-1", version: 42 },
];

describe("noticesOfRead", () => {
  test("reads a RESP3 reply ({stream: entries}) and a RESP2 one ([[stream, entries]]) alike; null is none", () => {
    expect(noticesOfRead({ "pushgateway:notices": ENTRIES })).toEqual(NOTICES);
    expect(noticesOfRead([["pushgateway:notices", ENTRIES]])).toEqual(NOTICES);
    expect(noticesOfRead(null)).toEqual([]);
  });

  test("an entry without its version is an error, not a version 0 or NaN", () => {
    expect(() => noticesOfRead({ s: [["1-0", ["x", "1"]]] })).toThrow("notice 1-0 lacks its version");
    expect(() => noticesOfRead({ s: [["1-0", ["v", "one"]]] })).toThrow("notice 1-0 lacks its version");
  });
});
