// src/main.ts runs the gateway with the allocator's purge delay set (bench/README.md, "The allocator's purge
// delay"): it executes itself again, in the same process, with the setting when it is unset, and keeps one the
// caller set. What the running process holds is read from /proc, as the kernel sees it.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { startServer } from './helpers/server-process.ts';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

/** The environment of process `pid` as the kernel holds it (what its allocator read at start). */
function environmentOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter((entry) => entry !== '');
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** The command line of process `pid`, one argument per entry. */
function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').slice(0, -1);
}

/**
 * `bun [runtime flags] src/main.ts --web.listen-address=… --persistence.file=` started by `env` with `env`'s
 * changes (`-u NAME` to unset): env execs bun in place, so the PID the test holds is the gateway's throughout.
 */
async function withMain<T>(envArgs: string[], runtimeFlags: string[], body: (pid: number, port: number) => T): Promise<T> {
  let port = 0;
  const gw = await startServer({
    name: 'main.ts',
    argv: (p) => {
      port = p;
      return ['/usr/bin/env', ...envArgs, process.execPath, ...runtimeFlags, MAIN, `--web.listen-address=127.0.0.1:${p}`, '--persistence.file='];
    },
  });
  try {
    return body(gw.pid, port);
  } finally {
    await gw.stop();
  }
}

describe('the entry point', () => {
  test('with MIMALLOC_PURGE_DELAY unset, the serving process (the same PID) has it at 10 s, with its other variables, runtime flags and arguments kept', async () => {
    await withMain(['-u', 'MIMALLOC_PURGE_DELAY', 'PG_MAIN_TEST=kept'], ['--smol'], (pid, port) => {
      const environment = environmentOf(pid);
      expect(environment.get('MIMALLOC_PURGE_DELAY')).toBe('10000');
      expect(environment.get('PG_MAIN_TEST')).toBe('kept');
      expect(commandLineOf(pid)).toEqual([process.execPath, '--smol', MAIN, `--web.listen-address=127.0.0.1:${port}`, '--persistence.file=']);
    });
  });

  test('a MIMALLOC_PURGE_DELAY the caller set is kept as it is', async () => {
    await withMain(['MIMALLOC_PURGE_DELAY=250'], [], (pid) => {
      expect(environmentOf(pid).get('MIMALLOC_PURGE_DELAY')).toBe('250');
    });
  });
});
