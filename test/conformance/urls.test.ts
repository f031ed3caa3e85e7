// Push and delete URLs (SPEC §2, the §2.7 table and the §11.2 URL checks), Go reference vs ours.
import { type Case, gauges, runCases } from "./differential.ts";

const BODY = "a 1\n";

/** A PUT (or `method`) of `a 1` to `path` that is accepted and stores one series with `labels`. */
function accepted(name: string, path: string, labels: string, method = "PUT"): Case {
  return {
    name,
    // An accepted push has an empty body and no Content-Type (SPEC §3.1 step 6).
    steps: [{ method, path, body: BODY, expect: { status: 200, body: "", contentType: null } }],
    scrape: [`a{${labels}} 1`, ...gauges(labels)],
  };
}

/** A PUT (or `method`) to `path` that is refused with 400 `message` and changes nothing. */
function refused(name: string, path: string, message: string, method = "PUT"): Case {
  return {
    name,
    steps: [{ method, path, body: BODY, expect: { status: 400, body: `${message}\n`, contentType: "text/plain; charset=utf-8" } }],
    scrape: [],
  };
}

runCases("grouping labels from the push URL", [
  // §2.7 row 1: the plain job route; `instance=""` is added to every series (§1.2).
  accepted("a plain job becomes the group {job}", "/metrics/job/j1", 'instance="",job="j1"'),
  // POST shares the URL grammar with PUT.
  accepted("POST parses the URL like PUT", "/metrics/job/j1/zone/a", 'instance="",job="j1",zone="a"', "POST"),
  // §2.3: an empty label path or a lone `/` adds no labels.
  accepted("a trailing slash after the job adds no label", "/metrics/job/j1/", 'instance="",job="j1"'),
  // §2.3: repeated names are not an error; the last pair wins.
  accepted("a repeated label name keeps the last value", "/metrics/job/j1/a/1/a/2", 'a="2",instance="",job="j1"'),
  // §2.2 step 4: the job segment overwrites a `job` pair of the label path.
  accepted("a job pair in the label path is ignored", "/metrics/job/j1/job/other", 'instance="",job="j1"'),
  // §2.3: `/x/` is two components, so the value is the empty string (the README is wrong about this).
  accepted("a trailing slash after a label name gives it an empty value", "/metrics/job/j3/x/", 'instance="",job="j3",x=""'),
  // Same rule for instance: the group {job="j1",instance=""} (§1.2 explains why it collides with {job="j1"}).
  accepted("instance with a trailing slash is the empty instance", "/metrics/job/j1/instance/", 'instance="",job="j1"'),
  // An explicit instance replaces the injected `instance=""`.
  accepted("an instance label from the path is used as is", "/metrics/job/j1/instance/i1", 'instance="i1",job="j1"'),
  // §2.7: the base64 job route, padded, unpadded and over-padded (all trailing `=` are stripped, §2.4).
  accepted("a base64 job with one = is decoded", "/metrics/job@base64/dGVzdC9qb2I=", 'instance="",job="test/job"'),
  accepted("a base64 job without padding is decoded", "/metrics/job@base64/dGVzdC9qb2I", 'instance="",job="test/job"'),
  accepted("a base64 job with three = is decoded", "/metrics/job@base64/dGVzdC9qb2I===", 'instance="",job="test/job"'),
  // P6 of §11.1: base64 job plus a base64 instance.
  accepted(
    "a base64 job and a base64 instance are both decoded",
    "/metrics/job@base64/dGVzdC9qb2I=/instance@base64/dGVzdGluc3RhbmNl",
    'instance="testinstance",job="test/job"',
  ),
  // §2.7: `=` and `==` are the empty string once the padding is stripped.
  accepted("a base64 value = is the empty string", "/metrics/job/x/l@base64/=", 'instance="",job="x",l=""'),
  accepted("a base64 value == is the empty string", "/metrics/job/x/l@base64/==", 'instance="",job="x",l=""'),
  // §11.2: @base64 with 0–3 `=`: "ab" is YWI in unpadded URL-safe base64.
  accepted("a base64 value with no = is decoded", "/metrics/job/x/l@base64/YWI", 'instance="",job="x",l="ab"'),
  accepted("a base64 value with one = is decoded", "/metrics/job/x/l@base64/YWI=", 'instance="",job="x",l="ab"'),
  accepted("a base64 value with two = is decoded", "/metrics/job/x/l@base64/YWI==", 'instance="",job="x",l="ab"'),
  accepted("a base64 value with three = is decoded", "/metrics/job/x/l@base64/YWI===", 'instance="",job="x",l="ab"'),
  // S5/S7 of §11.1: a `/` inside a base64 value, and Python's padded output.
  accepted("a base64 value may hold a slash", "/metrics/job/x/l@base64/L3Zhci90bXA", 'instance="",job="x",l="/var/tmp"'),
  accepted("a padded base64 value is decoded", "/metrics/job/x/l@base64/bGFiZWwvdmFsdWUy==", 'instance="",job="x",l="label/value2"'),
  // §2.4: non-zero trailing bits are tolerated (`ab` → "i").
  accepted("base64 with non-zero trailing bits is accepted", "/metrics/job/x/l@base64/ab", 'instance="",job="x",l="i"'),
  // §2.4: Go's decoder skips newlines, reachable through %0A.
  accepted("a newline inside a base64 value is skipped", "/metrics/job/x/l@base64/YW%0AJj", 'instance="",job="x",l="abc"'),
  // §2.2: the path is percent-decoded before routing.
  accepted("a percent-encoded space is decoded", "/metrics/job/x/l/a%20b", 'instance="",job="x",l="a b"'),
  // §2.7 / §2.2: `+` stays a literal plus (the Go client's QueryEscape relies on it), %2B is a plus too.
  accepted("a plus sign stays a plus sign", "/metrics/job/x+y/l/a+b%2Bc%20d", 'instance="",job="x+y",l="a+b+c d"'),
  // §2.2: multi-byte UTF-8 through percent-encoding.
  accepted("percent-encoded UTF-8 is decoded", "/metrics/job/x/l/%CE%A0", 'instance="",job="x",l="Π"'),
  // §2.1: the query string is ignored everywhere.
  accepted("the query string is ignored", "/metrics/job/q?x=1", 'instance="",job="q"'),
  // S9 of §11.1: without UTF-8 names a U__ name is an ordinary legacy name; labels sort byte-wise (U < i).
  accepted("a U__ label name is used literally", "/metrics/job/x/U__label_2e_name2/v", 'U__label_2e_name2="v",instance="",job="x"'),
]);

runCases("push URLs that are refused", [
  // §2.7: odd component counts, message quotes the label path as received.
  refused("a label name without a value is refused", "/metrics/job/j3/x", 'odd number of components in label string "/x"'),
  refused("instance without a value is refused", "/metrics/job/j1/instance", 'odd number of components in label string "/instance"'),
  refused("a trailing slash after a value is refused", "/metrics/job/j1/instance/i1/", 'odd number of components in label string "/instance/i1/"'),
  // §2.2: %2F is decoded before routing, so it splits the value.
  refused("%2F splits a value into two components", "/metrics/job/x/l%2Fb/v", 'odd number of components in label string "/l/b/v"'),
  // §2.3: label names must be legacy names and must not start with `__`.
  refused("a label name starting with __ is refused", "/metrics/job/j1/__a/1", 'improper label name "__a"'),
  refused("__name__ is refused as a label name", "/metrics/job/j1/__name__/1", 'improper label name "__name__"'),
  refused("a label name with a dash is refused", "/metrics/job/j1/a-b/1", 'improper label name "a-b"'),
  refused("a label name starting with a digit is refused", "/metrics/job/j1/1a/1", 'improper label name "1a"'),
  refused("a label name with = is refused", "/metrics/job/j1/a=b/1", 'improper label name "a=b"'),
  refused("a label name with ; is refused", "/metrics/job/j1/l;a/1", 'improper label name "l;a"'),
  // §2.3: exactly one @base64 suffix is removed; the name is checked after that.
  refused("a double @base64 suffix leaves an improper name", "/metrics/job/x/l@base64@base64/YQ", 'improper label name "l@base64"'),
  refused("an improper name with @base64 is refused", "/metrics/job/x/a-b@base64/YQ", 'improper label name "a-b"'),
  // §2.7: an empty job is only reachable through base64.
  refused("a base64 job of = is an empty job", "/metrics/job@base64/=", "job name is required"),
  refused("a base64 job of == is an empty job", "/metrics/job@base64/==", "job name is required"),
  // §2.2: Go quotes what it decoded before the error, not the raw input (standard-alphabet `+` is invalid).
  refused(
    "a job in the standard base64 alphabet is refused",
    "/metrics/job@base64/dGVzdC9qb2I+",
    'invalid base64 encoding in job name "test/j": illegal base64 data at input byte 11',
  ),
  // §2.7: a label value that is not base64 at all.
  refused(
    "a label value that is not base64 is refused",
    "/metrics/job/b/path@base64/!!!",
    'invalid base64 encoding for label path="!!!": illegal base64 data at input byte 0',
  ),
  // §2.4: a length of 1 mod 4 cannot be decoded.
  refused(
    "a one-character base64 value is refused",
    "/metrics/job/x/l@base64/a",
    'invalid base64 encoding for label l="a": illegal base64 data at input byte 0',
  ),
  // §2.4: `=` is only stripped at the end.
  refused(
    "an = in the middle of a base64 value is refused",
    "/metrics/job/x/l@base64/YQ=YQ",
    'invalid base64 encoding for label l="YQ=YQ": illegal base64 data at input byte 2',
  ),
  // DELETE shares the URL grammar (§3.1), including its errors.
  refused("DELETE refuses an odd label path", "/metrics/job/x/l", 'odd number of components in label string "/l"', "DELETE"),
  refused("DELETE refuses an empty base64 job", "/metrics/job@base64/=", "job name is required", "DELETE"),
]);

/** A request `method path` answered by the HTTP layer before any push logic, leaving the store empty. */
function routed(name: string, method: string, path: string, expect: NonNullable<Case["steps"][0]["expect"]>): Case {
  return { name, steps: [{ method, path, body: method === "GET" || method === "HEAD" || method === "OPTIONS" ? undefined : BODY, expect }], scrape: [] };
}

const PUSH_ALLOW = "DELETE, OPTIONS, POST, PUT";
const GET_ALLOW = "GET, OPTIONS";

runCases("routing around the push URLs", [
  // §2.1: a trailing slash on a push path is a 307 (method and body kept) to a path that does not exist.
  routed("PUT /metrics/job/ redirects with 307", "PUT", "/metrics/job/", { status: 307, location: "/metrics/job" }),
  routed("POST /metrics/job/ redirects with 307", "POST", "/metrics/job/", { status: 307, location: "/metrics/job" }),
  routed("DELETE /metrics/job/ redirects with 307", "DELETE", "/metrics/job/", { status: 307, location: "/metrics/job" }),
  // ... and the redirect target is not a route.
  routed("PUT /metrics/job is not found", "PUT", "/metrics/job", { status: 404, body: "404 page not found\n" }),
  // §2.1: GET with a trailing slash is a 301.
  routed("GET /metrics/ redirects with 301", "GET", "/metrics/", { status: 301, location: "/metrics" }),
  // §2.1: `//` is cleaned with a 301 before routing; nothing is stored.
  routed("a double slash is cleaned with a 301", "PUT", "/metrics/job//j1", { status: 301, location: "/metrics/job/j1" }),
  // §2.1: the base64 route needs a job segment.
  routed("PUT /metrics/job@base64/ is not found", "PUT", "/metrics/job@base64/", { status: 404, body: "404 page not found\n" }),
  // §2.1: unknown paths.
  routed("an unknown path is not found", "GET", "/nope", { status: 404, body: "404 page not found\n" }),
  // §2.7: other methods on a push path: 405 listing the registered methods plus OPTIONS.
  routed("GET on a push path is 405 with Allow", "GET", "/metrics/job/x", {
    status: 405,
    body: "Method Not Allowed\n",
    allow: PUSH_ALLOW,
  }),
  routed("PATCH on a push path is 405 with Allow", "PATCH", "/metrics/job/x/instance/i", {
    status: 405,
    body: "Method Not Allowed\n",
    allow: PUSH_ALLOW,
  }),
  // §2.1: HEAD is not mapped to GET; a HEAD reply has no body.
  routed("HEAD on the scrape path is 405", "HEAD", "/metrics", { status: 405, body: "", allow: GET_ALLOW }),
  routed("POST on the scrape path is 405", "POST", "/metrics", { status: 405, body: "Method Not Allowed\n", allow: GET_ALLOW }),
  // §2.7: OPTIONS answers 200, empty, with the same Allow.
  routed("OPTIONS on a push path is 200 with Allow", "OPTIONS", "/metrics/job/x", { status: 200, body: "", allow: PUSH_ALLOW }),
  routed("OPTIONS on a base64 push path is 200 with Allow", "OPTIONS", "/metrics/job@base64/eA/a/b", {
    status: 200,
    body: "",
    allow: PUSH_ALLOW,
  }),
  routed("OPTIONS on the scrape path is 200 with Allow", "OPTIONS", "/metrics", { status: 200, body: "", allow: GET_ALLOW }),
  // §2.1: a malformed percent-escape is refused by the HTTP server itself.
  routed("a malformed percent-escape is a bare 400", "PUT", "/metrics/job/x/l/%zz", { status: 400, body: "400 Bad Request" }),
]);
