// re2ToRegExp against Go's own regexp (the oracle in re2-oracle/, anchored as Prometheus anchors): every pattern
// either matches exactly the inputs Go's matches, or is refused, and refused where Go refuses.
import { describe, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RegexpSyntaxError, re2ToRegExp } from "../../src/model/re2-regexp.ts";
import { GO, runOk } from "../interop/clients.ts";

/** Inputs every pattern is tried on: ASCII, newlines, \r and \v (where JavaScript's classes differ), Unicode. */
const INPUTS = ["", "a", "A", "ab", "abc", "aB", "a\nb", "a\rb", "\n", "\r", "\v", " ", "\t", "\u00a0", "\u2028", "x-1", "nightly_1", "nightly_", "a{2}", "{", "}", "]", "a]", "[", "ſ", "K", "é", "日本", "7", "a.b", "a+b", "\\", '"', "#", ":", "-", "\x07", "aa", "aaa", "prod-eu-1", "test-1", "a b", "A1", "_"];

// [why, pattern]: patterns whose meaning both engines share or ours translates; each must agree with Go on every input.
const AGREED: [string, string][] = [
  ["a plain string", "abc"],
  ["alternation, fully anchored", "a|ab"],
  ["dot takes newlines: Prometheus compiles (?s:…)", "a.b"],
  ["dot takes \\r and U+2028 too", "..."],
  ["\\s is five ASCII bytes in RE2, more in JavaScript", "a\\sb"],
  ["\\S", "a\\Sb"],
  ["\\s inside a class", "[\\sx]"],
  ["\\d and \\w are ASCII in both", "\\w\\d"],
  ["\\D and \\W", "\\W+"],
  ["POSIX class", "[[:alpha:]]+"],
  ["POSIX class among others", "[[:digit:]x-]+"],
  ["POSIX punct", "[[:punct:]]"],
  ["POSIX space takes \\v", "[[:space:]]"],
  ["\\Q…\\E quotes", "\\Qa.b\\E"],
  ["\\A and \\z", "\\Aab\\z"],
  ["\\x{…}", "\\x{65e5}\\x{672c}"],
  ["\\xHH", "\\x61"],
  ["\\a is the bell", "\\a"],
  ["octal", "\\141"],
  ["escaped punctuation JavaScript's u flag refuses", "\\#\\:\\\""],
  ["escaped hyphen outside a class", "x\\-1"],
  ["a literal brace", "a{"],
  ["a literal brace pair that is no repeat", "a{,2}"],
  ["a closing brace alone", "}"],
  ["a repeat", "a{2}"],
  ["a brace pair without counts is literal", "a{,}"],
  ["two octal digits", "a\\12b"],
  ["a repeat range", "a{1,2}"],
  ["an open repeat", "a{2,}"],
  ["] first in a class is a member", "[]a]"],
  ["] first in a negated class", "[^]a]+"],
  ["a bracket inside a class", "[[a]"],
  ["named group, Perl style", "(?P<x>a)b"],
  ["case-insensitive, whole pattern", "(?i)ab"],
  ["case-insensitive from the middle", "a(?i)b"],
  ["case-insensitive inside a group only", "(a(?i)b)c|x"],
  ["case-insensitive group", "(?i:a)b"],
  ["case-insensitive \\w folds ſ and the Kelvin sign in both", "(?i)\\w"],
  ["case-insensitive letters fold alike", "(?i)[a-z]k|ß"],
  ["case-insensitive \\b", "(?i)\\b.*"],
  ["case-insensitive \\W", "(?i)\\W"],
  ["case-insensitive \\B", "(?i).\\B."],
  ["flags set and cleared", "(?i)a(?-i:b)"],
  ["U only swaps greediness", "(?U)a+"],
  ["s is on already", "(?s)a.b"],
  ["word boundary", "\\ba\\b.*"],
  ["lazy repeat", "a+?"],
  ["the common nightly pattern", "nightly_.*"],
  ["the empty pattern", ""],
  ["a class range with escapes", "[\\x00-\\x{7f}]+"],
  ["an empty alternative", "a|"],
  ["the usual label checks", "prod-.*|test-[0-9]+"],
];

// [why, pattern]: refused by Go (RE2) and by us.
const BOTH_REFUSE: [string, string][] = [
  ["an unclosed group", "(a"],
  ["\\Q without \\E runs through Prometheus's closing parenthesis", "x\\Q-1"],
  ["an unmatched parenthesis", "a)"],
  ["an unclosed class", "[a"],
  ["nothing to repeat", "*a"],
  ["a nested repeat", "a**"],
  ["a repeat past 1000", "a{1001}"],
  ["a lookahead", "a(?=b)"],
  ["a negative lookahead", "a(?!b)"],
  ["a lookbehind", "(?<=a)b"],
  ["a backreference", "(a)\\1"],
  ["a trailing backslash", "a\\"],
  ["an unknown escape", "\\o"],
  ["a bad range", "[z-a]"],
  ["an unknown flag", "(?x)a"],
  ["an unknown POSIX class", "[[:foo:]]"],
  ["\\Q inside a class", "[\\Qa\\E]"],
  ["\\C, one byte", "a\\Cb"],
  ["a repeat range backwards", "x{2,1}"],
];

// [why, pattern]: valid RE2, refused by us because JavaScript cannot match it the same way.
const WE_REFUSE: [string, string][] = [
  ["Unicode classes are named differently", "\\pL"],
  ["Unicode classes in braces", "\\p{Greek}"],
  ["the m flag: JavaScript also ends lines at \\r", "(?m)^a$"],
  ["(?-s): JavaScript's dot also refuses \\r", "(?-s)a.b"],
  ["\\S inside a class cannot be written in JavaScript's u syntax", "[\\Sx]"],
  ["a negated POSIX class", "[[:^alpha:]]"],
];

type Answer = { ok: boolean; matches: boolean[] };

async function askGo(patterns: string[]): Promise<Answer[]> {
  const stdin = new TextEncoder().encode(JSON.stringify(patterns.map((pattern) => ({ pattern, inputs: INPUTS }))));
  const env: Record<string, string> = { GO111MODULE: "off", GOFLAGS: "" };
  // Go refuses to build without a cache directory; CI may run without HOME (as clients.ts's build).
  if (!process.env.GOCACHE && !process.env.HOME && !process.env.XDG_CACHE_HOME) env.GOCACHE = join(tmpdir(), "pg-re2-oracle-gocache");
  const out = await runOk([GO, "run", "./test/model/re2-oracle/main.go"], { stdin, env, timeoutMs: 120_000 });
  return JSON.parse(new TextDecoder().decode(out)) as Answer[];
}

describe("re2ToRegExp against Go's regexp", () => {
  const all = [...AGREED, ...BOTH_REFUSE, ...WE_REFUSE].map(([, pattern]) => pattern);
  const go = askGo(all);

  test.each(AGREED)("matches what Go matches: %s (%s)", async (_why, pattern) => {
    const answer = (await go)[all.indexOf(pattern)]!;
    expect(answer.ok).toBe(true);
    const regex = re2ToRegExp(pattern);
    const ours = INPUTS.map((input) => regex.test(input));
    const differing = INPUTS.filter((_, i) => ours[i] !== answer.matches[i]);
    expect(differing).toEqual([]);
  });

  test.each(BOTH_REFUSE)("refuses what Go refuses: %s (%s)", async (_why, pattern) => {
    expect((await go)[all.indexOf(pattern)]!.ok).toBe(false);
    expect(() => re2ToRegExp(pattern)).toThrow(RegexpSyntaxError);
  });

  test.each(WE_REFUSE)("refuses what Go takes but JavaScript cannot match alike: %s (%s)", async (_why, pattern) => {
    expect((await go)[all.indexOf(pattern)]!.ok).toBe(true);
    expect(() => re2ToRegExp(pattern)).toThrow(RegexpSyntaxError);
  });
});

test("the refusal names the pattern and the construct", () => {
  expect(() => re2ToRegExp("a(?=b)")).toThrow('invalid regular expression "a(?=b)": lookaround and other (?… groups are not RE2 syntax: (?=b');
  expect(() => re2ToRegExp("(a)\\1")).toThrow('invalid regular expression "(a)\\\\1": backreferences are not RE2 syntax: \\1');
});
