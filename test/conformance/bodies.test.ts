// Push bodies in the text format (SPEC §4.1–§4.3, §4.5): the §4.3 table sent as pushes, Go vs ours.
// The rows of the table that are deliberate differences (D1: no final newline, D2: `\r\n`) are in decisions.test.ts.
import { type Case, gauges, runCases } from "./differential.ts";

const LABELS = 'instance="",job="b"';
const PATH = "/metrics/job/b";

/** A PUT of `body` that fails to parse with `text format parsing error in line <line>: <message>`. */
function parseError(name: string, body: string | Uint8Array, line: number, message: string): Case {
  return {
    name,
    steps: [
      {
        method: "PUT",
        path: PATH,
        body,
        expect: {
          status: 400,
          body: `text format parsing error in line ${line}: ${message}\n`,
          contentType: "text/plain; charset=utf-8",
        },
      },
    ],
    scrape: [],
  };
}

/** A PUT of `body` that is accepted and leaves `samples` (normalised lines, labels `instance="",job="b"`). */
function parsed(name: string, body: string | Uint8Array, samples: string[], headers?: Record<string, string>): Case {
  return {
    name,
    steps: [{ method: "PUT", path: PATH, body, headers, expect: { status: 200, body: "" } }],
    scrape: [...samples, ...gauges(LABELS)],
  };
}

/**
 * A sample line of group {job="b"}: `extra` pairs (`a="1",b="2"`, no commas in values) are sorted in
 * with `instance` and `job`; `bound` (`le="1"`, `quantile="0.5"`) comes last, as Go renders it.
 */
function line(name: string, value: string, extra = "", bound = ""): string {
  const pairs = [...(extra ? extra.split(",") : []), 'instance=""', 'job="b"'].sort();
  if (bound) pairs.push(bound);
  return `${name}{${pairs.join(",")}} ${value}`;
}

runCases("text bodies the parser refuses (SPEC §4.3 table)", [
  // A single blank after the value is read as the start of a timestamp.
  parseError("a blank after the value is refused", "q 1 \n", 1, 'expected integer as timestamp, got ""'),
  parseError("two blanks around the value are refused", "q  1  \n", 1, 'expected integer as timestamp, got ""'),
  parseError("a word as value is refused", "a one\n", 1, 'expected float as value, got "one"'),
  // Go float syntax minus hex, `_` and `p` exponents.
  parseError("a hex value is refused", "q 0x1F\n", 1, 'expected float as value, got "0x1F"'),
  parseError("an underscore in a value is refused", "q 1_000\n", 1, 'expected float as value, got "1_000"'),
  parseError("a hex float is refused", "q 0x10p2\n", 1, 'expected float as value, got "0x10p2"'),
  parseError("an overflowing value is refused", "q 1e400\n", 1, 'expected float as value, got "1e400"'),
  parseError("a metric name starting with a digit is refused", "1abc 1\n", 1, "invalid metric name"),
  parseError("a non-ASCII metric name is refused", "ü 1\n", 1, "invalid metric name"),
  parseError("a label name starting with a digit is refused", "bad{ 1\n", 1, 'invalid label name for metric "bad"'),
  parseError("a dash in a label name is refused", 'x{a-b="1"} 1\n', 1, "expected '=' after label name, found '-'"),
  parseError("a repeated label name is refused", 'x{a="1",a="2"} 1\n', 1, 'duplicate label names for metric "x"'),
  parseError("__name__ as a label is refused", 'x{__name__="y"} 1\n', 1, 'label name "__name__" is reserved'),
  parseError("an unknown escape in a label value is refused", 'x{a="\\q"} 1\n', 1, "invalid escape sequence '\\q'"),
  parseError("an unknown escape in HELP is refused", "# HELP h a\\tb\n", 1, "invalid escape sequence '\\t'"),
  // Go quotes the bad value with %q.
  parseError(
    "a label value that is not UTF-8 is refused",
    new Uint8Array([...Buffer.from('x{a="'), 0xff, ...Buffer.from('"} 1\n')]),
    1,
    'invalid label value "\\xff"',
  ),
  parseError(
    "a second TYPE line is refused",
    "# TYPE c counter\nc 1\n# TYPE c gauge\n",
    3,
    'second TYPE line for metric name "c", or TYPE reported after samples',
  ),
  parseError(
    "a TYPE line after samples is refused",
    "c 1\n# TYPE c counter\n",
    2,
    'second TYPE line for metric name "c", or TYPE reported after samples',
  ),
  parseError("a second HELP line is refused", "# HELP h one\n# HELP h two\n", 2, 'second HELP line for metric name "h"'),
  parseError("an unknown type is refused", "# TYPE x foo\n", 1, 'unknown metric type "foo"'),
  // Trailing blanks stay in the type token.
  parseError("a type with trailing blanks is refused", "# TYPE  dbl   counter  \n", 1, 'unknown metric type "counter  "'),
  parseError(
    "a quantile that is not a float is refused",
    '# TYPE s summary\ns{quantile="x"} 1\n',
    2,
    "expected float as value for 'quantile' label, got \"x\"",
  ),
  parseError(
    "a bucket bound that is not a float is refused",
    '# TYPE h histogram\nh_bucket{le="abc"} 1\n',
    2,
    "expected float as value for 'le' label, got \"abc\"",
  ),
  // Quoted (UTF-8) names are 1.5.1 syntax errors (only newest accepts them behind a flag).
  parseError("a quoted metric name is refused", '{"some.metric"} 1\n', 1, "invalid metric name"),
  parseError("a quoted label name is refused", 'm{"a.b"="1"} 1\n', 1, 'invalid label name for metric "m"'),
  parseError("a quoted name in HELP is refused", '# HELP "x.y" h\n', 1, "invalid metric name in comment"),
  // The line number counts every line, blank and comment lines included.
  parseError("the error names the line it is on", "a 1\n\n# c\nb x\n", 4, 'expected float as value, got "x"'),
  // §4.5: OpenMetrics exemplars are not 0.0.4 syntax.
  parseError("an OpenMetrics exemplar is refused", 'a 1 # {t="1"} 1\n', 1, 'expected integer as timestamp, got "#"'),
]);

runCases("text bodies the parser accepts (SPEC §4.3)", [
  parsed("blank lines and lines of blanks are skipped", "\n  \n\t\na 1\n\n", [line("a", "1")]),
  parsed("leading blanks before a sample are skipped", "  \ta 1\n", [line("a", "1")]),
  parsed("tabs and runs of spaces separate name and value", "a\t1\nb   2\n", [line("a", "1"), line("b", "2")]),
  parsed("blanks around = and , inside braces are allowed", 'lvl{a = "1" , b="2"} 1\n', [line("lvl", "1", 'a="1",b="2"')]),
  parsed("a trailing comma inside braces is allowed", 'x{a="1",} 1\n', [line("x", "1", 'a="1"')]),
  parsed("empty braces are allowed", "x{} 1\n", [line("x", "1")]),
  parsed("no blank between braces and value is allowed", 'x{a="1"}1\n', [line("x", "1", 'a="1"')]),
  parsed("a blank between name and braces is allowed", 'x {a="1"} 1\n', [line("x", "1", 'a="1"')]),
  // `# EOF`, `# UNIT` and free comments are ignored.
  parsed("comments other than HELP and TYPE are ignored", "# EOF\n# UNIT x seconds\n# just a comment\nx 1\n", [line("x", "1")]),
  // `#TYPE` without a space is still a TYPE line (the scrape shows the counter type; compared Go vs ours).
  parsed("#TYPE without a space is a TYPE line", "#TYPE x counter\nx 1\n", [line("x", "1")]),
  // HELP/TYPE with no name, or a name only, are ignored; the family has no HELP.
  parsed("HELP and TYPE lines without content are ignored", "# HELP\n# TYPE\n# HELP y\n# TYPE y\ny 1\n", [line("y", "1")]),
  // HELP escapes `\\` and `\n`; the scrape re-escapes them (compared Go vs ours).
  parsed("HELP escapes are decoded", "# HELP e a\\\\b\\nc\ne 1\n", [line("e", "1")]),
  parsed("label value escapes are decoded and re-escaped", 'e{a="q\\"x\\\\y\\nz"} 1\n', [line("e", "1", 'a="q\\"x\\\\y\\nz"')]),
  // TYPE keywords are matched case-insensitively.
  parsed("TYPE keywords are case-insensitive", "# TYPE c1 COUNTER\nc1 1\n# TYPE g1 Gauge\ng1 2\n", [line("c1", "1"), line("g1", "2")]),
  // Go float syntax (values rendered back the Go way, §6.2).
  parsed(
    "values in every accepted float spelling",
    [
      'v{i="a"} -1',
      'v{i="b"} +3',
      'v{i="c"} .5',
      'v{i="d"} 1.',
      'v{i="e"} 1E3',
      'v{i="f"} 12345.678e2',
      'v{i="g"} NaN',
      'v{i="h"} nan',
      'v{i="i"} Inf',
      'v{i="j"} +Inf',
      'v{i="k"} -inf',
      'v{i="l"} Infinity',
      'v{i="m"} 4.9e-325',
      "",
    ].join("\n"),
    [
      line("v", "-1", 'i="a"'),
      line("v", "3", 'i="b"'),
      line("v", "0.5", 'i="c"'),
      line("v", "1", 'i="d"'),
      line("v", "1000", 'i="e"'),
      line("v", "1.2345678e+06", 'i="f"'),
      line("v", "NaN", 'i="g"'),
      line("v", "NaN", 'i="h"'),
      line("v", "+Inf", 'i="i"'),
      line("v", "+Inf", 'i="j"'),
      line("v", "-Inf", 'i="k"'),
      line("v", "+Inf", 'i="l"'),
      line("v", "0", 'i="m"'),
    ],
  ),
  parsed("colons are allowed in metric names", "x:y:z 1\n", [line("x:y:z", "1")]),
  // §4.3: all samples of one name land in one family, however far apart.
  parsed("one name in separate blocks is one family", 'a{x="1"} 1\nb 1\na{x="2"} 2\n', [
    line("a", "1", 'x="1"'),
    line("a", "2", 'x="2"'),
    line("b", "1"),
  ]),
  // Families without samples vanish; g_sum is not part of gauge g.
  parsed("a TYPE without samples leaves no family", "# TYPE g gauge\ng_sum 1\n", [line("g_sum", "1")]),
  // §4.5: OpenMetrics counters detach from their TYPE line and become untyped families.
  parsed(
    "OpenMetrics counter samples become untyped families",
    "# TYPE om counter\nom_total 1\nom_created 2\n# EOF\n",
    [line("om_created", "2"), line("om_total", "1")],
    { "Content-Type": "application/openmetrics-text; version=1.0.0" },
  ),
  parsed(
    "a summary is assembled from quantiles, _sum and _count",
    '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.9"} 2\ns_sum 10\ns_count 4\n',
    [line("s", "1", "", 'quantile="0.5"'), line("s", "2", "", 'quantile="0.9"'), line("s_sum", "10"), line("s_count", "4")],
  ),
  parsed(
    "a histogram is assembled from buckets, _sum and _count",
    '# TYPE h histogram\nh_bucket{le="0.5"} 1\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 3\nh_sum 2.5\nh_count 3\n',
    [
      line("h_bucket", "1", "", 'le="0.5"'),
      line("h_bucket", "2", "", 'le="1"'),
      line("h_bucket", "3", "", 'le="+Inf"'),
      line("h_sum", "2.5"),
      line("h_count", "3"),
    ],
  ),
  // §1.9: a histogram without a +Inf bucket gets one from its count; bounds are re-rendered from the float.
  parsed(
    "bucket bounds are re-rendered and +Inf is synthesised",
    '# TYPE h histogram\nh_bucket{le="1.0"} 1\nh_bucket{le="1000000"} 2\nh_sum 7\nh_count 3\n',
    [
      line("h_bucket", "1", "", 'le="1"'),
      line("h_bucket", "2", "", 'le="1e+06"'),
      line("h_bucket", "3", "", 'le="+Inf"'),
      line("h_sum", "7"),
      line("h_count", "3"),
    ],
  ),
  parsed("quantiles are re-rendered from the float", '# TYPE s summary\ns{quantile="0.50"} 1\ns_sum 1\ns_count 1\n', [
    line("s", "1", "", 'quantile="0.5"'),
    line("s_sum", "1"),
    line("s_count", "1"),
  ]),
  // §4.3: a suffix-less sample under a summary TYPE creates the metric but its value is lost.
  parsed("a bare sample under a summary TYPE loses its value", "# TYPE s summary\ns 5\n", [line("s_sum", "0"), line("s_count", "0")]),
  // §4.3: a quantile label on an untyped sample is an ordinary label.
  parsed("quantile on an untyped sample is an ordinary label", 'u{quantile="x"} 1\n', [line("u", "1", 'quantile="x"')]),
  // §4.3: `# HELP name` without text leaves the family without HELP (compared Go vs ours).
  parsed("HELP without text gives no HELP", "# HELP n\nn 1\n", [line("n", "1")]),
]);

runCases("push Content-Type (SPEC §4.2)", [
  // Everything but the delimited protobuf media type is parsed as text.
  parsed("text/plain with a version is text", "a 1\n", [line("a", "1")], { "Content-Type": "text/plain; version=0.0.4" }),
  parsed("application/json is parsed as text", "a 1\n", [line("a", "1")], { "Content-Type": "application/json" }),
  parsed("a garbage Content-Type is parsed as text", "a 1\n", [line("a", "1")], { "Content-Type": ";;;bogus" }),
  // protobuf without proto= is not protobuf.
  {
    name: "protobuf without proto= is parsed as text",
    steps: [
      {
        method: "PUT",
        path: PATH,
        body: "a 1\n",
        headers: { "Content-Type": "application/vnd.google.protobuf; encoding=delimited" },
        expect: { status: 200 },
      },
    ],
    scrape: [line("a", "1"), ...gauges(LABELS)],
  },
  // An empty protobuf body is an empty push.
  {
    name: "an empty delimited protobuf body is an empty push",
    steps: [
      {
        method: "PUT",
        path: PATH,
        headers: { "Content-Type": "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited" },
        expect: { status: 200, body: "" },
      },
    ],
    scrape: gauges(LABELS),
  },
  // A text body under the protobuf header is a truncated message.
  {
    name: "a text body under the protobuf header is refused",
    steps: [
      {
        method: "PUT",
        path: PATH,
        body: "a 1\n",
        headers: { "Content-Type": "application/vnd.google.protobuf; encoding=delimited; proto=io.prometheus.client.MetricFamily" },
        expect: { status: 400, body: "unexpected EOF\n" },
      },
    ],
    scrape: [],
  },
]);

const GZIP = { "Content-Encoding": "gzip" };

runCases("compressed push bodies (SPEC §4.1)", [
  parsed("a gzip body is gunzipped", Bun.gzipSync(Buffer.from("a 1\n")), [line("a", "1")], GZIP),
  // Non-gzip bytes, at least 10 of them.
  {
    name: "a body that is not gzip is refused",
    steps: [{ method: "PUT", path: PATH, body: "a 1\nb 2\nc 3\n", headers: GZIP, expect: { status: 400, body: "gzip: invalid header\n" } }],
    scrape: [],
  },
  // Fewer than 10 bytes cannot hold a gzip header.
  {
    name: "a short body that is not gzip is refused",
    steps: [{ method: "PUT", path: PATH, body: "a 1\n", headers: GZIP, expect: { status: 400, body: "unexpected EOF\n" } }],
    scrape: [],
  },
  {
    name: "an empty gzip body is refused",
    steps: [{ method: "PUT", path: PATH, headers: GZIP, expect: { status: 400, body: "EOF\n" } }],
    scrape: [],
  },
  // A gzip stream cut in the middle surfaces as a bare read error.
  {
    name: "a truncated gzip body is refused",
    steps: [
      {
        method: "PUT",
        path: PATH,
        body: Bun.gzipSync(Buffer.from("a 1\nb 2\nc 3\nd 4\n".repeat(20))).subarray(0, 30),
        headers: GZIP,
        expect: { status: 400, body: "unexpected EOF\n" },
      },
    ],
    scrape: [],
  },
  // Other encodings are ignored: the raw body is parsed.
  parsed("Content-Encoding deflate is ignored", "a 1\n", [line("a", "1")], { "Content-Encoding": "deflate" }),
]);
