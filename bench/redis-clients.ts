// What one command costs this process's CPU through each Redis client a replica uses (issue #15): Bun's own
// RedisClient (the writes and the tail's notices) and ioredis (what must read binary records back).
//
//   npx bun bench/redis-clients.ts [calls=3000]      (~10 s)
//
// Starts a redis-server of its own (loopback, no disk). Two commands, each sent `calls` times one after the
// other (await each answer), alternating the clients twice: an EVALSHA carrying four pgbench group bodies
// (~5.6 KB each, a replica's commit of a small batch) whose script stores them and answers their length, and an
// XRANGE of one small stream entry (the shape of a tail's read). Prints this process's CPU (user + system) per
// call: Redis's own time is not in it. Every reply is checked, so a client that fails or answers something
// else stops the run.
import Redis from 'ioredis';
import { startRedis } from '../test/helpers/redis-server.ts';
import { bufferCall, type RedisCall } from '../src/replica/redis-connection.ts';
import { groupBody } from './payloads.ts';
import { machineLine } from './report.ts';

const calls = Number(Bun.argv[2] ?? 3000);
const RECORDS = 4;
// Stores each argument and answers their total length: the reply shows the bytes arrived whole.
const SCRIPT = "local n = 0 for i = 1, #ARGV do redis.call('SET', KEYS[1], ARGV[i]) n = n + #ARGV[i] end return n";

async function cpuPerCall(call: RedisCall, args: () => (string | Uint8Array)[], name: string, check: (reply: unknown) => boolean): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) {
    const reply = await call(name, args());
    if (!check(reply)) throw new Error(`${name}: unexpected reply ${JSON.stringify(reply)}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const redis = await startRedis();
const io = new Redis(redis.url);
const bun = new Bun.RedisClient(redis.url);
try {
  const sha = String(await bun.send('SCRIPT', ['LOAD', SCRIPT]));
  await bun.send('XADD', ['stream', '*', 'v', '1']);
  const clients: [string, RedisCall][] = [
    ['ioredis', bufferCall(io)],
    ["Bun's RedisClient", (name, args) => bun.send(name, args as string[])],
  ];
  // Buffers, as a replica's records are (ioredis sends a plain Uint8Array as the text of its numbers).
  const records = Array.from({ length: RECORDS }, (_, i) => Buffer.from(groupBody(i)));
  const bytes = records.reduce((sum, record) => sum + record.length, 0);
  const results = new Map<string, number[]>();
  for (let round = 0; round < 2; round++) {
    for (const [client, call] of clients) {
      const commit = await cpuPerCall(call, () => [sha, '1', 'key', ...records], 'EVALSHA', (reply) => Number(reply) === bytes);
      const read = await cpuPerCall(call, () => ['stream', '-', '+', 'COUNT', '1'], 'XRANGE', (reply) => Array.isArray(reply) && reply.length === 1);
      results.set(client, [...(results.get(client) ?? []), commit, read]);
    }
  }
  console.log(`## Redis clients — this process's CPU per call, ${calls} calls per figure, two rounds\n${machineLine()}\n`);
  console.log(`| client | EVALSHA of ${RECORDS} × ~5.6 KB, µs (rounds 1, 2) | small XRANGE, µs (rounds 1, 2) |`);
  console.log('| --- | --- | --- |');
  for (const [client, [c1, r1, c2, r2]] of results as Map<string, number[]>) {
    console.log(`| ${client} | ${c1!.toFixed(0)}, ${c2!.toFixed(0)} | ${r1!.toFixed(0)}, ${r2!.toFixed(0)} |`);
  }
} finally {
  io.disconnect();
  bun.close();
  await redis.stop();
}
