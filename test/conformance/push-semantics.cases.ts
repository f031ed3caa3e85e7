// The cases of push-semantics.test.ts (Go vs ours), kept apart so the replica test can run them through replicas too (test/replica/).
import { type Case, gauges } from "./differential.ts";

export const M = 'instance="",job="m"';
const INVALID = "pushed metrics are invalid or inconsistent with existing metrics: ";

/** SPEC §3.3 step by step. */
export const WORKED_SEQUENCE: Case[] = [
  // The table of §3.3 step by step, with the scrape after every step; step 8 is the asynchronous DELETE.
  {
    name: "POST merges by family, PUT replaces, failures only touch push_failure_time_seconds, DELETE removes",
    steps: [
      // 1: a new group with two families.
      {
        method: "POST",
        path: "/metrics/job/m",
        body: "a 1\nb 2\n",
        expect: { status: 200, body: "" },
        then: [`a{${M}} 1`, `b{${M}} 2`, ...gauges(M)],
      },
      // 2: POST replaces `b` and adds `c`, keeps `a`.
      {
        method: "POST",
        path: "/metrics/job/m",
        body: "b 3\nc 4\n",
        expect: { status: 200, body: "" },
        then: [`a{${M}} 1`, `b{${M}} 3`, `c{${M}} 4`, ...gauges(M)],
      },
      // 3: PUT drops every family but the time gauges.
      {
        method: "PUT",
        path: "/metrics/job/m",
        body: "d 5\n",
        expect: { status: 200, body: "" },
        then: [`d{${M}} 5`, ...gauges(M)],
      },
      // 4: an empty POST only bumps push_time_seconds.
      { method: "POST", path: "/metrics/job/m", expect: { status: 200, body: "" }, then: [`d{${M}} 5`, ...gauges(M)] },
      // 5: a timestamped sample is refused by the store: the failure time is set, nothing else changes.
      {
        method: "PUT",
        path: "/metrics/job/m",
        body: "x 1 123\n",
        expect: { status: 400, body: `${INVALID}pushed metrics must not have timestamps\n` },
        then: [`d{${M}} 5`, ...gauges(M, "<t>", "<t>")],
      },
      // 6: a parse error is found before the store: nothing changes at all.
      {
        method: "PUT",
        path: "/metrics/job/m",
        body: "bad{\n",
        expect: { status: 400, body: 'text format parsing error in line 1: invalid label name for metric "bad"\n' },
        then: [`d{${M}} 5`, ...gauges(M, "<t>", "<t>")],
      },
      // 7: an empty PUT leaves only the time gauges (PUT ≠ DELETE, §1.4).
      { method: "PUT", path: "/metrics/job/m", expect: { status: 200, body: "" }, then: gauges(M, "<t>", "<t>") },
      // 8: DELETE answers 202 with an empty body; the group is gone.
      { method: "DELETE", path: "/metrics/job/m", expect: { status: 202, body: "" }, then: [] },
    ],
    scrape: [],
  },
];

/** PUT, POST and DELETE of one group and their time gauges. */
export const PUSHES_AND_DELETES: Case[] = [
  // §3.3: a store-side failure on a new group creates it with push_time 0 and a failure time.
  {
    name: "a timestamped push to a new group leaves a group marked failed",
    steps: [
      {
        method: "PUT",
        path: "/metrics/job/newgroup2",
        body: "x 1 1000\n",
        expect: { status: 400, body: `${INVALID}pushed metrics must not have timestamps\n` },
      },
    ],
    scrape: gauges('instance="",job="newgroup2"', "0", "<t>"),
  },
  // §1.4: an empty PUT creates a group holding only the time gauges.
  {
    name: "an empty PUT creates a group with only the time gauges",
    steps: [{ method: "PUT", path: "/metrics/job/e", expect: { status: 200, body: "" } }],
    scrape: gauges('instance="",job="e"'),
  },
  // §1.4: an empty POST creates the group too.
  {
    name: "an empty POST creates a group with only the time gauges",
    steps: [{ method: "POST", path: "/metrics/job/e/instance/i", expect: { status: 200, body: "" } }],
    scrape: gauges('instance="i",job="e"'),
  },
  // §1.4: POST replaces a family by name: the old series of that name disappear, not only re-pushed ones.
  {
    name: "POST replaces all series of a pushed family name",
    steps: [
      { method: "PUT", path: "/metrics/job/p", body: 'r{a="1"} 1\nr{a="2"} 2\ns 3\n', expect: { status: 200 } },
      { method: "POST", path: "/metrics/job/p", body: 'r{a="3"} 4\n', expect: { status: 200 } },
    ],
    scrape: ['r{a="3",instance="",job="p"} 4', 's{instance="",job="p"} 3', ...gauges('instance="",job="p"')],
  },
  // §1.1: URL labels silently overwrite same-named body labels.
  {
    name: "the job from the URL overwrites a job label in the body",
    steps: [{ method: "POST", path: "/metrics/job/j1", body: 'foo{job="other"} 1\n', expect: { status: 200 } }],
    scrape: ['foo{instance="",job="j1"} 1', ...gauges('instance="",job="j1"')],
  },
  // §5.1 example: every grouping label is forced onto the series, body labels lose.
  {
    name: "grouping labels overwrite instance and job labels in the body",
    steps: [
      {
        method: "PUT",
        path: "/metrics/job/j1/instance/instance2",
        body: 'mf1{instance="instance1",job="job2"} 42\n',
        expect: { status: 200 },
      },
    ],
    scrape: ['mf1{instance="instance2",job="j1"} 42', ...gauges('instance="instance2",job="j1"')],
  },
  // §5.1: labels only in the body are kept, and the label set is sorted by name.
  {
    name: "body labels that are not grouping labels are kept",
    steps: [{ method: "PUT", path: "/metrics/job/j", body: 'foo{zone="b",a="x"} 1\n', expect: { status: 200 } }],
    scrape: ['foo{a="x",instance="",job="j",zone="b"} 1', ...gauges('instance="",job="j"')],
  },
  // §3.1: DELETE of a group that never existed is still 202 and changes nothing.
  {
    name: "DELETE of an unknown group answers 202",
    steps: [
      { method: "PUT", path: "/metrics/job/kept", body: "a 1\n", expect: { status: 200 } },
      { method: "DELETE", path: "/metrics/job/never", expect: { status: 202, body: "" } },
    ],
    scrape: ['a{instance="",job="kept"} 1', ...gauges('instance="",job="kept"')],
  },
  // §3.1: DELETE removes exactly the group with that label set, not groups that extend it.
  {
    name: "DELETE removes exactly one group",
    steps: [
      { method: "PUT", path: "/metrics/job/d", body: "a 1\n", expect: { status: 200 } },
      { method: "PUT", path: "/metrics/job/d/instance/x", body: "b 1\n", expect: { status: 200 } },
      { method: "DELETE", path: "/metrics/job/d", expect: { status: 202, body: "" } },
    ],
    scrape: ['b{instance="x",job="d"} 1', ...gauges('instance="x",job="d"')],
  },
  // §3.1: DELETE with a label path and base64, and FIFO order with a later push to the same group.
  {
    name: "DELETE with base64 labels removes that group and a later push recreates it",
    steps: [
      { method: "PUT", path: "/metrics/job/d/path/a%2Fb", body: "a 1\n", expect: { status: 400 } },
      { method: "PUT", path: "/metrics/job/d/path@base64/YS9i", body: "a 1\n", expect: { status: 200 } },
      { method: "DELETE", path: "/metrics/job@base64/ZA/path@base64/YS9i", expect: { status: 202, body: "" } },
      { method: "POST", path: "/metrics/job/d/path@base64/YS9i", body: "c 2\n", expect: { status: 200 } },
    ],
    scrape: ['c{instance="",job="d",path="a/b"} 2', ...gauges('instance="",job="d",path="a/b"')],
  },
  // §3.1 / §5.5: with the check off, pushes are answered 202 and stored.
  {
    name: "with the consistency check disabled a push answers 202 and is stored",
    flags: ["--push.disable-consistency-check"],
    steps: [{ method: "PUT", path: "/metrics/job/nc", body: "a 1\n", expect: { status: 202, body: "" } }],
    scrape: ['a{instance="",job="nc"} 1', ...gauges('instance="",job="nc"')],
  },
  // §3.1 step 3a: with the check off a timestamped push still only marks the group failed, silently.
  {
    name: "with the consistency check disabled a timestamped push answers 202 and marks the group failed",
    flags: ["--push.disable-consistency-check"],
    steps: [{ method: "PUT", path: "/metrics/job/nc", body: "a 1 1000\n", expect: { status: 202, body: "" } }],
    scrape: gauges('instance="",job="nc"', "0", "<t>"),
  },
];
