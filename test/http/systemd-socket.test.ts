// --web.systemd-socket: a listening socket passed the way systemd passes it (fd 3, LISTEN_FDS=1, LISTEN_PID) is served, by Go and by ours alike.
import { describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificates } from '../helpers/certificates.ts';
import { REFERENCE_BINARY } from '../helpers/reference.ts';
import { startServer } from '../helpers/server-process.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

const GATEWAYS = {
  go: [REFERENCE_BINARY, '--web.systemd-socket', '--persistence.file='],
  ours: [process.execPath, MAIN, '--web.systemd-socket', '--persistence.file='],
};

/**
 * What systemd does for a socket unit, in python3: bind and listen on 127.0.0.1:<port>, put the socket on fd 3,
 * set LISTEN_FDS=1 and LISTEN_PID to its own PID, and exec the service (same PID). A `--web.listen-address`
 * on the gateway's command line would be ignored, as Go ignores it then.
 */
function activated(command: string[]): (port: number) => string[] {
  const script = `import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(128)
os.dup2(s.fileno(), 3)
# dup2 onto itself (the socket may already be fd 3) keeps Python's close-on-exec flag: clear it.
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid()))
os.execv(sys.argv[2], sys.argv[2:])`;
  return (port) => ['python3', '-c', script, String(port), ...command];
}

/** A text body of `count` gauge samples in one family, about 40 bytes each. */
function samples(count: number): string {
  let body = '# TYPE relayed gauge\n';
  for (let i = 0; i < count; i++) body += `relayed{series="s${i}",padding="${'x'.repeat(8)}"} ${i}\n`;
  return body;
}

describe('--web.systemd-socket', () => {
  test.each(['go', 'ours'] as const)('%s serves pushes and scrapes on the passed socket, large ones too', async (kind) => {
    const gateway = await startServer({ name: `${kind} gateway (socket-activated)`, argv: activated(GATEWAYS[kind]) });
    try {
      // 60 000 samples (~3 MB) each way: the relay must hold back and resume, never drop or reorder.
      const body = samples(60_000);
      const pushed = await fetch(`${gateway.url}/metrics/job/relay`, { method: 'PUT', body });
      expect(pushed.status).toBe(200);
      const scrape = await (await fetch(`${gateway.url}/metrics`)).text();
      const lines = scrape.split('\n').filter((line) => line.startsWith('relayed{'));
      expect(lines).toHaveLength(60_000);
      expect(lines.find((line) => line.includes('series="s59999"'))).toEndWith(' 59999');
      // Several requests on the kept-alive connection.
      for (let i = 0; i < 5; i++) expect((await fetch(`${gateway.url}/-/healthy`)).status).toBe(200);
    } finally {
      expect(await gateway.kill('SIGTERM')).toBe(0);
    }
    expect(gateway.log()).toContain('msg="Listening on systemd activated listeners instead of port listeners."');
    expect(gateway.log()).toContain('msg="HTTP server stopped"');
  }, 60_000);

  test('ours serves HTTPS on the passed socket with --web.config.file’s TLS: the relay carries the TLS bytes untouched', async () => {
    const certificates = makeCertificates();
    const webConfig = join(certificates.dir, 'web.yml');
    writeFileSync(webConfig, `tls_server_config:\n  cert_file: ${certificates.serverCert}\n  key_file: ${certificates.serverKey}\n`);
    const tls = { tls: { ca: await Bun.file(certificates.caCert).text() } };
    const gateway = await startServer({
      name: 'our gateway (socket-activated, TLS)',
      argv: activated([...GATEWAYS.ours, `--web.config.file=${webConfig}`]),
      scheme: 'https',
      probe: tls,
    });
    try {
      expect((await fetch(`${gateway.url}/metrics/job/tls`, { method: 'PUT', body: 'over_tls 1\n', ...tls })).status).toBe(200);
      expect(await (await fetch(`${gateway.url}/metrics`, tls)).text()).toContain('over_tls{instance="",job="tls"} 1\n');
    } finally {
      await gateway.stop();
      certificates.remove();
    }
    expect(gateway.log()).toContain('msg="TLS is enabled." http2=false client_auth=NoClientCert');
  });

  test('a passed descriptor that is not a listening socket stops start-up with the descriptor and the reason', () => {
    // fd 3 is a plain file here; the shell sets LISTEN_PID to its own PID, which exec keeps.
    const result = Bun.spawnSync(['sh', '-c', 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@" 3<"$0"', import.meta.path, ...GATEWAYS.ours], {
      stdout: 'ignore',
      stderr: 'pipe',
      timeout: 15_000,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain('level=error msg="HTTP server stopped" err="cannot accept on systemd\'s descriptor 3: EINVAL"');
  });

  test('without passed sockets start-up stops with Go’s reason', () => {
    for (const [kind, command] of Object.entries(GATEWAYS)) {
      const result = Bun.spawnSync(command, { stdout: 'ignore', stderr: 'pipe', env: { ...process.env, LISTEN_FDS: undefined, LISTEN_PID: undefined }, timeout: 15_000 });
      // Go exits 0 here, ours 1 (README's table of differences).
      expect({ kind, code: result.exitCode }).toEqual({ kind, code: kind === 'go' ? 0 : 1 });
      expect(result.stderr.toString()).toContain('level=error msg="HTTP server stopped" err="no socket activation file descriptors found"');
    }
  });
});
