// What expiry adds to a push (issue #14): one DeadlineHeap.set that sinks a group from the root to a leaf, at 100 / 10 000 / 100 000 groups.
//
//   npx bun bench/deadline-heap.bench.ts
//
// With --metrics.ttl every successful push moves its group's deadline. Pushed round-robin, the group pushed
// next is always the one pushed longest ago: the heap's root, whose new deadline is later than every other,
// so it sinks to a leaf, the most a push can cost here (store.bench.ts measures whole pushes with a TTL; on
// a busy machine its difference is lost in the noise, this is the part that differs). Each iteration checks
// that the root moved on, so a broken heap cannot look fast.
import { Bench } from 'tinybench';
import { DeadlineHeap } from '../src/store/deadline-heap.ts';
import { latencyMs, printResults, round3 } from './report.ts';

const SIZES = [100, 10_000, 100_000];
const bench = new Bench({ name: 'deadline heap', time: 1000, warmupTime: 200, throws: true });

for (const groups of SIZES) {
  // Keys shaped like grouping keys (`instance␣w17␣job␣etl`), as the store's are.
  const keys = Array.from({ length: groups }, (_, i) => `instance\uffffw${i}\uffffjob\uffffetl`);
  const heap = new DeadlineHeap();
  let time = 0;
  for (const key of keys) heap.set(key, time++);
  bench.add(`re-push sinks root to leaf, ${groups} groups`, () => {
    const key = heap.earliestKey!;
    heap.set(key, time++);
    if (heap.earliestKey === key) throw new Error('the re-pushed group stayed at the root');
  });
}

await bench.run();
printResults(
  'deadline heap — one re-push moves its group from the root to a leaf',
  bench,
  bench.tasks.map((task) => ({ task: task.name, 'median ns': round3(latencyMs(bench, task.name).median * 1e6) })),
);
