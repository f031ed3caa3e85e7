// A restart on the same persistence file brings the pushed groups back byte for byte, timestamps included, however the gateway stopped.
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scrapePushedBytes, send } from '../helpers/http.ts';
import { PROTOBUF_CONTENT_TYPE, decodeDelimited, delimited } from '../helpers/metrics-proto.ts';
import { COUNTER, FULL_NATIVE_HISTOGRAM, HISTOGRAM, MIXED_HISTOGRAM, SUMMARY } from '../helpers/protobuf-families.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';
import type { Gateway } from '../helpers/start-server.ts';

const { tempFile, start, stop, crash, cleanup } = persistenceSandbox('pg-restart-');
afterAll(cleanup);

/** One request of the varied store and its status with the consistency check on (off: every write is 202). */
interface Step {
  method: 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  status: 200 | 202 | 400;
}

const PB = { 'Content-Type': PROTOBUF_CONTENT_TYPE };
const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Every text type, with HELP (escapes in it), odd values (-0, NaN, ±Inf: kept exactly) and escaped label values. */
const TEXT_A = `# HELP rs_requests_total Requests served.\\nA second line with a backslash \\\\.
# TYPE rs_requests_total counter
rs_requests_total{code="200",path="/x"} 1027
rs_requests_total{code="500",path="/y \\"q\\"\\n"} 3
# TYPE rs_temperature gauge
rs_temperature -0
rs_temperature{sensor="nan"} NaN
rs_temperature{sensor="inf"} +Inf
rs_temperature{sensor="cold"} -Inf
rs_temperature{sensor="tiny"} 1e-300
rs_temperature{sensor="ü"} 123456789012345680000
# HELP rs_latency_seconds Latency of the batch.
# TYPE rs_latency_seconds summary
rs_latency_seconds{quantile="0.5"} 0.05
rs_latency_seconds{quantile="0.99"} 0.3
rs_latency_seconds_sum 12.5
rs_latency_seconds_count 210
# HELP rs_size_bytes Size of the output.
# TYPE rs_size_bytes histogram
rs_size_bytes_bucket{le="100"} 3
rs_size_bytes_bucket{le="1000"} 7
rs_size_bytes_bucket{le="+Inf"} 9
rs_size_bytes_sum 4711
rs_size_bytes_count 9
rs_untyped 42
`;

/** The same names in another group: another HELP (the scrape picks the newest), a histogram without +Inf (synthesised, kept exactly). */
const TEXT_B = `# HELP rs_requests_total Requests served by instance b.
# TYPE rs_requests_total counter
rs_requests_total{code="200",path="/x"} 5
# TYPE rs_size_bytes histogram
rs_size_bytes_bucket{le="10"} 1
rs_size_bytes_sum 2
rs_size_bytes_count 1
`;

/**
 * The varied store: text and protobuf pushes (native histograms among them), PUT and merging POST, a
 * base64 grouping key with a slash and a non-ASCII letter, a refused push that leaves a failure time,
 * and groups deleted (one of them pushed again afterwards).
 */
const STEPS: Step[] = [
  { method: 'PUT', path: '/metrics/job/restart/instance/a', body: TEXT_A, status: 200 },
  { method: 'POST', path: '/metrics/job/restart/instance/b', body: TEXT_B, status: 200 },
  { method: 'POST', path: '/metrics/job/restart/instance/b', body: 'rs_untyped 7\n', status: 200 },
  { method: 'PUT', path: `/metrics/job@base64/${b64('restart/ü')}/path@base64/${b64('/var/tmp')}`, body: 'rs_untyped 8\n', status: 200 },
  { method: 'PUT', path: '/metrics/job/restart-proto/instance/p', body: delimited(COUNTER, SUMMARY, HISTOGRAM, FULL_NATIVE_HISTOGRAM), headers: PB, status: 200 },
  { method: 'POST', path: '/metrics/job/restart-proto/instance/q', body: delimited(MIXED_HISTOGRAM), headers: PB, status: 200 },
  { method: 'PUT', path: '/metrics/job/restart/instance/failing', body: 'rs_untyped 1\n', status: 200 },
  { method: 'POST', path: '/metrics/job/restart/instance/failing', body: 'rs_untyped 2 1700000000000\n', status: 400 },
  { method: 'PUT', path: '/metrics/job/restart/instance/gone', body: 'rs_untyped 3\n', status: 200 },
  { method: 'DELETE', path: '/metrics/job/restart/instance/gone', status: 202 },
  { method: 'PUT', path: '/metrics/job/restart/instance/back', body: 'rs_untyped 4\n', status: 200 },
  { method: 'DELETE', path: '/metrics/job/restart/instance/back', status: 202 },
  { method: 'POST', path: '/metrics/job/restart/instance/back', body: 'rs_untyped 5\n', status: 200 },
];

/** Sends STEPS in order; each must answer its status (202 for every write with the check off). */
async function pushVariedStore(gateway: Gateway, checked: boolean): Promise<void> {
  for (const step of STEPS) {
    const reply = await send(gateway, step.method, step.path, step.body, step.headers);
    expect(`${step.method} ${step.path} → ${reply.status}`).toBe(`${step.method} ${step.path} → ${checked ? step.status : 202}`);
  }
}

/** The pushed part of a text and of a protobuf scrape, exactly as sent. */
async function scrapes(gateway: Gateway): Promise<{ text: string; protobuf: Uint8Array }> {
  return {
    text: new TextDecoder().decode(await scrapePushedBytes(gateway, 'text')),
    protobuf: await scrapePushedBytes(gateway, 'protobuf'),
  };
}

/** That `before` holds what STEPS meant to leave, so a restart that loses any of it shows. */
function expectVariedStore(before: { text: string; protobuf: Uint8Array }): void {
  expect(before.text).toContain('rs_temperature{instance="a",job="restart",sensor="nan"} NaN\n');
  expect(before.text).toContain('# HELP rs_requests_total Requests served by instance b.\n');
  expect(before.text).toContain('rs_untyped{instance="b",job="restart"} 7\n');
  expect(before.text).toContain('rs_untyped{instance="",job="restart/ü",path="/var/tmp"} 8\n');
  expect(before.text).toMatch(/\npush_failure_time_seconds\{instance="failing",job="restart"\} 1\.\d+e\+09\n/);
  expect(before.text).toContain('rs_untyped{instance="back",job="restart"} 5\n');
  expect(before.text).not.toContain('instance="gone"');
  const native = decodeDelimited(before.protobuf).find((family) => family.name === 'nh') as { metric: { histogram: { schema: number } }[] };
  expect(native.metric[0]!.histogram.schema).toBe(-2);
}

/** Scrapes, stops the gateway with `shutDown`, starts it again on the same file and expects the same scrapes. */
async function expectRestored(file: string, args: string[], shutDown: (gateway: Gateway) => Promise<void>, checked = true): Promise<Gateway> {
  const first = await start(file, args);
  await pushVariedStore(first, checked);
  const before = await scrapes(first);
  expectVariedStore(before);
  await shutDown(first);
  const second = await start(file, args);
  const after = await scrapes(second);
  expect(after.text).toBe(before.text);
  // Decoded first for a readable difference, then the bytes themselves.
  expect(decodeDelimited(after.protobuf)).toEqual(decodeDelimited(before.protobuf));
  expect(Buffer.from(after.protobuf).toString('hex')).toBe(Buffer.from(before.protobuf).toString('hex'));
  // A restored group goes on from its state: a later push keeps its failure time (SPEC §3.2).
  const failure = /\npush_failure_time_seconds\{instance="failing",job="restart"\} (\S+)\n/;
  expect((await send(second, 'POST', '/metrics/job/restart/instance/failing', 'rs_untyped 9\n')).status).toBe(checked ? 200 : 202);
  expect(failure.exec((await send(second, 'GET', '/metrics')).body)?.[1]).toBe(failure.exec(before.text)![1]);
  return second;
}

/** SIGTERM and the exit code Go has: 0. */
async function terminate(gateway: Gateway): Promise<void> {
  expect(await stop(gateway)).toBe(0);
}

/** After a clean stop only the snapshot is left: no journal, no temp file; readable by its owner only. */
function expectOnlySnapshot(file: string): void {
  expect(readdirSync(join(file, '..'))).toEqual(['pg.data']);
  expect(statSync(file).mode & 0o777).toBe(0o600);
}

/**
 * A PUT of `body` on a raw connection whose body the test sends itself, piece by piece with `write`:
 * `response` resolves with everything the gateway answered once it closes the connection.
 */
async function openPush(gateway: Gateway, path: string, body: string): Promise<{ write(text: string): void; response: Promise<string> }> {
  const { hostname, port } = new URL(gateway.url);
  let received = '';
  let closed!: (text: string) => void;
  const response = new Promise<string>((resolve) => (closed = resolve));
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_, chunk) {
        received += new TextDecoder().decode(chunk);
      },
      close() {
        closed(received);
      },
      error() {
        closed(received);
      },
    },
  });
  socket.write(`PUT ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`);
  return { write: (text) => void socket.write(text), response };
}

/** Resolves once `gateway` has logged `text`; throws after 5 s. */
async function waitForLog(gateway: Gateway, text: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!gateway.log().includes(text)) {
    if (Date.now() > deadline) throw new Error(`the gateway did not log "${text}" within 5 s:\n${gateway.log()}`);
    await Bun.sleep(5);
  }
}

describe('restart on the same persistence file', () => {
  test('after SIGTERM the pushed groups scrape byte for byte as before, in text and protobuf', async () => {
    const file = tempFile();
    await expectRestored(file, [], async (gateway) => {
      await terminate(gateway);
      expectOnlySnapshot(file);
    });
  }, 20_000);

  test('after PUT /-/quit (sent twice at once) with --web.enable-lifecycle the same holds', async () => {
    const file = tempFile();
    await expectRestored(file, ['--web.enable-lifecycle'], async (gateway) => {
      const quits = await Promise.allSettled([send(gateway, 'PUT', '/-/quit'), send(gateway, 'PUT', '/-/quit')]);
      expect(quits[0]).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
      // The second may find the listener closed already; if it was answered, it was answered alike.
      if (quits[1].status === 'fulfilled') expect(quits[1].value.status).toBe(200);
      expect(await gateway.exited()).toBe(0);
      expect(gateway.log().match(/exiting gracefully/g)).toHaveLength(1);
      expectOnlySnapshot(file);
    });
  }, 20_000);

  test('with --no-persistence.journal the last snapshot, written at SIGTERM, carries the whole store', async () => {
    const file = tempFile();
    // An interval of an hour: no snapshot before the one at shutdown.
    await expectRestored(file, ['--no-persistence.journal', '--persistence.interval=1h'], async (gateway) => {
      expect(readdirSync(join(file, '..'))).toEqual([]);
      await terminate(gateway);
      expectOnlySnapshot(file);
    });
  }, 20_000);

  test('after SIGKILL, every acknowledged write is replayed from the journal, timestamps included', async () => {
    const file = tempFile();
    await expectRestored(file, [], async (gateway) => {
      expect(existsSync(file)).toBe(false);
      await crash(gateway);
    });
  }, 20_000);

  test.each([
    ['with the journal', []],
    ['with --no-persistence.journal', ['--no-persistence.journal', '--persistence.interval=1h']],
  ])('SIGTERM while a push body is still arriving (%s): the push is answered 200 and restored', async (_, args) => {
    const file = tempFile();
    const first = await start(file, args);
    const body = 'in_flight_value 42\n';
    const push = await openPush(first, '/metrics/job/in-flight', body);
    push.write(body.slice(0, 8));
    // The handler holds the request while the rest of the body is missing; the signal comes now.
    await Bun.sleep(50);
    const exited = stop(first);
    await waitForLog(first, 'exiting gracefully');
    await Bun.sleep(100);
    push.write(body.slice(8));
    expect((await push.response).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(await exited).toBe(0);
    const second = await start(file, args);
    expect((await send(second, 'GET', '/metrics')).body).toContain('in_flight_value{instance="",job="in-flight"} 42\n');
    await terminate(second);
  }, 20_000);

  test('with --push.disable-consistency-check the store is restored in that mode too', async () => {
    const file = tempFile();
    const args = ['--push.disable-consistency-check'];
    const second = await expectRestored(file, args, terminate, false);
    // Restore runs no check (SPEC §8): a store this mode made inconsistent comes back inconsistent.
    expect((await send(second, 'PUT', '/metrics/job/restart/instance/a/extra/x', '# TYPE rs_untyped gauge\nrs_untyped 1\n')).status).toBe(202);
    const inconsistent = await send(second, 'GET', '/metrics');
    expect(inconsistent.status).toBe(500);
    expect(inconsistent.body).toContain('"rs_untyped"');
    await terminate(second);
    const third = await start(file, args);
    expect(await send(third, 'GET', '/metrics')).toMatchObject({ status: 500, body: inconsistent.body });
    expect((await send(third, 'DELETE', '/metrics/job/restart/instance/a/extra/x')).status).toBe(202);
    expect((await send(third, 'GET', '/metrics')).status).toBe(200);
    await terminate(third);
  }, 20_000);
});
