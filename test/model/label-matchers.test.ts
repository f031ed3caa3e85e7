// Selectors as PromQL reads them (parseSelector), their group form (parseGroupSelector), and matching grouping labels as Prometheus matches series.
import { describe, expect, test } from "bun:test";
import { checkNonEmpty, matchesAny, matchesLabels, parseGroupSelector, parseSelector } from "../../src/model/label-matchers.ts";

describe("parseSelector", () => {
  // [why, text, metric name, [name, op, value] per matcher]
  test.each<[string, string, string | undefined, [string, string, string][]]>([
    ["one matcher", '{job="etl"}', undefined, [["job", "=", "etl"]]],
    ["every operator", '{a="1",b!="2",c=~"3",d!~"4"}', undefined, [["a", "=", "1"], ["b", "!=", "2"], ["c", "=~", "3"], ["d", "!~", "4"]]],
    ["spaces anywhere and a comma before }", ' { job = "a" , } ', undefined, [["job", "=", "a"]]],
    ["single quotes", "{job='a\"b'}", undefined, [["job", "=", 'a"b']]],
    ["back quotes take no escapes", "{job=~`a\\.b`}", undefined, [["job", "=~", "a\\.b"]]],
    ["Go's escapes", '{job="\\"\\n\\t\\\\\\x41\\101\\u00e9\\U0001F600"}', undefined, [["job", "=", '"\n\t\\AAé😀']]],
    ["a quoted UTF-8 label name", '{"service.name"="x"}', undefined, [["service.name", "=", "x"]]],
    ["a metric name before the braces", 'up{job="a"}', "up", [["job", "=", "a"]]],
    ["a metric name alone", "up", "up", []],
    ["a quoted metric name inside the braces", '{"my.metric", job="a"}', "my.metric", [["job", "=", "a"]]],
    ["the same label twice: both must hold", '{a=~"x.*",a!="xy"}', undefined, [["a", "=~", "x.*"], ["a", "!=", "xy"]]],
  ])("%s: %s", (_why, text, metricName, matchers) => {
    const selector = parseSelector(text);
    expect(selector.metricName).toBe(metricName);
    expect(selector.matchers.map((m) => [m.name, m.op, m.value])).toEqual(matchers);
  });

  // [why, text, message]: Prometheus's shape, `line:column: parse error: …`.
  test.each<[string, string, string]>([
    ["empty braces select everything", "{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
    ["the empty text", "", "1:1: parse error: unexpected end of input, expected a metric name or \"{\""],
    ["a missing comma", '{a="1" b="2"}', '1:8: parse error: unexpected identifier "b" in label matching, expected "," or "}"'],
    ["an unquoted value", "{a=1}", '1:4: parse error: unexpected "1" in label matching, expected string'],
    ["no operator", "{a}", '1:3: parse error: unexpected "}" in label matching, expected label matching operator'],
    ["unclosed braces", '{a="1"', '1:7: parse error: unexpected end of input in label matching, expected "," or "}"'],
    ["an unterminated string", '{a="1}', "1:4: parse error: unterminated quoted string"],
    ["text after the selector", '{a="1"} x', '1:9: parse error: unexpected identifier "x" after the selector'],
    ["a range is no selector of groups", '{a="1"}[5m]', '1:8: parse error: unexpected "[" after the selector'],
    ["an unknown escape", '{a="\\q"}', '1:5: parse error: unknown escape sequence "\\\\q"'],
    ["a bad regex names its position", '{a=~"("}', '1:5: parse error: invalid regular expression "(":'],
    ["lookahead is not RE2", '{a=~"x(?=y)"}', '1:5: parse error: invalid regular expression "x(?=y)": lookaround'],
    ["the line is counted", '{a="1",\nb}', '2:2: parse error: unexpected "}" in label matching, expected label matching operator'],
  ])("refuses %s", (_why, text, message) => {
    expect(() => parseSelector(text)).toThrow(message);
  });
});

describe("parseGroupSelector", () => {
  test("takes label matchers", () => {
    expect(parseGroupSelector('{job=~"nightly_.*",instance!=""}').map((m) => m.name)).toEqual(["job", "instance"]);
  });

  test.each([
    ['up{job="a"}', 'grouping selectors have only label matchers, found the metric name "up": a group has no metric name'],
    ["up", 'found the metric name "up"'],
    ['{"up", job="a"}', 'found the metric name "up"'],
    ['{__name__="up", job="a"}', "found a matcher on __name__"],
  ])("refuses a metric name: %s", (text, message) => {
    expect(() => parseGroupSelector(text)).toThrow(message);
  });
});

describe("checkNonEmpty", () => {
  test.each([['{job=""}'], ['{job=~".*"}'], ['{job!="x"}'], ['{job!~".+"}'], ['{a="",b=~"x?"}']])("refuses %s, which matches the empty value alone", (text) => {
    expect(() => checkNonEmpty(parseGroupSelector(text))).toThrow("vector selector must contain at least one non-empty matcher");
  });

  test.each([['{job="x"}'], ['{job=~".+"}'], ['{instance="",job!~""}'], ['{job!=""}']])("takes %s", (text) => {
    expect(() => checkNonEmpty(parseGroupSelector(text))).not.toThrow();
  });
});

describe("matching grouping labels", () => {
  // [selector, labels (sorted pairs), matches]
  test.each<[string, string[], boolean]>([
    ['{job="a"}', ["job", "a"], true],
    ['{job="a"}', ["job", "ab"], false],
    ['{job!="a"}', ["job", "b"], true],
    ['{job=~"a|b"}', ["job", "b"], true],
    ['{job=~"a"}', ["job", "ab"], false],
    ['{job!~"a.*"}', ["job", "ab"], false],
    ["a missing label is the empty value, as Prometheus sees series", ["job", "a"], true],
    ['{job="a",instance!=""}', ["job", "a"], false],
    ['{job="a",instance!=""}', ["instance", "i1", "job", "a"], true],
    ['{job=~"a|b", instance!~"test-.*"}', ["instance", "prod-1", "job", "b"], true],
    ['{job=~"a|b", instance!~"test-.*"}', ["instance", "test-1", "job", "b"], false],
    ['{job="a", zone=~"eu-.*|"}', ["job", "a"], true],
  ])("%s against %j: %p", (text, labels, matches) => {
    const selector = text.startsWith("{") ? text : '{job="a",instance=""}';
    expect(matchesLabels(parseGroupSelector(selector), labels)).toBe(matches);
  });

  test("several selectors are ORed", () => {
    const selectors = [parseGroupSelector('{job="a"}'), parseGroupSelector('{job="b"}')];
    expect([["job", "a"], ["job", "b"], ["job", "c"]].map((labels) => matchesAny(selectors, labels))).toEqual([true, true, false]);
  });
});
