// The text and protobuf parsers in-process on many seeded hostile bodies: only the parse room's own errors, and chunking changes nothing.
import { describe, expect, test } from 'bun:test';
import { type BodyFormat, hostileBody, randomCuts, showBytes } from '../helpers/fuzz-mutations.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { parseEveryWay } from './parser-verdicts.ts';

// FUZZ_SEED replays a failing run; otherwise a fixed seed keeps npm test deterministic.
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed11);
const INPUTS = 20_000;
// About eight structural extremes per format: each costs ~0.1-0.4 s through the three parses.
const EXTREME_RATE = 8 / INPUTS;

describe.each(['text', 'protobuf'] as BodyFormat[])('the %s parser on mutated bodies', (format) => {
  test(`${INPUTS} inputs: nothing but the parse room's errors, and the same end whole or chunked (seed ${SEED})`, () => {
    const random = seededRandom(SEED + (format === 'text' ? 0 : 1));
    const verdicts = { accepted: 0, refused: 0, 'over a limit': 0 };
    for (let i = 0; i < INPUTS; i++) {
      const body = hostileBody(random, format, EXTREME_RATE);
      const cuts = randomCuts(random, body.length);
      const result = parseEveryWay(body, format, cuts);
      verdicts[result.verdict]++;
      if (result.problems.length > 0) {
        throw new Error(`input ${i} of seed ${SEED} (FUZZ_SEED=${SEED}): ${result.problems.join('; ')}\nbody: ${showBytes(body)}`);
      }
    }
    // Both verdicts must occur, or the mutations have stopped reaching one side of the parser.
    expect(verdicts.accepted).toBeGreaterThan(INPUTS / 50);
    expect(verdicts.refused).toBeGreaterThan(INPUTS / 50);
  }, 60_000);
});
