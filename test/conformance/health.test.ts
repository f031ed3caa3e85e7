// Health and lifecycle endpoints (SPEC §7.4, §2.1), Go vs ours.
import { type Case, type Step, runCases } from "./differential.ts";

const TEXT = "text/plain; charset=utf-8";

/** One request to a health or lifecycle endpoint with the answer SPEC gives for Go. */
function endpoint(name: string, method: string, path: string, expect: NonNullable<Step["expect"]>): Case {
  return { name, steps: [{ method, path, expect }], scrape: [] };
}

runCases("health endpoints", [
  // §7.4: both answer 200 `OK` while the write queue is not full.
  endpoint("GET /-/healthy answers OK", "GET", "/-/healthy", { status: 200, body: "OK", contentType: TEXT }),
  endpoint("GET /-/ready answers OK", "GET", "/-/ready", { status: 200, body: "OK", contentType: TEXT }),
  // §2.1: only GET is registered (HEAD is not mapped to GET).
  endpoint("POST /-/healthy is 405 with Allow", "POST", "/-/healthy", { status: 405, body: "Method Not Allowed\n", allow: "GET, OPTIONS" }),
  endpoint("HEAD /-/ready is 405 with Allow", "HEAD", "/-/ready", { status: 405, body: "", allow: "GET, OPTIONS" }),
  endpoint("OPTIONS /-/healthy is 200 with Allow", "OPTIONS", "/-/healthy", { status: 200, body: "", allow: "GET, OPTIONS" }),
  // Health does not depend on what is stored, nor on refused pushes.
  {
    name: "health stays OK after accepted and refused pushes",
    steps: [
      { method: "PUT", path: "/metrics/job/h", body: "a 1\n", expect: { status: 200 } },
      { method: "PUT", path: "/metrics/job/h", body: "a 1 1000\n", expect: { status: 400 } },
      { method: "GET", path: "/-/healthy", expect: { status: 200, body: "OK" } },
      { method: "GET", path: "/-/ready", expect: { status: 200, body: "OK" } },
    ],
  },
]);

runCases("lifecycle endpoint without --web.enable-lifecycle", [
  // §7.4: refused while the flag is off; the gateway keeps running (the later steps prove it).
  {
    name: "PUT and POST /-/quit are 403 and the gateway keeps running",
    steps: [
      { method: "PUT", path: "/-/quit", expect: { status: 403, body: "Lifecycle API is not enabled.", contentType: TEXT } },
      { method: "POST", path: "/-/quit", expect: { status: 403, body: "Lifecycle API is not enabled." } },
      { method: "GET", path: "/-/ready", expect: { status: 200, body: "OK" } },
    ],
    scrape: [],
  },
  // §7.4: GET has its own message.
  endpoint("GET /-/quit is 405 with its own message", "GET", "/-/quit", { status: 405, body: "Only POST or PUT requests allowed." }),
]);
