// Does a push cost more in a process that holds more memory, whatever the server does with the push?
//
//   npx bun bench/held-memory.ts [MB …]      (default: 0 300; ~15 s per size)
//
// Runs a null server (reads each body, answers 200, stores nothing: pgbench's null-server.ts, kept here so the
// script needs nothing outside the repository) in a child process that first
// fills MB megabytes with 6 KB typed arrays — what a store of that size holds — then drives it with
// 16 keep-alive clients PUTting pgbench's body (as pgbench's push scenario does) for 6 s and reads the child's CPU time
// and minor page faults from /proc. The null server's work per push does not change with MB, so any growth
// is the runtime's: JavaScriptCore lets garbage pile up in proportion to the heap, in fresh pages.
// Loopback only; every phase has a deadline and the child is killed by its PID at the end.
import { readFileSync } from 'node:fs';
import { groupBody, groupLabels } from './payloads.ts';
import { machineLine } from './report.ts';

const PUSH_SECONDS = 6;
const CHILD = 'held-memory-child';

if (Bun.argv[2] === CHILD) {
  // The child: hold the memory, then become the null server.
  const held: Uint8Array[] = [];
  for (let i = 0; i < (Number(Bun.argv[3]) * 2 ** 20) / 6000; i++) held.push(new Uint8Array(6000).fill(i & 0xff));
  (globalThis as { held?: unknown }).held = held;
  serveNothing(Number(Bun.argv[4]));
} else {
  const sizes = Bun.argv.length > 2 ? Bun.argv.slice(2).map(Number) : [0, 300];
  console.log(`## push cost of a null server holding more memory\n${machineLine()}`);
  const rows = [];
  for (const mb of sizes) rows.push({ 'held MB': mb, ...(await measure(mb)) });
  console.table(rows);
}

/** Answers every request 200 with no body, after reading its body to the end: a push, and the parent's /-/ready. */
function serveNothing(port: number): void {
  Bun.serve({
    hostname: '127.0.0.1',
    port,
    async fetch(request) {
      await request.arrayBuffer();
      return new Response(null, { status: 200 });
    },
  });
}

/** Server CPU time (ms) and minor faults of a process, from /proc/PID/stat. */
function procStat(pid: number): { cpuMs: number; faults: number; rssMiB: number } {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { faults: Number(fields[7]), cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, rssMiB: (Number(fields[21]) * 4096) / 2 ** 20 };
}

/** PUTs from `clients` keep-alive loops until `seconds` have passed; the number of 200 answers. */
async function pushFor(base: string, clients: number, seconds: number): Promise<{ ok: number; elapsedMs: number }> {
  const started = performance.now();
  const stop = started + seconds * 1000;
  let sent = 0;
  let ok = 0;
  const client = async (): Promise<void> => {
    while (performance.now() < stop) {
      const k = sent++;
      const [, instance, , job] = groupLabels(k % 100);
      const response = await fetch(`${base}/metrics/job/${job}/instance/${instance}`, { method: 'PUT', body: groupBody(k), signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`push answered ${response.status}`);
      ok++;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { ok, elapsedMs: performance.now() - started };
}

async function measure(mb: number) {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = probe.port;
  probe.stop(true);
  const child = Bun.spawn([process.execPath, import.meta.path, CHILD, String(mb), String(port)], { stdout: 'ignore', stderr: 'inherit' });
  try {
    const base = `http://127.0.0.1:${port}`;
    const ready = Date.now() + 30_000;
    while (!(await fetch(`${base}/-/ready`).then((r) => r.ok, () => false))) {
      if (Date.now() > ready) throw new Error(`null server holding ${mb} MB not ready in 30 s`);
      await Bun.sleep(50);
    }
    const before = procStat(child.pid);
    const result = await pushFor(base, 16, PUSH_SECONDS);
    const after = procStat(child.pid);
    return {
      'pushes/s': Math.round((result.ok / result.elapsedMs) * 1000),
      'server CPU ms/push': Number(((after.cpuMs - before.cpuMs) / result.ok).toFixed(3)),
      'page faults/push': Number(((after.faults - before.faults) / result.ok).toFixed(2)),
      'RSS MiB': Math.round(after.rssMiB),
    };
  } finally {
    child.kill();
    await child.exited;
  }
}
