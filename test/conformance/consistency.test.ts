// The push-time consistency check (SPEC §5.2–§5.4, the §5.2 table), Go vs ours.
// Error texts are compared after normaliseErrorBody: the `<metric>` rendering, the type named in a type
// clash and the wording of a suffix collision follow Go's random map order (SPEC §5.2).
import { type Case, type Step, gauges, runCases } from "./differential.ts";

const INVALID = "pushed metrics are invalid or inconsistent with existing metrics: ";

/** The normalised labels of group {job=<job>}. */
function group(job: string): string {
  return `instance="",job="${job}"`;
}

function put(job: string, body: string, expect: Step["expect"], method = "PUT"): Step {
  return { method, path: `/metrics/job/${job}`, body, expect };
}

const OK = { status: 200, body: "" };

/** `first` pushed to job j1 is accepted, `second` pushed to job j2 is refused with `message` (normalised). */
function clash(name: string, first: string, second: string, message: string, firstSamples: string[]): Case {
  return {
    name,
    steps: [put("j1", first, OK), put("j2", second, { status: 400, body: `${INVALID}${message}\n` })],
    // The refused push leaves j2 marked failed (§3.1 step 5), j1 untouched.
    scrape: [...firstSamples, ...gauges(group("j1")), ...gauges(group("j2"), "0", "<t>")],
  };
}

/** `first` to job j1 and `second` to job j2 are both accepted. */
function bothAccepted(name: string, first: string, second: string, samples: string[], extra: Partial<Case> = {}): Case {
  return {
    name,
    steps: [put("j1", first, OK), put("j2", second, OK)],
    scrape: [...samples, ...gauges(group("j1")), ...gauges(group("j2"))],
    ...extra,
  };
}

runCases("type and suffix rules across groups (SPEC §5.2)", [
  // Same name, different type in another group.
  clash(
    "a gauge next to a counter of the same name is refused",
    "# TYPE baz counter\nbaz 1\n",
    "# TYPE baz gauge\nbaz 2\n",
    'collected metric "baz" {…} is not a <TYPE>',
    [`baz{${group("j1")}} 1`],
  ),
  // Untyped is a type of its own.
  clash(
    "an untyped sample next to a counter of the same name is refused",
    "# TYPE baz counter\nbaz 1\n",
    "baz 2\n",
    'collected metric "baz" {…} is not a <TYPE>',
    [`baz{${group("j1")}} 1`],
  ),
  // Suffix collisions, histogram first.
  clash(
    "an hq_bucket sample next to histogram hq is refused",
    '# TYPE hq histogram\nhq_bucket{le="1"} 1\nhq_sum 1\nhq_count 1\n',
    "hq_bucket 1\n",
    'collision of "hq_bucket" with "hq"',
    [`hq_bucket{${group("j1")},le="1"} 1`, `hq_bucket{${group("j1")},le="+Inf"} 1`, `hq_sum{${group("j1")}} 1`, `hq_count{${group("j1")}} 1`],
  ),
  // ... and the plain metric first.
  clash(
    "histogram hq next to an hq_bucket sample is refused",
    "hq_bucket 1\n",
    '# TYPE hq histogram\nhq_bucket{le="1"} 1\nhq_sum 1\nhq_count 1\n',
    'collision of "hq_bucket" with "hq"',
    [`hq_bucket{${group("j1")}} 1`],
  ),
  clash(
    "an hq_count sample next to histogram hq is refused",
    '# TYPE hq histogram\nhq_bucket{le="1"} 1\nhq_sum 1\nhq_count 1\n',
    "# TYPE hq_count gauge\nhq_count 1\n",
    'collision of "hq_count" with "hq"',
    [`hq_bucket{${group("j1")},le="1"} 1`, `hq_bucket{${group("j1")},le="+Inf"} 1`, `hq_sum{${group("j1")}} 1`, `hq_count{${group("j1")}} 1`],
  ),
  // Summaries, both orders, _count and _sum.
  clash(
    "an sm_count sample next to summary sm is refused",
    '# TYPE sm summary\nsm{quantile="0.5"} 1\nsm_sum 1\nsm_count 1\n',
    "sm_count 1\n",
    'collision of "sm_count" with "sm"',
    [`sm{${group("j1")},quantile="0.5"} 1`, `sm_sum{${group("j1")}} 1`, `sm_count{${group("j1")}} 1`],
  ),
  clash(
    "summary sm next to an sm_sum sample is refused",
    "sm_sum 1\n",
    '# TYPE sm summary\nsm{quantile="0.5"} 1\nsm_sum 1\nsm_count 1\n',
    'collision of "sm_sum" with "sm"',
    [`sm_sum{${group("j1")}} 1`],
  ),
  // `_bucket` only collides with histograms.
  bothAccepted(
    "an s_bucket sample next to summary s is accepted",
    '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
    "s_bucket 1\n",
    [`s{${group("j1")},quantile="0.5"} 1`, `s_sum{${group("j1")}} 1`, `s_count{${group("j1")}} 1`, `s_bucket{${group("j2")}} 1`],
  ),
  bothAccepted(
    "summary s next to an s_bucket sample is accepted",
    "s_bucket 1\n",
    '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n',
    [`s_bucket{${group("j1")}} 1`, `s{${group("j2")},quantile="0.5"} 1`, `s_sum{${group("j2")}} 1`, `s_count{${group("j2")}} 1`],
  ),
  // Suffixes only collide with summaries and histograms.
  bothAccepted("an x_count sample next to counter x is accepted", "# TYPE x counter\nx 1\n", "x_count 1\n", [
    `x{${group("j1")}} 1`,
    `x_count{${group("j2")}} 1`,
  ]),
  // §5.3: label names may differ between groups.
  bothAccepted("label names may differ between groups", 'r{a="1"} 1\n', 'r{b="1"} 1\n', [
    `r{a="1",${group("j1")}} 1`,
    `r{b="1",${group("j2")}} 1`,
  ]),
  // §5.3/§5.4: HELP may differ; Go prints the HELP of a random group, so HELP of q is not compared.
  bothAccepted("HELP may differ between groups", "# HELP q one\nq 1\n", "# HELP q two\nq 2\n", [`q{${group("j1")}} 1`, `q{${group("j2")}} 2`], {
    helpChosenAtRandom: ["q"],
  }),
  bothAccepted("HELP may be missing in one group", "# HELP q one\nq 1\n", "q 2\n", [`q{${group("j1")}} 1`, `q{${group("j2")}} 2`], {
    helpChosenAtRandom: ["q"],
  }),
]);

runCases("type changes within one group (SPEC §5.2, §3.1)", [
  // POST replaces the family by name, so its type may change.
  {
    name: "POST may change the type of a family in its own group",
    steps: [put("j1", "# TYPE baz counter\nbaz 1\n", OK), put("j1", "# TYPE baz gauge\nbaz 2\n", OK, "POST")],
    scrape: [`baz{${group("j1")}} 2`, ...gauges(group("j1"))],
  },
  {
    name: "PUT may change the type of a family in its own group",
    steps: [put("j1", "# TYPE baz counter\nbaz 1\n", OK), put("j1", "# TYPE baz gauge\nbaz 2\n", OK)],
    scrape: [`baz{${group("j1")}} 2`, ...gauges(group("j1"))],
  },
]);

const DUPLICATE = `${INVALID}collected metric "a" {…} was collected before with the same name and label values\n`;

runCases("duplicate series (SPEC §5.2)", [
  // Not a parse error: the check finds it, so the group is marked failed.
  {
    name: "the same series twice in one push is refused",
    steps: [put("d", "a 1\na 2\n", { status: 400, body: DUPLICATE })],
    scrape: gauges(group("d"), "0", "<t>"),
  },
  {
    name: "the same labelled series twice in one push is refused",
    steps: [put("d", 'a{x="1"} 1\na{x="1"} 2\n', { status: 400, body: DUPLICATE })],
    scrape: gauges(group("d"), "0", "<t>"),
  },
  // §5.1: body labels overwritten by grouping labels collapse into one series.
  {
    name: "series that collapse under the grouping labels are refused",
    steps: [
      {
        method: "POST",
        path: "/metrics/job/j4/zone/a",
        body: 'foo{zone="b"} 1\nfoo{zone="c"} 2\n',
        expect: {
          status: 400,
          body: `${INVALID}collected metric "foo" {…} was collected before with the same name and label values\n`,
        },
      },
    ],
    scrape: gauges('instance="",job="j4",zone="a"', "0", "<t>"),
  },
  // Across groups: a body instance label in {job="j"} equals the grouping instance of {job="j",instance="x"}.
  {
    name: "the same series from two groups is refused",
    steps: [put("j", 'a{instance="x"} 1\n', OK), put("j/instance/x", "a 2\n", { status: 400, body: DUPLICATE })],
    scrape: ['a{instance="x",job="j"} 1', ...gauges(group("j")), ...gauges('instance="x",job="j"', "0", "<t>")],
  },
  // Re-pushing the same series into its own group replaces it: no duplicate.
  {
    name: "pushing a series again into its own group is accepted",
    steps: [put("d", "a 1\n", OK), put("d", "a 2\n", OK, "POST"), put("d", "a 3\n", OK)],
    scrape: [`a{${group("d")}} 3`, ...gauges(group("d"))],
  },
]);

runCases("label names from the body (SPEC §5.2)", [
  // The text parser accepts `__a`; the check refuses it.
  {
    name: "a body label name starting with __ is refused by the check",
    steps: [
      put("u", 'x{__a="1"} 1\n', {
        status: 400,
        body: `${INVALID}collected metric "x" {…} has a label with an invalid name: __a\n`,
      }),
    ],
    scrape: gauges(group("u"), "0", "<t>"),
  },
  // An ordinary refusal does not block later pushes to other groups.
  {
    name: "a refused push does not block pushes to other groups",
    steps: [
      put("j1", "# TYPE baz counter\nbaz 1\n", OK),
      put("j2", "# TYPE baz gauge\nbaz 2\n", { status: 400 }),
      put("j3", "c 3\n", OK),
    ],
    scrape: [`baz{${group("j1")}} 1`, `c{${group("j3")}} 3`, ...gauges(group("j1")), ...gauges(group("j2"), "0", "<t>"), ...gauges(group("j3"))],
  },
]);
