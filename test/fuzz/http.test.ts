// Hostile bodies and odd grouping paths over real HTTP to one gateway: it stays up, answers an allowed status, and a refusal changes nothing.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { seededRandom } from '../helpers/seeded-random.ts';
import { type Gateway, startOurGateway } from '../helpers/start-server.ts';
import { FUZZ_MAX_BODY, bodyRequest, pathRequest } from './http-inputs.ts';
import { type FuzzRequest, HttpFuzzSession, showRequest } from './http-session.ts';

// FUZZ_SEED replays a failing run; otherwise a fixed seed keeps npm test deterministic.
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed11);
const BODIES = 2_000;
const PATHS = 2_000;
// Each test runs ~5 s: its own timeout, so that a plain `bun test test/fuzz` (5 s default) runs it too.
const TIMEOUT_MS = 60_000;
// A few structural extremes (10 000 labels, 1 MiB values, 20 000 duplicates) among the bodies.
const EXTREME_RATE = 6 / BODIES;

let gateway: Gateway;
let session: HttpFuzzSession;
beforeAll(async () => {
  gateway = await startOurGateway([`--push.max-body-bytes=${FUZZ_MAX_BODY}`]);
  session = new HttpFuzzSession(gateway);
  await session.start();
});
afterAll(async () => {
  await gateway?.stop();
});

/** Sends `count` requests from `next` and fails at the first broken promise, naming the seed and the input. */
async function fuzz(count: number, seed: number, next: (random: () => number) => FuzzRequest): Promise<void> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const request = next(random);
    const problems = await session.check(request);
    if (problems.length > 0) {
      throw new Error(`input ${i} of FUZZ_SEED=${SEED}: ${problems.join('; ')}\n${showRequest(request)}\ngateway log: ${gateway.log().slice(-2000)}`);
    }
  }
}

describe('a gateway fuzzed over HTTP', () => {
  test(`${BODIES} hostile text and protobuf bodies (seed ${SEED})`, async () => {
    await fuzz(BODIES, SEED, (random) => bodyRequest(random, EXTREME_RATE));
    const kinds = session.statuses;
    // Both outcomes must occur for both formats, or the mutations no longer reach past the parser.
    for (const kind of ['text body', 'protobuf body']) {
      expect(kinds.get(kind)?.get(200) ?? 0).toBeGreaterThan(10);
      expect(kinds.get(kind)?.get(400) ?? 0).toBeGreaterThan(10);
    }
  }, TIMEOUT_MS);

  test(`${PATHS} odd grouping paths (seed ${SEED + 1})`, async () => {
    await fuzz(PATHS, SEED + 1, (random) => pathRequest(random));
    const paths = session.statuses.get('grouping path')!;
    expect(paths.get(200) ?? 0).toBeGreaterThan(10);
    expect(paths.get(400) ?? 0).toBeGreaterThan(10);
  }, TIMEOUT_MS);
});
