// `npm run fuzz`: the long fuzz run — many parser inputs in-process, then many requests over HTTP — printing its figures.
//
// Usage: bun test/fuzz/long.ts [parserInputs=1000000] [httpRequests=50000] [seconds=900]
// FUZZ_SEED=<n> picks the seed (printed either way). Every input has its own seed derived from (seed, index),
// so one input is shown (and, for a parser input, parsed) with `FUZZ_SEED=<n> bun test/fuzz/long.ts --replay <index> parser|http`.
// Each phase stops at its count or at half the time budget, whichever comes first.
import { hostileBody, randomCuts, showBytes } from '../helpers/fuzz-mutations.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { startOurGateway } from '../helpers/start-server.ts';
import { FUZZ_MAX_BODY, bodyRequest, pathRequest } from './http-inputs.ts';
import { type FuzzRequest, HttpFuzzSession, showRequest } from './http-session.ts';
import { parseEveryWay } from './parser-verdicts.ts';

const [parserInputs, httpRequests, seconds] = [1_000_000, 50_000, 900].map((fallback, i) => Number(process.argv[2 + i] ?? fallback)) as [number, number, number];
const seed = Number(process.env.FUZZ_SEED ?? 0x10fa);
// Extremes cost ~0.1-0.4 s each in-process; one in 2 000 keeps them a few percent of the run.
const PARSER_EXTREME_RATE = 1 / 2000;
const HTTP_EXTREME_RATE = 1 / 500;
/** Distinct problems kept for the report, each with the first input that showed it. */
const KEPT_PROBLEMS = 20;
/** An error answer larger than this is counted as unbounded (issue #11 item 2). */
const HUGE_ANSWER_BYTES = 64 * 1024;

/** The random source of input `index` of the run with `seed`, independent of every other input. */
function inputRandom(index: number, phase: number): () => number {
  return seededRandom((seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(phase, 0x85ebca6b)) | 0);
}

function parserInput(index: number) {
  const random = inputRandom(index, 1);
  const format = random() < 0.6 ? 'text' as const : 'protobuf' as const;
  const body = hostileBody(random, format, PARSER_EXTREME_RATE);
  return { format, body, cuts: randomCuts(random, body.length) };
}

function httpInput(index: number): FuzzRequest {
  const random = inputRandom(index, 2);
  return random() < 0.5 ? bodyRequest(random, HTTP_EXTREME_RATE) : pathRequest(random);
}

/** Problems by their wording without numbers, each with its count and first input. */
class ProblemLog {
  readonly #byKind = new Map<string, { count: number; first: string }>();
  total = 0;

  add(problem: string, input: string): void {
    this.total++;
    const kind = problem.replace(/\d+/g, 'N').slice(0, 160);
    const entry = this.#byKind.get(kind);
    if (entry !== undefined) entry.count++;
    else if (this.#byKind.size < KEPT_PROBLEMS) this.#byKind.set(kind, { count: 1, first: `${problem}\n    ${input.replaceAll('\n', '\n    ')}` });
  }

  print(): void {
    for (const { count, first } of this.#byKind.values()) console.log(`  ${count} × ${first}`);
  }
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;
}

async function runParsers(deadline: number): Promise<void> {
  const started = performance.now();
  const verdicts = { accepted: 0, refused: 0, 'over a limit': 0 };
  const problems = new ProblemLog();
  let slowest = { ms: 0, index: -1 };
  let i = 0;
  for (; i < parserInputs && Date.now() < deadline; i++) {
    const input = parserInput(i);
    const t = performance.now();
    const result = parseEveryWay(input.body, input.format, input.cuts);
    const ms = performance.now() - t;
    if (ms > slowest.ms) slowest = { ms, index: i };
    verdicts[result.verdict]++;
    for (const problem of result.problems) problems.add(problem, `input ${i} (${input.format}): ${showBytes(input.body)}`);
  }
  const ms = performance.now() - started;
  console.log(`parsers: ${i.toLocaleString('en')} inputs in ${(ms / 1000).toFixed(1)} s (${rate(i, ms)}), ${verdicts.accepted} accepted, ${verdicts.refused} refused, ${verdicts['over a limit']} over a limit, ${problems.total} broken promises; slowest input ${slowest.index} took ${slowest.ms.toFixed(0)} ms`);
  problems.print();
}

async function runHttp(deadline: number): Promise<void> {
  const gateway = await startOurGateway([`--push.max-body-bytes=${FUZZ_MAX_BODY}`]);
  const problems = new ProblemLog();
  let i = 0;
  const started = performance.now();
  try {
    const session = new HttpFuzzSession(gateway);
    await session.start();
    for (; i < httpRequests && Date.now() < deadline; i++) {
      const request = httpInput(i);
      const found = await session.check(request);
      if (session.lastBodyBytes > HUGE_ANSWER_BYTES) found.push(`an answer of ${session.lastBodyBytes} bytes`);
      for (const problem of found) problems.add(problem, `input ${i}: ${showRequest(request)}`);
    }
    const ms = performance.now() - started;
    console.log(`http: ${i.toLocaleString('en')} requests in ${(ms / 1000).toFixed(1)} s (${rate(i, ms)}), ${problems.total} broken promises`);
    for (const [kind, byStatus] of session.statuses) {
      console.log(`  ${kind}: ${[...byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    }
    problems.print();
  } finally {
    await gateway.stop();
  }
}

function replay(index: number, phase: string): void {
  if (phase === 'parser') {
    const input = parserInput(index);
    console.log(input.format, showBytes(input.body, 2000), input.cuts, parseEveryWay(input.body, input.format, input.cuts));
  } else {
    console.log(showRequest(httpInput(index)));
  }
}

if (process.argv[2] === '--replay') {
  replay(Number(process.argv[3]), process.argv[4] ?? 'parser');
} else {
  console.log(`fuzz seed ${seed} (FUZZ_SEED), Bun ${Bun.version}, budget ${seconds} s`);
  const start = Date.now();
  await runParsers(start + (seconds * 1000) / 2);
  await runHttp(Date.now() + (start + seconds * 1000 - Date.now()));
}
