// The gateway's own log lines at start and at shutdown carry Go's messages and keys, in logfmt and in JSON, with this gateway's version and revision.
import { describe, expect, test } from 'bun:test';
import packageJson from '../package.json' with { type: 'json' };
import { startReference } from './helpers/reference.ts';
import { type Gateway, startOurGateway } from './helpers/start-server.ts';

/** The log of a gateway started with `flags`, stopped with SIGTERM, and its scrape while it ran. */
async function runAndStop(start: (flags: string[]) => Promise<Gateway>, flags: string[]): Promise<{ log: string; scrape: string }> {
  const gateway = await start(flags);
  try {
    const scrape = await (await fetch(`${gateway.url}/metrics`)).text();
    await gateway.stop();
    return { log: gateway.log(), scrape };
  } finally {
    await gateway.stop();
  }
}

/** Each line's `msg` (or the keys of a line without one, as Go's build-context line), in order. */
function messagesOf(log: string): string[] {
  return log
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => /msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(line)?.[1]?.replace(/^"(.*)"$/, '$1') ?? /build_context=/.exec(line)?.[0] ?? line);
}

/** True if `revision` is a commit of this repository (the tree may have moved on while the test ran). */
function isCommitHere(revision: string): boolean {
  return Bun.spawnSync(['git', 'merge-base', '--is-ancestor', revision, 'HEAD'], { cwd: import.meta.dir }).exitCode === 0;
}

describe('start-up and shutdown lines', () => {
  test('ours writes Go’s start and shutdown messages, in Go’s order', async () => {
    const go = messagesOf((await runAndStop(startReference, ['--log.level=debug'])).log);
    const ours = messagesOf((await runAndStop(startOurGateway, ['--log.level=debug'])).log);
    const shared = ['starting pushgateway', 'build_context=', 'external URL', 'path prefix for internal routing', 'Listening on', 'TLS is disabled.',
      'received SIGINT/SIGTERM; exiting gracefully...', 'HTTP server stopped'];
    // Go's own messages, to be sure the list above is what Go says.
    expect(go.filter((msg) => shared.includes(msg) || msg.startsWith('build_context'))).toHaveLength(shared.length);
    expect(ours.filter((msg) => shared.includes(msg) || msg.startsWith('build context'))).toEqual(
      shared.map((msg) => (msg === 'build_context=' ? 'build context' : msg)),
    );
  });

  test('the version line and pushgateway_build_info name this gateway’s version, branch and revision, not Bun’s', async () => {
    const { log, scrape } = await runAndStop(startOurGateway, []);
    const line = /msg="starting pushgateway" version="\(version=(\S+), branch=(\S+), revision=(\w+)\)"/.exec(log);
    expect(line?.[1]).toBe(packageJson.version);
    expect(isCommitHere(line![3]!)).toBe(true);
    expect(log).toContain(`build_context="(bun=${Bun.version}, platform=${process.platform}/${process.arch})"`);
    const info = /^pushgateway_build_info\{branch="([^"]*)",goarch="\w+",goos="linux",goversion="bun[^"]+",revision="(\w+)",version="([^"]+)"\} 1$/m.exec(scrape);
    expect(info?.slice(1)).toEqual([line![2]!, line![3]!, packageJson.version]);
  });

  test('in JSON every line is one object, with the same messages', async () => {
    const { log } = await runAndStop(startOurGateway, ['--log.format=json']);
    const lines = log.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'starting pushgateway' });
    expect(String(lines[0]!.version)).toStartWith(`(version=${packageJson.version}, `);
    expect(lines.map((line) => line.msg)).toContain('received SIGINT/SIGTERM; exiting gracefully...');
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'HTTP server stopped' });
  });
});
