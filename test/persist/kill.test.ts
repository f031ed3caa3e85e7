// Killed under concurrent load, the gateway loses no acknowledged write: after a restart every group holds its last 2xx op, or the op in flight at the kill, whole (SIGKILL with the journal, SPEC D6; SIGTERM without it, as Go).
import { afterAll, describe, expect, test } from 'bun:test';
import { PROTOBUF_ACCEPT } from '../helpers/http.ts';
import { decodeDelimited } from '../helpers/metrics-proto.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';
import type { Gateway } from '../helpers/start-server.ts';

/** Replay a failure with `PG_SEED=<seed> npx bun test test/persist/kill.test.ts` (the kill moments still vary). */
const SEED = Number(process.env.PG_SEED ?? 20261206);
const PUSHERS = 16;
const GROUPS_PER_PUSHER = 3;
/** SIGKILLs in the first test; the second stops with SIGTERM, fewer times (its promise is Go's, and simpler). */
const KILL_ROUNDS = 8;
const TERM_ROUNDS = 3;
/** The load runs this long (ms, picked per round) before the signal. */
const LOAD_MS = { min: 50, max: 800 };
/**
 * Odd rounds snapshot every 100 ms, so kills land in snapshots, journal rotations and the removal of the
 * generations a snapshot holds; even rounds keep the default interval, and the journal alone holds the load.
 */
const INTERVALS = ['5m', '100ms'];

/** Every family name and its type: a push carries a subset, all with the op's id as their value. */
const FAMILIES = ['kill_c', 'kill_g', 'kill_h', 'kill_s', 'kill_u'] as const;
type FamilyName = (typeof FAMILIES)[number];

/**
 * kill_g's series: enough (~9 KiB a push) that a journal write takes a while, so kills land inside writes
 * and a record written after its 2xx would show.
 */
const GAUGE_SERIES = Array.from({ length: 250 }, (_, i) => `s${i}`);

/** The text of family `name` with value `id` everywhere (histogram and summary: buckets, quantile, sum and count). */
function familyText(name: FamilyName, id: number): string {
  switch (name) {
    case 'kill_c':
      return `# TYPE kill_c counter\nkill_c ${id}\n`;
    case 'kill_g':
      return `# TYPE kill_g gauge\n${GAUGE_SERIES.map((series) => `kill_g{series="${series}"} ${id}\n`).join('')}`;
    case 'kill_h':
      return `# TYPE kill_h histogram\nkill_h_bucket{le="1"} ${id}\nkill_h_bucket{le="+Inf"} ${id}\nkill_h_sum ${id}\nkill_h_count ${id}\n`;
    case 'kill_s':
      return `# TYPE kill_s summary\nkill_s{quantile="0.5"} ${id}\nkill_s_sum ${id}\nkill_s_count ${id}\n`;
    case 'kill_u':
      return `kill_u ${id}\n`;
  }
}

/** One write of a pusher to one of its groups; `id` is unique over the whole test and is every value it pushes. */
interface Op {
  readonly method: 'PUT' | 'POST' | 'DELETE';
  readonly id: number;
  readonly families: readonly FamilyName[];
}

/** A group's state: family → the id of the op that last wrote it; undefined = no such group. */
type State = ReadonlyMap<string, number> | undefined;

/** What `op` makes of `state` (SPEC §3.1): PUT replaces the group, POST replaces the families it carries, DELETE drops it. */
function applyOp(state: State, op: Op): State {
  if (op.method === 'DELETE') return undefined;
  const next = new Map(op.method === 'POST' ? state : undefined);
  for (const name of op.families) next.set(name, op.id);
  return next;
}

function describeState(state: State): string {
  if (state === undefined) return 'absent';
  return `{${[...state].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, id]) => `${name}=${id}`).join(' ')}}`;
}

function describeOp(op: Op): string {
  return op.method === 'DELETE' ? `DELETE #${op.id}` : `${op.method} #${op.id} [${op.families.join(' ')}]`;
}

const groupPath = (pusher: number, slot: number) => `/metrics/job/kill/pusher/${pusher}/slot/${slot}`;
const groupName = (pusher: number, slot: number) => `pusher ${pusher} slot ${slot}`;

/** What the test knows of each group: its state after the last 2xx, and the op each pusher has unanswered. */
class Model {
  readonly acked: State[][] = Array.from({ length: PUSHERS }, () => Array<State>(GROUPS_PER_PUSHER).fill(undefined));
  readonly inFlight: ({ slot: number; op: Op } | undefined)[] = Array(PUSHERS).fill(undefined);
  nextId = 1;
  acks = 0;
}

/**
 * Sends random ops to the pusher's own groups, one at a time, until a request fails (the gateway is gone);
 * that op stays in flight. A status other than 200/202 is a failure of the test, recorded in `errors`.
 */
async function runPusher(gateway: Gateway, model: Model, pusher: number, random: () => number, errors: string[]): Promise<void> {
  const deadline = Date.now() + LOAD_MS.max + 10_000;
  while (Date.now() < deadline) {
    const slot = Math.floor(random() * GROUPS_PER_PUSHER);
    const roll = random();
    const method = roll < 0.45 ? 'PUT' : roll < 0.85 ? 'POST' : 'DELETE';
    let families = FAMILIES.filter(() => random() < 0.6);
    if (families.length === 0) families = [FAMILIES[Math.floor(random() * FAMILIES.length)]!];
    const op: Op = { method, id: model.nextId++, families: method === 'DELETE' ? [] : families };
    model.inFlight[pusher] = { slot, op };
    let status: number;
    try {
      const response = await fetch(gateway.url + groupPath(pusher, slot), {
        method,
        body: method === 'DELETE' ? undefined : families.map((name) => familyText(name, op.id)).join(''),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      return;
    }
    if (status !== 200 && status !== 202) {
      errors.push(`${groupName(pusher, slot)}: ${describeOp(op)} answered ${status}`);
      return;
    }
    model.acked[pusher]![slot] = applyOp(model.acked[pusher]![slot], op);
    model.inFlight[pusher] = undefined;
    model.acks++;
  }
  errors.push(`pusher ${pusher} was still being answered ${LOAD_MS.max + 10_000} ms after the load started`);
}

/** The value of a decoded protobuf metric; a histogram or summary must carry `id` as its count and sum. */
function metricValue(metric: Record<string, any>): number {
  const single = metric.counter ?? metric.gauge ?? metric.untyped;
  if (single !== undefined) return single.value;
  const many = metric.histogram ?? metric.summary;
  return many.sampleCount === many.sampleSum ? many.sampleSum : NaN;
}

/**
 * Each group's state as the gateway shows it, from a protobuf scrape: a group exists when it has a
 * push_time_seconds series; a family whose series disagree on the id is recorded with NaN.
 */
async function observedStates(gateway: Gateway): Promise<Map<string, Map<string, number>>> {
  const response = await fetch(`${gateway.url}/metrics`, { headers: { Accept: PROTOBUF_ACCEPT } });
  expect(response.status).toBe(200);
  const groups = new Map<string, Map<string, number>>();
  const stateOf = (metric: Record<string, any>) => {
    const label = (name: string) => (metric.label as { name: string; value: string }[]).find((pair) => pair.name === name)?.value;
    const key = `${label('job')} ${groupName(Number(label('pusher')), Number(label('slot')))}`;
    let state = groups.get(key);
    if (state === undefined) groups.set(key, (state = new Map()));
    return state;
  };
  const families = decodeDelimited(new Uint8Array(await response.arrayBuffer()));
  for (const family of families) {
    if (family.name === 'push_time_seconds') for (const metric of family.metric as Record<string, any>[]) stateOf(metric);
  }
  for (const family of families) {
    const name = String(family.name);
    if (!name.startsWith('kill_')) continue;
    for (const metric of family.metric as Record<string, any>[]) {
      const state = stateOf(metric);
      const value = metricValue(metric);
      state.set(name, state.has(name) && state.get(name) !== value ? NaN : value);
    }
  }
  return groups;
}

/**
 * Compares the restarted gateway with the model, and takes what it shows as the acknowledged state (an op
 * in flight may or may not have made it). Returns one line per group that shows anything else.
 */
async function checkAgainstModel(gateway: Gateway, model: Model, round: number): Promise<string[]> {
  const observed = await observedStates(gateway);
  const errors: string[] = [];
  for (let pusher = 0; pusher < PUSHERS; pusher++) {
    const inFlight = model.inFlight[pusher];
    for (let slot = 0; slot < GROUPS_PER_PUSHER; slot++) {
      const key = `kill ${groupName(pusher, slot)}`;
      const shown = observed.get(key);
      observed.delete(key);
      const acked = model.acked[pusher]![slot];
      const allowed = [acked];
      if (inFlight?.slot === slot) allowed.push(applyOp(acked, inFlight.op));
      if (!allowed.some((state) => describeState(state) === describeState(shown))) {
        const flight = inFlight?.slot === slot ? `, or ${describeState(allowed[1])} if ${describeOp(inFlight.op)} (in flight) was applied` : '';
        errors.push(`after stop ${round + 1}, ${groupName(pusher, slot)} shows ${describeState(shown)}: expected ${describeState(acked)} (last 2xx)${flight}`);
      }
      model.acked[pusher]![slot] = shown;
    }
    model.inFlight[pusher] = undefined;
  }
  for (const key of observed.keys()) errors.push(`after stop ${round + 1}, a group nobody pushed: ${key}`);
  return errors;
}

const { tempFile, start, cleanup } = persistenceSandbox('pg-kill-');
afterAll(cleanup);

/** How one run of `runRounds` stops the gateway, how often, and with which flags besides the interval. */
interface Stopping {
  readonly signal: 'SIGKILL' | 'SIGTERM';
  readonly rounds: number;
  readonly args: readonly string[];
}

/**
 * Rounds of load on one persistence file, each ended by `signal` at a random moment and checked after the
 * restart against the model (checkAgainstModel). Returns the problems found, one line each.
 */
async function runRounds({ signal, rounds, args }: Stopping): Promise<string[]> {
  const file = tempFile();
  const random = seededRandom(SEED);
  const model = new Model();
  const errors: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const gateway = await start(file, [`--persistence.interval=${INTERVALS[round % INTERVALS.length]}`, ...args]);
    if (round > 0) errors.push(...(await checkAgainstModel(gateway, model, round - 1)));
    const acksBefore = model.acks;
    const pushers = Array.from({ length: PUSHERS }, (_, pusher) => runPusher(gateway, model, pusher, seededRandom(SEED + 1000 * round + pusher), errors));
    // The clock of the kill starts once every pusher could have had an answer: a restarted gateway's first
    // writes wait for its start-up snapshot, and a round without answers would prove nothing.
    const answered = Date.now() + 5_000;
    while (model.acks - acksBefore < PUSHERS && Date.now() < answered) await Bun.sleep(5);
    await Bun.sleep(LOAD_MS.min + random() * (LOAD_MS.max - LOAD_MS.min));
    const code = await gateway.kill(signal);
    if (code !== (signal === 'SIGKILL' ? null : 0)) errors.push(`round ${round + 1}: the gateway exited with ${code} on ${signal}`);
    await Promise.all(pushers);
    if (model.acks - acksBefore < PUSHERS) errors.push(`round ${round + 1}: only ${model.acks - acksBefore} ops were answered before the ${signal}`);
  }
  const last = await start(file, args);
  errors.push(...(await checkAgainstModel(last, model, rounds - 1)));
  // The accumulated state is not trivially empty: most groups hold something.
  const held = model.acked.flat().filter((state) => state !== undefined).length;
  if (held <= (PUSHERS * GROUPS_PER_PUSHER) / 2) errors.push(`only ${held} groups hold anything at the end`);
  if ((await last.kill('SIGTERM')) !== 0) errors.push('the last gateway did not exit 0 on SIGTERM');
  return errors;
}

describe('under load', () => {
  test(`${PUSHERS} concurrent pushers, ${KILL_ROUNDS} SIGKILLs: every group restarts with its last acknowledged op or the one in flight, never older, never half`, async () => {
    const errors = await runRounds({ signal: 'SIGKILL', rounds: KILL_ROUNDS, args: [] });
    expect({ seed: SEED, errors }).toEqual({ seed: SEED, errors: [] });
  }, 25_000);

  // Go's own promise, kept without the journal: a clean stop answers what is in flight and writes it all.
  test(`${PUSHERS} concurrent pushers, ${TERM_ROUNDS} SIGTERMs, --no-persistence.journal: the same, from the snapshot written at shutdown`, async () => {
    const errors = await runRounds({ signal: 'SIGTERM', rounds: TERM_ROUNDS, args: ['--no-persistence.journal'] });
    expect({ seed: SEED, errors }).toEqual({ seed: SEED, errors: [] });
  }, 25_000);
});
