// The push-time consistency check (SPEC §5.2–§5.4, the §5.2 table), Go vs ours.
// Error texts are compared after normaliseErrorBody: the `<metric>` rendering, the type named in a type
// clash and the wording of a suffix collision follow Go's random map order (SPEC §5.2).
import { gauges, runCases } from "./differential.ts";
import { ACROSS_GROUPS, INVALID, OK, group, put } from "./consistency.cases.ts";

runCases("type and suffix rules across groups (SPEC §5.2)", ACROSS_GROUPS);

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
