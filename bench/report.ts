// What every micro-benchmark prints around tinybench's table: the machine line and figures derived from a task's mean.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Bench } from 'tinybench';

/**
 * The code measured: `commit 8333ab8`, plus `+ N uncommitted src/ files` when the working tree differs from
 * it there (results are pasted per commit; others may be editing src/ while a benchmark runs).
 */
export function treeLine(): string {
  const git = (...args: string[]) => Bun.spawnSync(['git', ...args], { cwd: `${import.meta.dir}/..` }).stdout.toString().trim();
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
  return `commit ${commit}${changed > 0 ? ` + ${changed} uncommitted src/ files` : ''}`;
}

/** `date, nproc, CPU model, memory, Bun version, commit`: the line bench/README.md pastes above each result. */
export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: keep os.cpus()'s name
  }
  const memGiB = (totalmem() / 2 ** 30).toFixed(1);
  return `${new Date().toISOString().slice(0, 16)}Z, nproc ${navigator.hardwareConcurrency}, ${model}, ${memGiB} GiB, Bun ${Bun.version}, ${treeLine()}`;
}

/** Mean and median latency of a finished task in ms; throws if it did not complete (so no figure is made up). */
export function latencyMs(bench: Bench, taskName: string): { mean: number; median: number } {
  const result = bench.getTask(taskName)?.result;
  if (result === undefined || !('latency' in result)) {
    throw new Error(`task "${taskName}" has no result (${result?.state ?? 'missing'})`);
  }
  return { mean: result.latency.mean, median: result.latency.p50 };
}

/** Mean latency of a finished task in ms (see latencyMs). */
export function meanMs(bench: Bench, taskName: string): number {
  return latencyMs(bench, taskName).mean;
}

/** Prints the header, tinybench's own table, then the derived rows (one object per row). */
export function printResults(title: string, bench: Bench, derived: Record<string, string | number>[]): void {
  console.log(`\n## ${title}\n${machineLine()}`);
  console.table(bench.table());
  if (derived.length > 0) console.table(derived);
}

/** A number with about three significant digits, for derived tables. */
export function round3(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/** `b / a` as `1.23x`. */
export function ratio(a: number, b: number): string {
  return `${round3(b / a)}x`;
}
