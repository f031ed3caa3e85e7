// Cases of consistency.test.ts (Go vs ours) shared with the replica test (test/replica/), and the helpers that build them.
import { type Case, type Step, gauges } from "./differential.ts";

export const INVALID = "pushed metrics are invalid or inconsistent with existing metrics: ";

/** The normalised labels of group {job=<job>}. */
export function group(job: string): string {
  return `instance="",job="${job}"`;
}

export function put(job: string, body: string, expect: Step["expect"], method = "PUT"): Step {
  return { method, path: `/metrics/job/${job}`, body, expect };
}

export const OK = { status: 200, body: "" };

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

/** Type and suffix rules across groups (SPEC §5.2): a first push to j1, a second to j2. */
export const ACROSS_GROUPS: Case[] = [
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
];
