// What persistence costs: a journal record per push, a snapshot of 10 000 groups written and read, a restore.
//
//   bun bench/persist.bench.ts
//
// The store is pgbench's 10 000 groups (600 000 series). Per push, the journal encodes the group's head and
// checksums its bytes (the fsync is the disk's, measured end to end by pgbench); a snapshot is a header, each
// group's head and texts (heads cached from the journal, or encoded cold) and a CRC-32; start-up reads the
// bytes back (checksum, heads, texts copied, series hashes recomputed) and rebuilds the store's indexes.
// Every task checks its result (sizes, group counts), so nothing can be optimised away or silently broken.
// Last, a real snapshot file is written (cold: no cached heads) while a 1 ms timer measures the longest time
// the event loop was held: what a push or scrape arriving meanwhile would wait at most.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { writeAtomically } from '../src/persist/atomic-file.ts';
import type { Group } from '../src/model/group.ts';
import { setGroupRecord } from '../src/persist/journal-format.ts';
import { readSnapshot, snapshotParts } from '../src/persist/snapshot.ts';
import { encodeGroup, lengthOf } from '../src/stored/group-bytes.ts';
import { SERIES_PER_GROUP } from './payloads.ts';
import { meanMs, printResults, round3 } from './report.ts';
import { newStore, populatedStore } from './stores.ts';

const GROUPS = 10_000;
const store = populatedStore(GROUPS);
const groups = store.groups();
const warmHeads = new WeakMap<Group, Uint8Array[]>();
const snapshot = Buffer.concat([...snapshotParts(groups, 0, warmHeads)]);

const bench = new Bench({ name: 'persistence', time: 2000, warmupTime: 300, throws: true, iterations: 5 });
let next = 0;
bench
  .add('journal record of one pushed group', () => {
    const group = groups[next++ % GROUPS]!;
    const record = setGroupRecord(encodeGroup(group));
    if (lengthOf(record) < 5000) throw new Error('a record without its texts');
  })
  .add(`snapshot of ${GROUPS} groups, heads cached`, () => {
    const length = lengthOf([...snapshotParts(groups, 0, warmHeads)]);
    if (length !== snapshot.length) throw new Error(`snapshot of ${length} bytes, expected ${snapshot.length}`);
  })
  .add(`snapshot of ${GROUPS} groups, cold`, () => {
    const length = lengthOf([...snapshotParts(groups, 0, new WeakMap())]);
    if (length !== snapshot.length) throw new Error(`snapshot of ${length} bytes, expected ${snapshot.length}`);
  })
  .add(`read a snapshot of ${GROUPS} groups`, () => {
    if (readSnapshot(snapshot).groups.length !== GROUPS) throw new Error('groups lost');
  })
  .add(`read and restore ${GROUPS} groups`, () => {
    const restored = newStore();
    restored.restore(readSnapshot(snapshot).groups);
    if (restored.size !== GROUPS) throw new Error('groups lost');
  });

await bench.run();

const series = GROUPS * SERIES_PER_GROUP;
printResults(
  `persistence — pgbench store of ${GROUPS} groups (${series} series, snapshot ${round3(snapshot.length / 2 ** 20)} MiB)`,
  bench,
  bench.tasks.map((task) => {
    const ms = meanMs(bench, task.name);
    return { task: task.name, ms: round3(ms), 'series/s': task.name.startsWith('journal') ? round3((SERIES_PER_GROUP * 1000) / ms) : round3((series * 1000) / ms) };
  }),
);

// The longest stall of the event loop while the snapshot file is written cold, as the shutdown or a
// scheduled write does it: a timer that should fire every millisecond records the largest gap.
const dir = mkdtempSync(join(tmpdir(), 'pg-persist-bench-'));
try {
  const file = join(dir, 'pg.data');
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await writeAtomically(file, snapshotParts(groups, 0, new WeakMap()));
  const took = performance.now() - started;
  clearInterval(timer);
  if (statSync(file).size !== snapshot.length) throw new Error('the snapshot file has the wrong size');
  console.log(`snapshot file of ${round3(snapshot.length / 2 ** 20)} MiB written (cold) in ${round3(took)} ms; longest event-loop stall ${round3(longest)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
