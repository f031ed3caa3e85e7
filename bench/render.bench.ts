// What does a /metrics scrape cost at 1 000 and 10 000 groups (60k / 600k series), cold vs warm vs right after a push,
// text vs gzip, text vs delimited protobuf?
//
//   bun bench/render.bench.ts            (BENCH_MAX_GROUPS=1000 skips the 10 000-group store)
//
// Each task calls handleScrape (src/http/scrape.ts), the handler GET /metrics runs, and reads the response
// body to its last chunk without joining the chunks: the work a server does before the bytes reach the
// socket, whether the handler builds the body at once or streams it lazily (no socket, no client here).
// After every iteration (untimed) the chunks are joined, gunzipped if needed, and the `job_*` sample lines
// counted (anything but groups × 60 throws); then the heap is collected so each sample starts clean
// (GC debt under load is what pgbench's scrape scenario shows). A protobuf scrape (Accept: delimited
// MetricFamily, as Prometheus asks for it) is checked by walking its messages and counting the series of
// each pushed family, which must equal what the pushed bodies hold (protobuf-payloads.ts).
//   warm         the same store scraped again with nothing changed
//   after 1 PUT  one group re-PUT (untimed) before each scrape, round-robin: the store's state changed
//   cold         a freshly populated store (untimed), first scrape: whatever the store or the renderer
//                caches per store is empty; module-level caches may be warm from earlier tasks
//   render only  renderExposition alone, its chunks produced but not joined or compressed
// Protobuf: the first protobuf scrape of a store reads every stored family's text back and encodes its
// series (cached from then on), which is what `cold, protobuf` measures; after 1 PUT pays it for one group.
// protobuf+gzip is measured warm and after 1 PUT only (it compresses the whole body on every scrape).
// Target (issue): 600k series (10 000 groups) ≤ 100 ms, text and gzip.
import { Bench } from 'tinybench';
import { handleScrape } from '../src/http/scrape.ts';
import { SelfMetrics } from '../src/http/self-metrics.ts';
import { createLogger } from '../src/log.ts';
import { renderExposition } from '../src/render/exposition.ts';
import type { Store } from '../src/store/store.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { GROUP_BODIES, SERIES_PER_GROUP, countPayloadLines } from './payloads.ts';
import { countMetricsByFamily } from './protobuf-payloads.ts';
import { latencyMs, printResults, ratio, round3 } from './report.ts';
import { populatedStore, putGroup } from './stores.ts';

const MAX_GROUPS = Number(process.env.BENCH_MAX_GROUPS ?? 10_000);
const SIZES = [1_000, 10_000].filter((groups) => groups <= MAX_GROUPS);
const COLD_ITERATIONS = 4;

type Coding = 'text' | 'gzip' | 'protobuf' | 'protobuf+gzip';
type State = 'warm' | 'after 1 PUT' | 'cold' | 'render only';

interface Case {
  readonly name: string;
  readonly groups: number;
  readonly state: State;
  readonly coding: Coding;
}

const metrics = new SelfMetrics();
// The store here is consistent, so the scrape never logs; errors would still show on stderr.
const log = createLogger({ level: 'error', format: 'logfmt' });
const warmStores = new Map<number, Store>();
const bodyBytes = new Map<string, number>(); // task name → body size on the wire, from the last verification

// One populated store per size, kept while that size's tasks run (the previous size is let go). tinybench
// warms every task up before it runs the first, so by the time a task runs its store may have been built
// anew (another size's tasks ran in between): every warm task scrapes once, untimed, before its samples,
// or its first sample would be a cold scrape (1.5 s for the first protobuf scrape of 10 000 groups).
function warmStore(groups: number): Store {
  let store = warmStores.get(groups);
  if (store === undefined) {
    warmStores.clear();
    store = populatedStore(groups);
    Bun.gc(true);
    warmStores.set(groups, store);
  }
  return store;
}

const PROTOBUF_ACCEPT = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';
const isGzip = (coding: Coding): boolean => coding === 'gzip' || coding === 'protobuf+gzip';
const isProtobuf = (coding: Coding): boolean => coding === 'protobuf' || coding === 'protobuf+gzip';

function scrape(store: Store, coding: Coding): Response {
  const headers: Record<string, string> = {};
  if (isGzip(coding)) headers['accept-encoding'] = 'gzip';
  if (isProtobuf(coding)) headers.accept = PROTOBUF_ACCEPT;
  return handleScrape(new Request('http://127.0.0.1/metrics', { headers }), store, metrics, log);
}

// Series per pushed family in each of pgbench's body variants, read with the text parser once.
const variantMetrics = GROUP_BODIES.map((body) => new Map(parseText(body).map((family) => [family.name, family.metrics.length])));

/** Series per pushed family in a store holding groups 0..groups-1 (group i has variant i mod 64). */
function expectedMetrics(groups: number): Map<string, number> {
  const expected = new Map<string, number>();
  for (let i = 0; i < groups; i++) {
    for (const [name, count] of variantMetrics[i % variantMetrics.length]!) expected.set(name, (expected.get(name) ?? 0) + count);
  }
  return expected;
}
const expectedBySize = new Map(SIZES.map((groups) => [groups, expectedMetrics(groups)]));

// Reads the body to its end as a server would, keeping the chunks (views, not copies) for the check.
async function drain(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  if (response.body === null) return chunks;
  const reader = response.body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
  return chunks;
}

// Checks status, coding and that every pushed series is in the body.
function verifyScrape(item: Case, response: Response | undefined, chunks: Uint8Array[]): void {
  if (response === undefined) throw new Error(`${item.name}: no response`);
  if (response.status !== 200) throw new Error(`${item.name}: status ${response.status}`);
  const gzipped = response.headers.get('content-encoding') === 'gzip';
  if (gzipped !== isGzip(item.coding)) throw new Error(`${item.name}: content-encoding ${response.headers.get('content-encoding')}`);
  const protobuf = response.headers.get('content-type') === PROTOBUF_ACCEPT;
  if (protobuf !== isProtobuf(item.coding)) throw new Error(`${item.name}: content-type ${response.headers.get('content-type')}`);
  const wire = Buffer.concat(chunks);
  bodyBytes.set(item.name, wire.length);
  const body = gzipped ? Bun.gunzipSync(wire) : wire;
  if (protobuf) verifyMessages(item, body);
  else verifyLines(item, body);
}

// Every pushed family carries exactly the series the pushed bodies hold (the gateway's own families aside).
function verifyMessages(item: Case, body: Uint8Array): void {
  const expected = expectedBySize.get(item.groups)!;
  const got = countMetricsByFamily(body);
  for (const [name, count] of expected) {
    if (got.get(name) !== count) throw new Error(`${item.name}: ${got.get(name) ?? 0} series of ${name} in the body, expected ${count}`);
  }
  for (const name of got.keys()) {
    if (name.startsWith('job_') && !expected.has(name)) throw new Error(`${item.name}: unexpected family ${name}`);
  }
}

function verifyLines(item: Case, body: Uint8Array): void {
  const expected = item.groups * SERIES_PER_GROUP;
  const got = countPayloadLines(body);
  if (got !== expected) throw new Error(`${item.name}: ${got} pushed series in the body, expected ${expected}`);
}

// A 10 000-group body is 87 MB, and verifying it makes as much again: collect after every iteration
// (untimed) so that no sample pays for the garbage of the one before. pgbench measures the real mix.
function settle(): void {
  Bun.gc(true);
}

const warm = new Bench({ name: 'scrape', time: 2000, warmupTime: 300, iterations: 10, throws: true });
// Every cold iteration needs a new store (1–2 s to populate 10 000 groups), so a fixed few.
const cold = new Bench({ name: 'scrape, cold', time: 0, iterations: COLD_ITERATIONS, warmupTime: 0, warmupIterations: 1, throws: true });
const cases: Case[] = [];

function addScrape(bench: Bench, groups: number, state: Exclude<State, 'render only'>, coding: Coding): void {
  const item: Case = { name: `${groups} groups: ${state}, ${coding}`, groups, state, coding };
  cases.push(item);
  let store: Store | undefined;
  let response: Response | undefined;
  let chunks: Uint8Array[] = [];
  let next = 0;
  bench.add(
    item.name,
    async () => {
      response = scrape(store!, coding);
      chunks = await drain(response);
    },
    {
      async beforeAll() {
        if (state === 'cold') return;
        store = warmStore(groups);
        await drain(scrape(store, coding)); // see warmStore: the first sample must not be this one
        settle();
      },
      beforeEach() {
        if (state === 'cold') {
          store = undefined;
          store = populatedStore(groups);
          Bun.gc(true); // "cold" is about the first scrape's work, not the garbage populating left behind
        } else if (state === 'after 1 PUT') {
          next = (next + 1) % groups;
          putGroup(store!, next); // same body and time as before: the output stays byte-identical
        }
        response = undefined;
        chunks = [];
      },
      afterEach() {
        verifyScrape(item, response, chunks);
        response = undefined;
        chunks = [];
        settle();
      },
      afterAll(mode) {
        if (state === 'cold' && mode === 'run') store = undefined;
      },
    },
  );
}

function addRenderOnly(groups: number): void {
  const item: Case = { name: `${groups} groups: render only (parts)`, groups, state: 'render only', coding: 'text' };
  cases.push(item);
  let store: Store | undefined;
  let parts: Uint8Array[] = [];
  warm.add(
    item.name,
    () => {
      // Collected into an array: the renderer may hand out its chunks lazily.
      parts = [...renderExposition(store!.groups(), metrics.families(Date.now()))];
    },
    {
      beforeAll() {
        store = warmStore(groups);
        void [...renderExposition(store.groups(), metrics.families(Date.now()))]; // see warmStore
        settle();
      },
      afterEach() {
        verifyLines(item, Buffer.concat(parts));
        parts = [];
        settle();
      },
    },
  );
}

for (const groups of SIZES) {
  addRenderOnly(groups);
  for (const coding of ['text', 'gzip'] as const) {
    addScrape(warm, groups, 'warm', coding);
    addScrape(warm, groups, 'after 1 PUT', coding);
    addScrape(cold, groups, 'cold', coding);
  }
  for (const coding of ['protobuf', 'protobuf+gzip'] as const) {
    addScrape(warm, groups, 'warm', coding);
    addScrape(warm, groups, 'after 1 PUT', coding);
    if (coding === 'protobuf') addScrape(cold, groups, 'cold', coding);
  }
}

await warm.run();
warmStores.clear();
await cold.run();

function warmName(item: Case): string {
  return `${item.groups} groups: warm, ${item.coding}`;
}

function renamed(item: Case, coding: Coding): string {
  return `${item.groups} groups: ${item.state}, ${coding}`;
}

// Ratios use medians: a major GC landing in one 10 000-group sample moves the mean by tens of percent.
function timesOf(name: string): { mean: number; median: number } {
  return latencyMs(warm.getTask(name) !== undefined ? warm : cold, name);
}

const derived = cases.map((item) => {
  const { mean, median } = timesOf(item.name);
  const series = item.groups * SERIES_PER_GROUP;
  const bytes = bodyBytes.get(item.name);
  return {
    task: item.name,
    'mean ms': round3(mean),
    'median ms': round3(median),
    'series/s (median)': round3((series * 1000) / median),
    'body MB': bytes === undefined ? '—' : round3(bytes / 1e6),
    'vs warm': item.state === 'warm' ? '1x' : ratio(timesOf(warmName(item)).median, median),
    // gzip against the same format uncompressed; protobuf against text with the same compression.
    'gzip vs identity': isGzip(item.coding) ? ratio(timesOf(renamed(item, item.coding === 'gzip' ? 'text' : 'protobuf')).median, median) : '',
    'protobuf vs text': isProtobuf(item.coding) ? ratio(timesOf(renamed(item, item.coding === 'protobuf' ? 'text' : 'gzip')).median, median) : '',
  };
});
printResults('scrape — warm, after 1 PUT, render only (2 s and ≥ 10 iterations per task)', warm, []);
printResults(`scrape — cold (${COLD_ITERATIONS} iterations, each on a freshly populated store)`, cold, derived);
