// `npm run build`'s dist/pushgateway alone in an empty directory, with an empty environment: the same flags,
// pushes from curl, Python and protobuf, scrapes, the web UI with its embedded files, persistence across a
// SIGTERM and a restart, and the version, revision and build date stamped at build time.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBinary } from '../../packaging/build.ts';
import { type BuildStamp, VERSION } from '../../src/version.ts';
import { decodeDelimited, delimited, PROTOBUF_CONTENT_TYPE } from '../helpers/metrics-proto.ts';
import { type ServerProcess, startServer } from '../helpers/server-process.ts';
import { PROTOBUF_ACCEPT, python, runOk } from '../interop/clients.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
const STATIC = new URL('../../src/ui/assets/static/', import.meta.url).pathname;
/** A build takes about 2 s here; the margin is for a machine busy with other tests. */
const BUILD_TIMEOUT_MS = 60_000;

const buildDir = mkdtempSync(join(tmpdir(), 'pg-build-'));
/** Holds nothing but the binary (and the persistence file it writes). */
const runDir = mkdtempSync(join(tmpdir(), 'pg-binary-'));
const binary = join(runDir, 'pushgateway');
const persistenceFile = join(runDir, 'p.data');
let stamp: BuildStamp;
let gw: ServerProcess | undefined;

beforeAll(async () => {
  const built = join(buildDir, 'pushgateway');
  stamp = await buildBinary(built);
  copyFileSync(built, binary);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await gw?.stop();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

/** `argv` run in the binary's directory with no environment variables at all (no PATH, no HOME). */
function bare(argv: string[]): string[] {
  return ['/usr/bin/env', '-i', ...argv];
}

/** The binary serving on a free port with the persistence file beside it. */
function startBinary(): Promise<ServerProcess> {
  return startServer({
    name: 'single binary',
    cwd: runDir,
    argv: (port) => bare([binary, `--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${persistenceFile}`]),
  });
}

/** The running binary as a Gateway of the interop helpers. */
function gateway(): ServerProcess & { kind: 'ours' } {
  return { kind: 'ours', ...gw! };
}

async function get(path: string, headers?: Record<string, string>): Promise<Response> {
  return fetch(gw!.url + path, { headers, signal: AbortSignal.timeout(10_000) });
}

describe('the single binary', () => {
  test('--version names package.json’s version and the checkout’s revision and branch, stamped at build time', async () => {
    expect(stamp.revision).toMatch(/^[0-9a-f]{40}$/);
    // A commit of this repository: HEAD when built (others may commit meanwhile).
    expect(Bun.spawnSync(['git', 'merge-base', '--is-ancestor', stamp.revision, 'HEAD'], { cwd: import.meta.dir }).exitCode).toBe(0);
    expect(stamp.buildDate).toMatch(/^\d{8}-\d\d:\d\d:\d\d$/);
    const banner = new TextDecoder().decode(await runOk(bare([binary, '--version']), { cwd: runDir }));
    expect(banner).toStartWith(`pushgateway, version ${VERSION} (branch: ${stamp.branch}, revision: ${stamp.revision})\n  build date:       ${stamp.buildDate}\n`);
  });

  test('--help is the one the sources print: the same flags', async () => {
    const ours = await runOk(bare([binary, '--help']), { cwd: runDir });
    expect(new TextDecoder().decode(ours)).toBe(new TextDecoder().decode(await runOk([process.execPath, MAIN, '--help'])));
  });

  test('a bunfig.toml where it runs is not read: its preload does not run', async () => {
    const dir = join(buildDir, 'with-bunfig');
    mkdirSync(dir);
    writeFileSync(join(dir, 'bunfig.toml'), 'preload = ["./preload.js"]\n');
    writeFileSync(join(dir, 'preload.js'), 'console.log("preloaded");\n');
    const banner = new TextDecoder().decode(await runOk(bare([binary, '--version']), { cwd: dir }));
    expect(banner).not.toContain('preloaded');
    expect(banner).toStartWith('pushgateway, version');
  });

  test('starts in an empty directory and takes pushes from curl, Python’s client and protobuf', async () => {
    gw = await startBinary();
    const curl = await runOk(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--data-binary', '@-', `${gw.url}/metrics/job/curl_job/instance/a`], {
      stdin: new TextEncoder().encode('# TYPE backups_total counter\nbackups_total 7\n'),
    });
    expect(new TextDecoder().decode(curl)).toBe('200');
    await python(gateway(), [
      'import os',
      'from prometheus_client import CollectorRegistry, Gauge, push_to_gateway',
      'registry = CollectorRegistry()',
      "Gauge('rows_copied', 'Rows copied.', registry=registry).set(1200)",
      "push_to_gateway(os.environ['PUSHGATEWAY'], job='python_job', registry=registry)",
    ].join('\n'));
    const body = delimited({ name: 'queue_depth', type: 'GAUGE', metric: [{ gauge: { value: 3 } }] });
    const pushed = await fetch(`${gw.url}/metrics/job/protobuf_job`, { method: 'PUT', body, headers: { 'Content-Type': PROTOBUF_CONTENT_TYPE } });
    expect(pushed.status).toBe(200);
  });

  test('started with an empty environment, the serving process (the same PID) has the allocator\'s purge delay set and its own arguments', () => {
    const environment = readFileSync(`/proc/${gw!.pid}/environ`, 'latin1').split('\0').filter((entry) => entry !== '');
    expect(environment).toEqual(['MIMALLOC_PURGE_DELAY=10000']);
    // The binary's own entry is not passed again as an argument when it executes itself.
    expect(readFileSync(`/proc/${gw!.pid}/cmdline`, 'latin1').split('\0').slice(1, -1)).toEqual([`--web.listen-address=${new URL(gw!.url).host}`, `--persistence.file=${persistenceFile}`]);
  });

  test('/metrics as text names the pushed series and the stamped revision', async () => {
    const text = await (await get('/metrics')).text();
    expect(text).toContain('backups_total{instance="a",job="curl_job"} 7\n');
    expect(text).toContain('rows_copied{instance="",job="python_job"} 1200\n');
    expect(text).toContain('queue_depth{instance="",job="protobuf_job"} 3\n');
    expect(text).toMatch(new RegExp(`^pushgateway_build_info\\{branch="${stamp.branch}",.*revision="${stamp.revision}",version="${VERSION}"\\} 1$`, 'm'));
  });

  test('/metrics gzipped (curl, raw bytes) and as protobuf', async () => {
    const gzipped = await runOk(['curl', '-sS', '-H', 'Accept-Encoding: gzip', `${gw!.url}/metrics`]);
    expect([...gzipped.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(gzipped)))).toContain('backups_total{instance="a",job="curl_job"} 7\n');
    const protobuf = await get('/metrics', { Accept: PROTOBUF_ACCEPT });
    const names = decodeDelimited(await protobuf.bytes()).map((family) => family.name);
    expect(names).toContain('queue_depth');
  });

  test('the web UI page and its CSS and script, embedded in the binary', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="static/pushgateway.css"');
    expect(html).toContain('python_job');
    for (const [name, contentType] of [['pushgateway.css', 'text/css; charset=utf-8'], ['pushgateway.js', 'application/javascript']] as const) {
      const asset = await get(`/static/${name}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe(contentType);
      expect(Buffer.from(await asset.bytes()).equals(readFileSync(join(STATIC, name)))).toBe(true);
    }
  });

  test('the status API carries the stamped build date', async () => {
    const status = (await (await get('/api/v1/status')).json()) as { data: { build_information: Record<string, string> } };
    expect(status.data.build_information).toMatchObject({ buildDate: stamp.buildDate, revision: stamp.revision, version: VERSION });
  });

  test('SIGTERM stops it with exit code 0; started again, it has the pushed groups back', async () => {
    expect(await gw!.kill('SIGTERM')).toBe(0);
    gw = await startBinary();
    const text = await (await get('/metrics')).text();
    expect(text).toContain('backups_total{instance="a",job="curl_job"} 7\n');
    expect(text).toContain('rows_copied{instance="",job="python_job"} 1200\n');
    expect(text).toContain('queue_depth{instance="",job="protobuf_job"} 3\n');
  });
});
