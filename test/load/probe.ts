// While a load or fault scenario runs: a well-behaved client's /-/healthy and push latencies, and the gateway's RSS.
import { readFileSync } from 'node:fs';
import type { Gateway } from '../helpers/start-server.ts';

/** Latencies of one kind of probe request, in ms. */
export interface Latencies {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** What a probe saw during a scenario. */
export interface ProbeFigures {
  readonly healthy: Latencies;
  readonly push: Latencies;
  /** Probe requests that failed or answered other than 200, each described once. */
  readonly failures: string[];
  /** Peak RSS of the gateway while the probe ran, in MiB. */
  readonly peakRssMiB: number;
}

/** The gateway's resident set size in MiB, from /proc (the gateway is a child on this machine). */
export function rssMiB(gw: Gateway): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${gw.pid}/status`, 'latin1'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * Waits until the gateway's RSS is within `slackMiB` of `baselineMiB` or `maxMs` have passed, sampling
 * every 100 ms; returns the last RSS and how long it took. Memory that a scenario's bodies held should
 * be returned once they are gone (issue #11 items 1 and 5): this measures whether and when.
 */
export async function settle(gw: Gateway, baselineMiB: number, slackMiB: number, maxMs: number): Promise<{ rssMiB: number; ms: number }> {
  const started = performance.now();
  let rss = rssMiB(gw);
  while (rss > baselineMiB + slackMiB && performance.now() - started < maxMs) {
    await Bun.sleep(100);
    rss = rssMiB(gw);
  }
  return { rssMiB: rss, ms: performance.now() - started };
}

/** The probe's push: a small group of its own, as a well-behaved client sends it. */
const PROBE_PUSH = { path: '/metrics/job/probe', body: 'probe_up 1\n' };
/** Pause between probe rounds: frequent enough to see a stall, light enough not to be load itself. */
const PROBE_EVERY_MS = 50;
/** A probe request slower than this counts as failed (it is still reported in the latencies). */
const PROBE_TIMEOUT_MS = 30_000;

/**
 * Starts probing `gw`: GET /-/healthy and a PUT of PROBE_PUSH, one after the other, every PROBE_EVERY_MS,
 * each on a fresh connection (so a server that stops accepting shows), and samples the RSS. `stop` ends
 * the loop and returns the figures. No timing is asserted anywhere: the figures are for reports.
 */
export function startProbe(gw: Gateway): { stop(): Promise<ProbeFigures> } {
  const healthy: number[] = [];
  const push: number[] = [];
  const failures = new Set<string>();
  let peak = rssMiB(gw);
  let running = true;
  const timed = async (into: number[], what: string, init: RequestInit & { path: string }) => {
    const started = performance.now();
    try {
      const response = await fetch(gw.url + init.path, { ...init, keepalive: false, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await response.arrayBuffer();
      if (response.status !== 200) failures.add(`${what} answered ${response.status}`);
    } catch (error) {
      failures.add(`${what} failed: ${String(error)}`);
    }
    into.push(performance.now() - started);
  };
  const loop = (async () => {
    while (running) {
      await timed(healthy, 'GET /-/healthy', { path: '/-/healthy' });
      await timed(push, 'PUT /metrics/job/probe', { path: PROBE_PUSH.path, method: 'PUT', body: PROBE_PUSH.body });
      peak = Math.max(peak, rssMiB(gw));
      await Bun.sleep(PROBE_EVERY_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { healthy: latencies(healthy), push: latencies(push), failures: [...failures], peakRssMiB: peak };
    },
  };
}

function latencies(samples: number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** A scenario's result with what the probe saw and the gateway's RSS before, at peak and after. */
export interface Measured<T> {
  readonly result: T;
  readonly probe: ProbeFigures;
  readonly rss: { readonly beforeMiB: number; readonly peakMiB: number; readonly afterMiB: number; readonly settleMs: number };
}

/** How `measured` waits: RSS slack and longest wait for it to settle, and how long to keep probing after the scenario. */
export interface MeasureOptions {
  readonly slackMiB?: number;
  readonly settleMaxMs?: number;
  /** Probing goes on this long after the scenario's clients are done: a gateway may still be working through what they left (aborted bodies). */
  readonly lingerMs?: number;
}

/**
 * Runs `scenario` under a probe (kept `lingerMs` longer), then waits up to `settleMaxMs` for the RSS to
 * come back within `slackMiB` of where it was before.
 */
export async function measured<T>(gw: Gateway, scenario: () => Promise<T>, options: MeasureOptions = {}): Promise<Measured<T>> {
  const { slackMiB = 30, settleMaxMs = 15_000, lingerMs = 0 } = options;
  const beforeMiB = rssMiB(gw);
  const probe = startProbe(gw);
  const result = await scenario();
  await Bun.sleep(lingerMs);
  const figures = await probe.stop();
  const after = await settle(gw, beforeMiB, slackMiB, settleMaxMs);
  return { result, probe: figures, rss: { beforeMiB, peakMiB: figures.peakRssMiB, afterMiB: after.rssMiB, settleMs: after.ms } };
}

/** One line of figures: probe latencies (p50/p99/max ms), failures, RSS before → peak → after. */
export function describeMeasured(name: string, m: Measured<unknown>): string {
  const ms = (l: Latencies) => `${l.p50.toFixed(1)}/${l.p99.toFixed(1)}/${l.max.toFixed(0)} ms (${l.count})`;
  const rss = `RSS ${m.rss.beforeMiB.toFixed(0)} → ${m.rss.peakMiB.toFixed(0)} → ${m.rss.afterMiB.toFixed(0)} MiB (settled in ${(m.rss.settleMs / 1000).toFixed(1)} s)`;
  return `${name}: healthy ${ms(m.probe.healthy)}, push ${ms(m.probe.push)}, ${m.probe.failures.length} probe failures, ${rss}; ${JSON.stringify(m.result)}`;
}
