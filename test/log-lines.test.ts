// The gateway's log lines carry Go's messages and keys (start, shutdown, refused and inconsistent pushes, failed scrapes), in logfmt and JSON, with this gateway's version and revision.
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
    const shared = ['starting pushgateway', 'build_context=', 'external URL', 'path prefix used externally',
      'path prefix for internal routing', 'Listening on', 'TLS is disabled.',
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

/** The logfmt lines of `log` whose msg is `msg`. */
function linesWith(log: string, msg: string): string[] {
  return log.split('\n').filter((line) => line.includes(`msg="${msg}"`) || line.includes(`msg=${msg} `));
}

/** Pushes `body` to `path` with `method`; the status. */
async function push(gateway: Gateway, method: string, path: string, body: string): Promise<number> {
  const response = await fetch(`${gateway.url}${path}`, { method, body });
  await response.arrayBuffer();
  return response.status;
}

describe('refused pushes and failed scrapes', () => {
  /** A body that does not parse, a bad grouping path (push and delete) and a push that clashes with another group, as Go and ours log them. */
  async function refusals(start: (flags: string[]) => Promise<Gateway>, level: string): Promise<string> {
    const gateway = await start([`--log.level=${level}`]);
    try {
      expect(await push(gateway, 'PUT', '/metrics/job/bad/instance/i', 'bad line\n')).toBe(400);
      expect(await push(gateway, 'PUT', '/metrics/job/a/__x/y', 'x 1\n')).toBe(400);
      expect(await push(gateway, 'DELETE', '/metrics/job/a/__x/y', '')).toBe(400);
      expect(await push(gateway, 'PUT', '/metrics/job/j', '# TYPE m counter\nm 1\n')).toBe(200);
      expect(await push(gateway, 'POST', '/metrics/job/k', '# TYPE m gauge\nm 1\n')).toBe(400);
    } finally {
      await gateway.stop();
    }
    return gateway.log();
  }

  test('at debug, Go’s messages: the parse error, the bad URL, the inconsistency (at error)', async () => {
    const go = await refusals(startReference, 'debug');
    const ours = await refusals(startOurGateway, 'debug');
    for (const [msg, levels] of [
      ['failed to parse text', ['debug']],
      ['failed to parse URL', ['debug', 'debug']],
      ['pushed metrics are invalid or inconsistent with existing metrics', ['error']],
    ] as const) {
      expect(linesWith(go, msg).map((line) => /level=(\w+)/.exec(line)![1])).toEqual([...levels]);
      expect(linesWith(ours, msg).map((line) => /level=(\w+)/.exec(line)![1])).toEqual([...levels]);
    }
    // Ours name the group (Go names the client's address instead).
    expect(linesWith(ours, 'failed to parse text')[0]).toContain(
      'method=PUT grouping="{\\"instance\\":\\"i\\",\\"job\\":\\"bad\\"}" status=400 err="text format parsing error in line 1: expected float as value, got \\"line\\""',
    );
    expect(linesWith(ours, 'failed to parse URL')).toEqual([
      expect.stringContaining('method=PUT job=a url=/__x/y err="improper label name \\"__x\\""'),
      expect.stringContaining('method=DELETE job=a url=/__x/y err="improper label name \\"__x\\""'),
    ]);
    expect(linesWith(ours, 'pushed metrics are invalid or inconsistent with existing metrics')[0]).toContain('method=POST grouping="{\\"job\\":\\"k\\"}" err=');
  });

  test('at info a refused push is not logged, an inconsistent one is', async () => {
    const ours = await refusals(startOurGateway, 'info');
    expect(linesWith(ours, 'failed to parse text')).toEqual([]);
    expect(linesWith(ours, 'failed to parse URL')).toEqual([]);
    expect(linesWith(ours, 'pushed metrics are invalid or inconsistent with existing metrics')).toHaveLength(1);
  });

  test('a scrape of an inconsistent store is logged at error with the reason, as Go does', async () => {
    for (const start of [startReference, startOurGateway]) {
      const gateway = await start(['--push.disable-consistency-check']);
      try {
        expect(await push(gateway, 'PUT', '/metrics/job/j', '# TYPE m counter\nm 1\n')).toBe(202);
        expect(await push(gateway, 'PUT', '/metrics/job/k', '# TYPE m gauge\nm 1\n')).toBe(202);
        // Go applies a push after answering it: wait until the scrape sees the clash.
        let status = 0;
        for (let tries = 0; tries < 50 && status !== 500; tries++) {
          const response = await fetch(`${gateway.url}/metrics`);
          await response.arrayBuffer();
          status = response.status;
          if (status !== 500) await Bun.sleep(20);
        }
        expect(status).toBe(500);
      } finally {
        await gateway.stop();
      }
      const line = gateway.log().split('\n').find((entry) => entry.includes('error gathering metrics'));
      expect(line, `${gateway.kind}: ${gateway.log()}`).toMatch(/level=error msg="error gathering metrics.*is not a (GAUGE|COUNTER)/);
    }
  });
});
