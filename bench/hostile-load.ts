// Does the gateway keep answering well-behaved clients, and give its memory back, under hostile and heavy ones?
//
//   bun bench/hostile-load.ts [scale=1]        (npm run load:hostile; ~1-2 min at scale 1)
//
// Starts our gateway (memory only, default limits) on loopback and runs each scenario of
// test/load/hostile-clients.ts at full size — 1 000 connections pushing and scraping, 2 000 idle sockets
// (15 s, past the 10 s idle timeout), 200 slowloris clients, 150 uploads cut off after 0.8 of 5 MB, a gzip
// bomb inflating to 256 MiB (4× the default body limit) — each under a probe (GET /-/healthy and a small PUT
// every 50 ms on fresh connections, kept 3 s past the scenario), then waits up to 15 s for the RSS to come
// back within 30 MiB of where it was. `scale` multiplies the client counts and durations. Every scenario
// ends by itself; the gateway is stopped by its PID at the end. Nothing is asserted: the figures (probe
// p50/p99/max, failures, RSS before → peak → after) are for bench/README.md.
import { type Gateway, startOurGateway } from '../test/helpers/start-server.ts';
import { abortedUploads, concurrentPushAndScrape, gzipBombBody, idleConnections, pushGzipBomb, slowloris } from '../test/load/hostile-clients.ts';
import { describeMeasured, measured } from '../test/load/probe.ts';
import { machineLine } from './report.ts';

const scale = Number(Bun.argv[2] ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * scale));

// 3 s more of probing after each scenario: aborted bodies are still being dropped once their clients are gone.
const MEASURE = { lingerMs: 3_000 };

const SCENARIOS: [string, (gw: Gateway) => Promise<unknown>][] = [
  [`${n(1000)} connections pushing and scraping ×3`, (gw) => concurrentPushAndScrape(gw, n(1000), 3)],
  [`${n(2000)} idle connections for ${n(15)} s`, (gw) => idleConnections(gw, n(2000), n(15) * 1000)],
  [`${n(200)} slowloris clients, a byte per 500 ms for ${n(15)} s`, (gw) => slowloris(gw, n(200), n(15) * 1000, 500)],
  [`${n(150)} uploads of 5 MB cut after 0.8 MB`, (gw) => abortedUploads(gw, n(150), 5_000_000, 800_000)],
];

console.log(`## hostile load, scale ${scale}\n${machineLine()}`);
const gateway = await startOurGateway();
try {
  for (const [name, scenario] of SCENARIOS) console.log(describeMeasured(name, await measured(gateway, () => scenario(gateway), MEASURE)));
  const inflated = n(256) * 2 ** 20;
  const bomb = await gzipBombBody(inflated);
  console.log(describeMeasured(`gzip bomb of ${bomb.length} B inflating to ${inflated / 2 ** 20} MiB`, await measured(gateway, () => pushGzipBomb(gateway, bomb), MEASURE)));
} finally {
  await gateway.stop();
}
