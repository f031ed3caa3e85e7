// Listeners as Go's: `:port` serves IPv6 and IPv4, an address that cannot be bound stops start-up with the address and the reason.
import { describe, expect, test } from 'bun:test';
import { REFERENCE_BINARY } from '../helpers/reference.ts';
import { freePort } from '../helpers/ports.ts';
import { startServer } from '../helpers/server-process.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

/** Each gateway's command line for `address`, memory only. */
const COMMANDS = {
  go: (address: string) => [REFERENCE_BINARY, `--web.listen-address=${address}`, '--persistence.file='],
  ours: (address: string) => [process.execPath, MAIN, `--web.listen-address=${address}`, '--persistence.file='],
};

/** Runs a gateway that is expected to stop by itself; its exit code and the `err` of its error line. */
function failedStart(command: string[]): { code: number | null; err: string | undefined } {
  const result = Bun.spawnSync(command, { stdout: 'ignore', stderr: 'pipe', timeout: 15_000 });
  const errorLine = result.stderr.toString().split('\n').find((line) => line.includes('level=error'));
  const err = errorLine === undefined ? undefined : /err="((?:[^"\\]|\\.)*)"/.exec(errorLine)?.[1];
  return { code: result.exitCode, err };
}

describe('--web.listen-address', () => {
  test.each(['go', 'ours'] as const)('%s: `:port` answers on [::1] and on 127.0.0.1', async (kind) => {
    // The readiness probe goes to 127.0.0.1; then the same port over IPv6.
    const gateway = await startServer({ name: kind, argv: (port) => COMMANDS[kind](`:${port}`) });
    try {
      const port = new URL(gateway.url).port;
      for (const host of ['127.0.0.1', '[::1]']) expect((await fetch(`http://${host}:${port}/-/healthy`)).status).toBe(200);
    } finally {
      await gateway.stop();
    }
  });

  test('an address in use stops start-up with exit 1, the address and Go’s reason', async () => {
    const holder = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    try {
      const address = `127.0.0.1:${holder.port}`;
      const expected = `listen tcp ${address}: bind: address already in use`;
      expect(failedStart(COMMANDS.go(address))).toEqual({ code: 0, err: expected });
      // Go exits 0 here; ours 1, so a supervisor sees the failure (README).
      expect(failedStart(COMMANDS.ours(address))).toEqual({ code: 1, err: expected });
    } finally {
      holder.stop(true);
    }
  });

  test.each([
    ['no port', '9091', 'listen tcp: address 9091: missing port in address'],
    ['a port that is no number', ':abc', 'listen tcp: address tcp/abc: unknown port'],
    ['a port past 65535', ':99999', 'listen tcp: address 99999: invalid port'],
  ])('%s: stops start-up with Go’s words', (_name, address, expected) => {
    expect(failedStart(COMMANDS.go(address))).toEqual({ code: 0, err: expected });
    expect(failedStart(COMMANDS.ours(address))).toEqual({ code: 1, err: expected });
  });

  test('a host name that does not resolve stops start-up with the name and Go’s reason', () => {
    // Not compared with Go's line, which names the resolver it asked (`lookup x on 10.0.0.53:53: no such host`).
    const { code, err } = failedStart(COMMANDS.ours(`no-such-host.invalid:${freePort()}`));
    expect(code).toBe(1);
    expect(err).toBe('listen tcp: lookup no-such-host.invalid: no such host');
  });
});
