// What does GET /api/v1/metrics cost at 10 000 groups (600k series) without the per-group JSON cache, warm, and right after a push?
//
//   bun bench/api.bench.ts            (BENCH_GROUPS=1000 for a smaller store)
//
// Each task builds the body's parts as the API handler (src/http/api.ts) does and sums their lengths: the
// work before the bytes go to the socket (partsStream writes the parts as they are; reading the stream back
// in-process, as Response.arrayBuffer does, adds ~0.85 s of copying 72 MiB through a direct stream, which
// says nothing about the cache):
//   uncached     a fresh ApiMetricsCache per request: every group encoded, what the API cost before the cache
//                (and what Go does on every request, SPEC §12)
//   warm         the same store asked again with nothing changed: the assembled parts reused
//   after 1 PUT  one group re-PUT (untimed) before each request, round-robin: one fragment encoded, the rest reused
// After every request (untimed) the body's length is checked against the first full encoding, and once its
// JSON is parsed and its groups counted, so a broken cache cannot look fast.
import { Bench } from 'tinybench';
import { createApi } from '../src/http/api.ts';
import { parseFlags } from '../src/flags.ts';
import { ApiMetricsCache } from '../src/render/api-metrics.ts';
import { latencyMs, printResults, ratio, round3 } from './report.ts';
import { populatedStore, putGroup } from './stores.ts';
import { storeWriter } from '../src/store/writer.ts';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 10_000);
const parsed = parseFlags([]);
if (parsed.kind !== 'run') throw new Error('no config');
const config = parsed.config;

function bodyBytes(cache: ApiMetricsCache): number {
  let length = 0;
  for (const part of cache.body(store.groups())) length += part.length;
  return length;
}

const store = populatedStore(GROUPS);
const first = await createApi(config, '', store, storeWriter(store)).metrics().text();
const groups = (JSON.parse(first) as { data: unknown[] }).data.length;
if (groups !== GROUPS) throw new Error(`expected ${GROUPS} groups, got ${groups}`);
const expected = new TextEncoder().encode(first).length;
console.log(`${GROUPS} groups: ${(expected / 2 ** 20).toFixed(1)} MiB of JSON`);

const cache = new ApiMetricsCache();
let next = 0;
const check = (length: number) => {
  if (length !== expected) throw new Error(`body of ${length} bytes, expected ${expected}`);
};
const bench = new Bench({ time: 1_000, iterations: 5 });
bench
  .add('uncached (every group encoded)', () => check(bodyBytes(new ApiMetricsCache())))
  .add('warm', () => check(bodyBytes(cache)))
  .add('after 1 PUT', () => check(bodyBytes(cache)), {
    // Same body, same push time: the group is new, its bytes are the same.
    beforeEach: () => putGroup(store, next++ % GROUPS),
  });
await bench.run();
const uncached = latencyMs(bench, 'uncached (every group encoded)');
printResults(`GET /api/v1/metrics, ${GROUPS} groups`, bench, ['warm', 'after 1 PUT'].map((task) => {
  const cached = latencyMs(bench, task);
  return { task, 'median ms': round3(cached.median), 'uncached median ms': round3(uncached.median), speed_up: ratio(cached.median, uncached.median) };
}));
