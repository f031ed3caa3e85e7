// The process_* families Prometheus client libraries expose, read from /proc, so pushes of them merge cleanly (SPEC §5.6).
import { readdirSync, readFileSync } from 'node:fs';
import type { MetricFamily, MetricType } from '../model/metric.ts';

/** Names, types and HELP of the process families, as client_golang's process collector has them. */
export const PROCESS_FAMILIES: readonly { name: string; type: MetricType; help: string }[] = [
  { name: 'process_cpu_seconds_total', type: 'counter', help: 'Total user and system CPU time spent in seconds.' },
  { name: 'process_max_fds', type: 'gauge', help: 'Maximum number of open file descriptors.' },
  { name: 'process_open_fds', type: 'gauge', help: 'Number of open file descriptors.' },
  { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory size in bytes.' },
  { name: 'process_start_time_seconds', type: 'gauge', help: 'Start time of the process since unix epoch in seconds.' },
  { name: 'process_virtual_memory_bytes', type: 'gauge', help: 'Virtual memory size in bytes.' },
  { name: 'process_virtual_memory_max_bytes', type: 'gauge', help: 'Maximum amount of virtual memory available in bytes.' },
];

const startTimeSeconds = (performance.timeOrigin || Date.now()) / 1000;

/** Current values of the process families; a value /proc cannot give is left out rather than faked. */
export function processFamilies(): MetricFamily[] {
  const cpu = process.cpuUsage();
  const values: Record<string, number | undefined> = {
    process_cpu_seconds_total: (cpu.user + cpu.system) / 1e6,
    process_max_fds: limitOf('Max open files'),
    process_open_fds: openFds(),
    process_resident_memory_bytes: process.memoryUsage.rss(),
    process_start_time_seconds: startTimeSeconds,
    process_virtual_memory_bytes: virtualMemoryBytes(),
    process_virtual_memory_max_bytes: limitOf('Max address space'),
  };
  const families: MetricFamily[] = [];
  for (const { name, type, help } of PROCESS_FAMILIES) {
    const value = values[name];
    if (value !== undefined) families.push({ name, type, help, metrics: [{ labels: [], value }] });
  }
  return families;
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

function virtualMemoryBytes(): number | undefined {
  try {
    // Field 23 of /proc/self/stat; the command name (field 2) may hold spaces, so count after its ')'.
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[20]);
  } catch {
    return undefined;
  }
}

// A soft limit from /proc/self/limits; "unlimited" is reported as Go does, as the largest uint64.
function limitOf(row: string): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'latin1')
      .split('\n')
      .find((l) => l.startsWith(row));
    const soft = line?.slice(row.length).trim().split(/\s+/)[0];
    if (soft === undefined) return undefined;
    return soft === 'unlimited' ? 18446744073709551615 : Number(soft);
  } catch {
    return undefined;
  }
}
