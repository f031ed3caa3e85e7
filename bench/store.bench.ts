// Does one push cost the same whatever the store size? store.apply of one pgbench PUT into 100 vs 10 000 vs 100 000 groups.
//
//   bun bench/store.bench.ts            (BENCH_MAX_GROUPS=10000 skips the 100 000-group store: ~25 s and ~1.5 GB less)
//
// Each iteration replaces the next group round-robin with its own pgbench body (60 series), as pgbench's
// push scenario does at G > 0, so the store size stays G. The body goes through the text fast path before
// the iteration (untimed: parse.bench.ts measures that), as a push of an in-hand text body does; only apply
// is timed: the consistency check against the indexes and the index updates. With the check off the store
// keeps the structured families, so that case applies parsed families (sanitising and encoding them, timed).
// Every iteration checks the result and the store size. The Go gateway's check costs 0.9–1.8 µs per stored series per push (shared/pgbench/BASELINE.md);
// ours must stay flat. Target (issue): push cost at 10 000 groups within 15 % of the small store.
// Also printed: what populating cost in memory, per pushed series (target ≤ 350 B; the RSS figure of a real
// server is pgbench's memory scenario).
// With --metrics.ttl (issue #14) every push also moves its group's deadline in the store's heap: those cases
// push each time a millisecond later than the last, so the re-pushed group (the one whose deadline is the
// earliest, round-robin) sinks from the root to a leaf, log2(groups) moves, the most a push can cost there.
import { Bench } from 'tinybench';
import type { ExpiryPolicy } from '../src/model/expiry.ts';
import type { EncodedFamily } from '../src/model/group.ts';
import type { MetricFamily } from '../src/model/metric.ts';
import type { Store } from '../src/store/store.ts';
import { GROUP_BODIES, SERIES_PER_GROUP, groupBody, groupLabels } from './payloads.ts';
import { meanMs, printResults, ratio, round3 } from './report.ts';
import { PUSH_TIME_MS, populatedStore } from './stores.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { transcodeText } from '../src/parse/text-transcoder.ts';

const MAX_GROUPS = Number(process.env.BENCH_MAX_GROUPS ?? 100_000);
const SIZES = [100, 10_000, 100_000].filter((groups) => groups <= MAX_GROUPS);
const BASELINE_GROUPS = SIZES[0]!;

interface Case {
  readonly name: string;
  readonly groups: number;
  readonly checkConsistency: boolean;
  readonly expiry?: ExpiryPolicy;
}

interface Footprint {
  readonly groups: number;
  readonly populateS: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
}

const footprints: Footprint[] = [];

function memoryNow(): { rss: number; heap: number } {
  Bun.gc(true);
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed + usage.arrayBuffers };
}

// Builds the store once for both phases (warmup, run) and records what it cost.
function buildStore(item: Case): Store {
  const before = memoryNow();
  const started = performance.now();
  const store = populatedStore(item.groups, item.checkConsistency, item.expiry);
  const populateS = (performance.now() - started) / 1000;
  const after = memoryNow();
  // A store of 100 groups is too small to tell from the noise of the process's own allocations.
  if (item.checkConsistency && item.groups >= 10_000 && item.expiry === undefined) {
    footprints.push({ groups: item.groups, populateS, rssBytes: after.rss - before.rss, heapBytes: after.heap - before.heap });
  }
  return store;
}

const bench = new Bench({ name: 'store.apply', time: 1500, warmupTime: 300, throws: true });
const cases: Case[] = [];

/** `--metrics.ttl=5m`: every group has a deadline, which every push moves. */
const TTL: ExpiryPolicy = { ttlMs: 5 * 60_000, maxTtlMs: 0 };

function addCase(groups: number, checkConsistency: boolean, expiry?: ExpiryPolicy): void {
  const name = `apply PUT into ${groups} groups${checkConsistency ? '' : ' (check off)'}${expiry === undefined ? '' : ' (TTL)'}`;
  const item: Case = { name, groups, checkConsistency, expiry };
  cases.push(item);
  let store: Store | undefined;
  let families: MetricFamily[] = [];
  let encoded: EncodedFamily[] = [];
  let next = 0;
  // With a TTL, each push a millisecond after the last moves its deadline past every other group's.
  let timeMs = PUSH_TIME_MS;
  const structured = (): never => {
    throw new Error('the store asked for the structured families of an accepted push');
  };
  bench.add(
    name,
    () => {
      const labels = groupLabels(next);
      const result = checkConsistency
        ? store!.apply({ labels, encoded: { families: encoded, structured }, replace: true, timeMs })
        : store!.apply({ labels, families, replace: true, timeMs });
      if (!result.ok) throw new Error(`push refused: ${result.error}`);
      if (store!.size !== groups) throw new Error(`store size ${store!.size}, expected ${groups}`);
    },
    {
      beforeAll() {
        store ??= buildStore(item);
      },
      beforeEach() {
        next = (next + 1) % groups;
        if (expiry !== undefined) timeMs++;
        if (checkConsistency) {
          const fast = transcodeText(groupBody(next), groupLabels(next));
          if (fast === undefined) throw new Error(`the fast path gave up on group ${next}'s body`);
          encoded = fast;
        } else {
          families = parseText(groupBody(next));
        }
      },
      afterAll(mode) {
        if (mode === 'run') store = undefined; // let the next size have the memory
      },
    },
  );
}

for (const groups of SIZES) addCase(groups, true);
if (SIZES.includes(10_000)) addCase(10_000, false);
for (const groups of SIZES) addCase(groups, true, TTL);

await bench.run();

const baseMs = meanMs(bench, cases[0]!.name);
printResults(
  `store.apply — one PUT of the pgbench body (${SERIES_PER_GROUP} series, ${GROUP_BODIES.length} variants)`,
  bench,
  cases.map((item) => {
    const ms = meanMs(bench, item.name);
    return {
      task: item.name,
      'µs per push': round3(ms * 1000),
      'series/s': round3((SERIES_PER_GROUP * 1000) / ms),
      [`vs ${BASELINE_GROUPS} groups`]: ratio(baseMs, ms),
    };
  }),
);
if (footprints.length > 0) {
  console.log('memory of the populated stores (after a full GC; RSS of this process, heap = JS heap + ArrayBuffers):');
  console.table(
    footprints.map((f) => ({
      groups: f.groups,
      'populate s': round3(f.populateS),
      'populate groups/s': round3(f.groups / f.populateS),
      'RSS B/series': round3(f.rssBytes / (f.groups * SERIES_PER_GROUP)),
      'heap B/series': round3(f.heapBytes / (f.groups * SERIES_PER_GROUP)),
    })),
  );
}
