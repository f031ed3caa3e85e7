// What do replicas on Redis (issue #15) cost a push, and how soon does a push on one replica show on another?
//
//   npx bun bench/replicas.ts [seconds=10] [connections=16]      (~1 min at the defaults)
//
// Starts a redis-server of its own (loopback, no disk) and our gateways, and runs three phases, each with a
// load process of its own (so its work does not delay the measuring side) pushing pgbench groups (60 series,
// ~5.6 KB) as PUTs to 1 000 groups on `connections` keep-alive connections as fast as answers come back:
//   1. one gateway in memory: the baseline;
//   2. one replica on Redis: the same load through the compare-and-set commit;
//   3. two replicas, every push to the first: what following another replica's changes costs the second
//      (its CPU per push is printed after the first's);
//   4. three replicas on Redis, the load spread over them round-robin, while a probe pushes a group to one
//      replica every 20 ms and times until another replica shows it (GET /ui/group polled every ~1 ms):
//      the convergence delay under load.
// Every load push must get 200 and every probe must show within 5 s, else it throws. Prints pushes/s, push
// latency p50 / p99, CPU per push of the gateways and of Redis, the gateways' minor page faults per push, and
// convergence p50 / p99 / max. Everything it starts is stopped by its PID; each phase ends by itself.
import { readFileSync } from 'node:fs';
import { type RedisServer, startRedis } from '../test/helpers/redis-server.ts';
import { replicaFlags, startReplicas } from '../test/helpers/replicas.ts';
import { type Gateway, startOurGateway } from '../test/helpers/start-server.ts';
import { groupBody } from './payloads.ts';
import { machineLine } from './report.ts';

const GROUPS = 1000;
const PROBE_EVERY_MS = 20;
const PROBE_TIMEOUT_MS = 5000;

if (Bun.argv[2] === 'load') {
  await load(Bun.argv[3]!.split(','), Number(Bun.argv[4]), Number(Bun.argv[5]));
  process.exit(0);
}

const seconds = Number(Bun.argv[2] ?? 10);
const connections = Number(Bun.argv[3] ?? 16);

/** The load's side (`replicas.ts load <url,url,…> <seconds> <connections>`): prints pushes, latencies and failures as JSON. */
async function load(urls: readonly string[], forSeconds: number, loops: number): Promise<void> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const until = performance.now() + forSeconds * 1000;
  let next = 0;
  await Promise.all(Array.from({ length: loops }, async () => {
    while (performance.now() < until) {
      const n = next++;
      const started = performance.now();
      const response = await fetch(`${urls[n % urls.length]}/metrics/job/load/instance/i${n % GROUPS}`, { method: 'PUT', body: groupBody(n % GROUPS) });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (response.status !== 200) failures[response.status] = (failures[response.status] ?? 0) + 1;
    }
  }));
  console.log(JSON.stringify({ latencies, failures }));
}

function startLoad(gateways: readonly Gateway[]): Bun.Subprocess<'ignore', 'pipe', 'inherit'> {
  return Bun.spawn([process.execPath, import.meta.path, 'load', gateways.map((gw) => gw.url).join(','), String(seconds), String(connections)], {
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'inherit',
  });
}

async function loadResult(proc: Bun.Subprocess<'ignore', 'pipe', 'inherit'>): Promise<{ latencies: number[] }> {
  const result = JSON.parse(await new Response(proc.stdout).text()) as { latencies: number[]; failures: Record<string, number> };
  await proc.exited;
  if (Object.keys(result.failures).length > 0) throw new Error(`load pushes failed: ${JSON.stringify(result.failures)}`);
  return result;
}

/** CPU seconds (user + system) the process has used so far, from /proc. */
/** Fields of /proc/<pid>/stat after the command's name: 7 is minflt, 11 and 12 utime and stime in ticks. */
function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
}

function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Minor page faults of the process so far: pages it touched that the kernel had to map in (src/main.ts). */
function minorFaults(pid: number): number {
  return Number(statFields(pid)[7]);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A probe every PROBE_EVERY_MS: a push to gateways[i % n], timed until gateways[(i + 1) % n] shows it. */
async function probeConvergence(gateways: readonly Gateway[], until: number): Promise<number[]> {
  const delays: number[] = [];
  const group = `job@base64/${Buffer.from('probe').toString('base64url')}`;
  for (let i = 0; performance.now() < until; i++) {
    const from = gateways[i % gateways.length]!;
    const to = gateways[(i + 1) % gateways.length]!;
    const marker = `p${i}x`;
    const response = await fetch(`${from.url}/metrics/job/probe`, { method: 'PUT', body: `probe{seq="${marker}"} 1\n` });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`probe push got ${response.status}`);
    const pushed = performance.now();
    for (;;) {
      const shown = await fetch(`${to.url}/ui/group?g=${group}`);
      if ((await shown.text()).includes(marker)) break;
      if (performance.now() - pushed > PROBE_TIMEOUT_MS) throw new Error(`probe ${i} not on the other replica within ${PROBE_TIMEOUT_MS} ms`);
      await Bun.sleep(1);
    }
    delays.push(performance.now() - pushed);
    await Bun.sleep(PROBE_EVERY_MS);
  }
  return delays;
}

interface Row {
  readonly name: string;
  readonly pushes: number;
  readonly latencies: number[];
  /** CPU seconds of each gateway over the phase. */
  readonly gatewayCpu: number[];
  /** Minor page faults of all gateways over the phase. */
  readonly faults: number;
  /** Whether the load pushed to the first gateway only: then each gateway's CPU is shown, not their sum. */
  readonly firstOnly: boolean;
  readonly redisCpu: number | undefined;
  readonly convergence?: number[];
}

/** `pushedTo`: the gateways the load pushes to (all of them unless given). */
async function phase(name: string, gateways: readonly Gateway[], redis: RedisServer | undefined, probe: boolean, pushedTo = gateways): Promise<Row> {
  const cpuBefore = gateways.map((gw) => cpuSeconds(gw.pid));
  const faultsBefore = gateways.reduce((sum, gw) => sum + minorFaults(gw.pid), 0);
  const redisBefore = redis === undefined ? 0 : cpuSeconds(redis.pid);
  const loader = startLoad(pushedTo);
  const convergence = probe ? await probeConvergence(gateways, performance.now() + seconds * 1000 - 500) : undefined;
  const { latencies } = await loadResult(loader);
  const gatewayCpu = gateways.map((gw, i) => cpuSeconds(gw.pid) - cpuBefore[i]!);
  const faults = gateways.reduce((sum, gw) => sum + minorFaults(gw.pid), 0) - faultsBefore;
  return { name, pushes: latencies.length, latencies, gatewayCpu, faults, firstOnly: pushedTo.length < gateways.length, redisCpu: redis === undefined ? undefined : cpuSeconds(redis.pid) - redisBefore, convergence };
}

function describe(row: Row): string {
  const sorted = row.latencies.toSorted((a, b) => a - b);
  const us = (cpu: number) => ((cpu / row.pushes) * 1e6).toFixed(0);
  // All replicas together, or each when only the first is pushed to (the others follow it).
  const gatewayCpu = row.firstOnly ? row.gatewayCpu.map(us).join(' + ') : us(row.gatewayCpu.reduce((a, b) => a + b, 0));
  const converged = row.convergence?.toSorted((a, b) => a - b);
  const convergence = converged === undefined ? '—' : `${percentile(converged, 50).toFixed(1)} / ${percentile(converged, 99).toFixed(1)} / ${converged.at(-1)!.toFixed(1)} (${converged.length})`;
  return `| ${row.name} | ${Math.round(row.pushes / seconds)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${gatewayCpu} | ${(row.faults / row.pushes).toFixed(2)} | ${row.redisCpu === undefined ? '—' : us(row.redisCpu)} | ${convergence} |`;
}

console.log(`## replicas on Redis, ${seconds} s per phase, ${connections} connections, PUTs to ${GROUPS} groups\n${machineLine()}\n`);
console.log('| setup | pushes/s | p50 ms | p99 ms | gateway CPU µs/push | gateway minor faults/push | Redis CPU µs/push | convergence p50 / p99 / max ms (probes) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const memory = await startOurGateway();
try {
  console.log(describe(await phase('one gateway, memory', [memory], undefined, false)));
} finally {
  await memory.stop();
}
const redis = await startRedis();
try {
  const one = await startOurGateway(replicaFlags(redis));
  try {
    console.log(describe(await phase('one replica on Redis', [one], redis, false)));
  } finally {
    await one.stop();
  }
  const two = await startReplicas(redis, 2);
  try {
    console.log(describe(await phase('two replicas, every push to the first', two, redis, false, two.slice(0, 1))));
  } finally {
    await Promise.all(two.map((gw) => gw.stop()));
  }
  const three = await startReplicas(redis, 3);
  try {
    console.log(describe(await phase('three replicas on Redis, round-robin', three, redis, true)));
  } finally {
    await Promise.all(three.map((gw) => gw.stop()));
  }
} finally {
  await redis.stop();
}
