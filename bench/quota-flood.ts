// Does a job flooding the gateway past --push.max-pushes-per-second-per-job slow other jobs' pushes down?
//
//   npx bun bench/quota-flood.ts [seconds=15] [flood connections=16]      (~1 min at the defaults)
//
// Starts our gateway (memory only) on loopback and, phase by phase, has a steady client push a pgbench group
// (60 series, ~5.6 KB) as job "steady" every 20 ms (50/s, under the quota) and time each push, while a
// flooder — a separate process, so its work does not delay the steady client's timers — pushes another
// pgbench group as job "flood" on `connections` keep-alive connections as fast as answers come back:
//   1. quota on (100/s, burst 100), no flood: the baseline;
//   2. quota on, flood: most of the flood gets 429 before its body is read;
//   3. quota off, flood: for comparison, what the same flood costs when every push is stored.
// Each phase checks its own counts (steady: every push 200; flood with the quota: only 200 and 429, and at
// most burst + rate × seconds 200s; without it: only 200s) and throws when one is off. Prints steady p50 /
// p90 / p99 / max, the flood's answers per second and the gateway's CPU; nothing is asserted about timing.
// The gateway and the flooder are stopped by their PIDs; every phase ends by itself.
import { readFileSync } from 'node:fs';
import { type Gateway, startOurGateway } from '../test/helpers/start-server.ts';
import { groupBody } from './payloads.ts';
import { machineLine } from './report.ts';

const RATE = 100;
const BURST = 100;
const STEADY_EVERY_MS = 20;

if (Bun.argv[2] === 'flood') {
  await flood(Bun.argv[3]!, Number(Bun.argv[4]), Number(Bun.argv[5]));
  process.exit(0);
}

const seconds = Number(Bun.argv[2] ?? 15);
const connections = Number(Bun.argv[3] ?? 16);

/** The flooder's side (run as `quota-flood.ts flood <url> <seconds> <connections>`): prints its answers by status as JSON. */
async function flood(url: string, forSeconds: number, loops: number): Promise<void> {
  const statuses: Record<string, number> = {};
  const body = groupBody(1);
  const until = performance.now() + forSeconds * 1000;
  await Promise.all(Array.from({ length: loops }, async () => {
    while (performance.now() < until) {
      const response = await fetch(`${url}/metrics/job/flood`, { method: 'PUT', body });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
  }));
  console.log(JSON.stringify(statuses));
}

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Phase {
  readonly name: string;
  readonly steadyMs: number[];
  readonly flood: Record<string, number> | undefined;
  readonly cpu: number;
}

/** One phase: the steady client for `seconds`, beside a flooder when `withFlood`. */
async function runPhase(gw: Gateway, name: string, withFlood: boolean): Promise<Phase> {
  const flooder = withFlood
    ? Bun.spawn([process.execPath, import.meta.path, 'flood', gw.url, String(seconds), String(connections)], { stdout: 'pipe', stderr: 'inherit' })
    : undefined;
  // Let the flood reach its pace before measuring.
  if (flooder !== undefined) await Bun.sleep(500);
  const cpuBefore = cpuSeconds(gw.pid);
  const steadyMs: number[] = [];
  const body = groupBody(0);
  const until = performance.now() + (seconds - 1) * 1000;
  let next = performance.now();
  try {
    while (performance.now() < until) {
      const started = performance.now();
      const response = await fetch(`${gw.url}/metrics/job/steady`, { method: 'PUT', body });
      await response.arrayBuffer();
      steadyMs.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${name}: the steady client's push got ${response.status}`);
      next += STEADY_EVERY_MS;
      await Bun.sleep(Math.max(0, next - performance.now()));
    }
  } catch (error) {
    flooder?.kill();
    throw error;
  }
  const cpu = cpuSeconds(gw.pid) - cpuBefore;
  const flood = flooder === undefined ? undefined : (JSON.parse(await new Response(flooder.stdout).text()) as Record<string, number>);
  await flooder?.exited;
  return { name, steadyMs, flood, cpu };
}

/** Throws when a phase's counts are not what the gateway's settings allow. */
function check(phase: Phase, quota: boolean): void {
  const expected = ((seconds - 1) * 1000) / STEADY_EVERY_MS;
  if (phase.steadyMs.length < expected * 0.9) throw new Error(`${phase.name}: only ${phase.steadyMs.length} steady pushes of ~${expected}`);
  if (phase.flood === undefined) return;
  const { 200: ok = 0, 429: refused = 0, ...other } = phase.flood;
  if (Object.keys(other).length > 0) throw new Error(`${phase.name}: the flood got ${JSON.stringify(other)}`);
  if (quota && (refused === 0 || ok > BURST + RATE * (seconds + 1))) throw new Error(`${phase.name}: ${ok} × 200 and ${refused} × 429 past a quota of ${RATE}/s`);
  if (!quota && refused > 0) throw new Error(`${phase.name}: ${refused} × 429 without a quota`);
}

function describe(phase: Phase): string {
  const sorted = [...phase.steadyMs].sort((a, b) => a - b);
  const ms = (p: number) => percentile(sorted, p).toFixed(2);
  const flood = phase.flood === undefined ? '—' : `${Math.round(((phase.flood[200] ?? 0) + (phase.flood[429] ?? 0)) / seconds)}/s (${phase.flood[200] ?? 0} × 200, ${phase.flood[429] ?? 0} × 429)`;
  return `| ${phase.name} | ${sorted.length} | ${ms(50)} | ${ms(90)} | ${ms(99)} | ${sorted.at(-1)!.toFixed(2)} | ${flood} | ${(phase.cpu / (seconds - 1)).toFixed(2)} |`;
}

console.log(`## quota flood, ${seconds} s per phase, ${connections} flood connections\n${machineLine()}\n`);
console.log('| phase | steady pushes | p50 ms | p90 ms | p99 ms | max ms | flood answers | gateway CPU s/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const quotaFlags = [`--push.max-pushes-per-second-per-job=${RATE}`, `--push.max-push-burst-per-job=${BURST}`];
for (const [quota, phases] of [[true, [['quota on, no flood', false], ['quota on, flood', true]]], [false, [['quota off, flood', true]]]] as const) {
  const gw = await startOurGateway(quota ? quotaFlags : []);
  try {
    for (const [name, withFlood] of phases) {
      const phase = await runPhase(gw, name, withFlood);
      check(phase, quota);
      console.log(describe(phase));
    }
  } finally {
    await gw.stop();
  }
}
