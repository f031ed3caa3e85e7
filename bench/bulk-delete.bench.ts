// What does DELETE /api/v1/admin/groups cost at 100 000 groups? The selector walk (dry run) and the delete with its journal record, vs 10 000 groups.
//
//   bun bench/bulk-delete.bench.ts      (~20 s; BENCH_MAX_GROUPS=10000 skips the 100 000-group store)
//
// The walk matches every group's grouping labels (issue #14 allows a walk for this admin call); what the groups
// hold does not enter it, so each group holds one series (`x 1`) and the stores stay small. Labels: job
// `job_<i mod 100>`, instance `host-<i>`: `{job="job_7"}` matches 1 % of the groups, the regex selector 11 %.
// The delete task takes 1 % of the groups, put back before the next iteration (untimed); its journal
// variant also encodes the one record the journal would append (persist/journal-format.ts), without I/O.
// Every task checks its count.
import { Bench } from 'tinybench';
import { type LabelMatcher, checkNonEmpty, matchesAny, parseGroupSelector } from '../src/model/label-matchers.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { deleteGroupsRecord } from '../src/persist/journal-format.ts';
import type { Store } from '../src/store/store.ts';
import { meanMs, printResults, ratio, round3 } from './report.ts';
import { PUSH_TIME_MS, newStore } from './stores.ts';

const MAX_GROUPS = Number(process.env.BENCH_MAX_GROUPS ?? 100_000);
const SIZES = [10_000, 100_000].filter((groups) => groups <= MAX_GROUPS);
const JOBS = 100;

const labelsOf = (i: number) => ['instance', `host-${i}`, 'job', `job_${i % JOBS}`];

function put(store: Store, i: number): void {
  const result = store.apply({ labels: labelsOf(i), families: parseText('x 1\n'), replace: true, timeMs: PUSH_TIME_MS });
  if (!result.ok) throw new Error(result.error);
}

function selector(text: string): readonly LabelMatcher[] {
  const matchers = parseGroupSelector(text);
  checkNonEmpty(matchers);
  return matchers;
}

const EQUAL = [selector('{job="job_7"}')];
const REGEX = [selector('{job=~"job_7.*",instance!=""}')];

function check(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`${what}: ${got}, want ${want}`);
}

const bench = new Bench({ name: 'bulk delete', time: 1500, warmupTime: 300, throws: true });
const rows: { task: string; groups: number; matched: number }[] = [];

for (const groups of SIZES) {
  const store = newStore();
  for (let i = 0; i < groups; i++) put(store, i);
  const onePercent = groups / JOBS;
  const dryRun = (selectors: readonly (readonly LabelMatcher[])[]) => store.groups().filter((group) => matchesAny(selectors, group.labels)).length;
  // Before each iteration of every task (warmup included): the groups a delete took are back.
  const refill = () => {
    if (store.size === groups) return;
    for (let i = 7; i < groups; i += JOBS) put(store, i);
    check('store size', store.size, groups);
  };
  const add = (task: string, matched: number, fn: () => void) => {
    rows.push({ task: `${task} at ${groups} groups`, groups, matched });
    bench.add(`${task} at ${groups} groups`, fn, { beforeEach: refill });
  };
  add('dry run {job="job_7"}', onePercent, () => check('dry run', dryRun(EQUAL), onePercent));
  add('dry run {job=~"job_7.*",instance!=""}', 11 * onePercent, () => check('dry run', dryRun(REGEX), 11 * onePercent));
  add('delete {job="job_7"}', onePercent, () => check('deleted', store.deleteMatching(EQUAL), onePercent));
  let recordBytes = 0;
  store.subscribe((change) => {
    if (change.kind === 'delete-many') recordBytes = deleteGroupsRecord(change.groups.map((group) => group.labels)).reduce((sum, part) => sum + part.length, 0);
  });
  add('delete {job="job_7"} + journal record', onePercent, () => {
    check('deleted', store.deleteMatching(EQUAL), onePercent);
    if (recordBytes === 0) throw new Error('no journal record encoded');
  });
}

await bench.run();
const base = SIZES[0]!;
printResults(
  'bulk delete — selector walk and delete (one series per group)',
  bench,
  rows.map(({ task, groups, matched }) => {
    const ms = meanMs(bench, task);
    const baseTask = task.replace(` at ${groups} groups`, ` at ${base} groups`);
    return { task, 'mean ms': round3(ms), 'ns per group walked': round3((ms * 1e6) / groups), matched, [`vs ${base} groups`]: ratio(meanMs(bench, baseTask), ms) };
  }),
);
