// A small, bounded form of the hostile-load run (bench/hostile-load.ts): under each kind of hostile client the gateway keeps answering well-behaved ones, and stores nothing of the hostile ones.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { send } from '../helpers/http.ts';
import { type Gateway, startOurGateway } from '../helpers/start-server.ts';
import { abortedUploads, concurrentPushAndScrape, gzipBombBody, idleConnections, pushGzipBomb, slowloris } from './hostile-clients.ts';
import { type Measured, describeMeasured, measured } from './probe.ts';

// A small body limit, so that the bomb is refused after a few MiB of inflating.
const MAX_BODY = '4MiB';
const TIMEOUT_MS = 60_000;

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startOurGateway([`--push.max-body-bytes=${MAX_BODY}`]);
});
afterAll(async () => {
  await gateway?.stop();
});

/**
 * Runs `scenario` under the probe; the well-behaved probe requests must all have answered 200. The
 * figures are printed, never asserted (timings on a shared machine are not a test).
 */
async function whileProbing<T>(name: string, scenario: () => Promise<T>): Promise<Measured<T>> {
  const m = await measured(gateway, scenario, { settleMaxMs: 3_000, lingerMs: 200 });
  console.log(describeMeasured(name, m));
  expect(m.probe.failures).toEqual([]);
  expect(m.probe.healthy.count).toBeGreaterThan(0);
  return m;
}

/** The pushed part of the scrape must hold no series of `job`. */
async function expectNothingStoredFor(job: string): Promise<void> {
  const scrape = await send(gateway, 'GET', '/metrics');
  expect(scrape.status).toBe(200);
  expect(scrape.body).not.toContain(`job="${job}"`);
}

describe('well-behaved clients keep being answered', () => {
  test('while 200 connections push and scrape at once', async () => {
    const m = await whileProbing('200 concurrent', () => concurrentPushAndScrape(gateway, 200, 2));
    expect(m.result.pushes).toEqual({ 200: 200 });
    expect(m.result.scrapes).toEqual({ 200: 200 });
    await expectNothingStoredFor('load');
  }, TIMEOUT_MS);

  test('while 300 connections sit idle', async () => {
    const m = await whileProbing('300 idle', () => idleConnections(gateway, 300, 1_500));
    expect(m.result.opened).toBe(300);
  }, TIMEOUT_MS);

  test('while 20 slowloris clients drip headers and bodies a byte at a time; nothing of theirs is stored', async () => {
    await whileProbing('20 slowloris', () => slowloris(gateway, 20, 2_000, 20));
    await expectNothingStoredFor('slow');
  }, TIMEOUT_MS);

  test('while 20 clients hang up mid-body; nothing of theirs is stored', async () => {
    await whileProbing('20 aborted uploads', () => abortedUploads(gateway, 20, 1_000_000, 200_000));
    await expectNothingStoredFor('aborted');
  }, TIMEOUT_MS);

  test('while a gzip bomb inflates past the body limit: refused with 413, nothing stored', async () => {
    const bomb = await gzipBombBody(16 * 2 ** 20);
    const m = await whileProbing(`gzip bomb ${bomb.length} B → 16 MiB`, () => pushGzipBomb(gateway, bomb));
    expect(m.result.status).toBe(413);
    await expectNothingStoredFor('bomb');
  }, TIMEOUT_MS);
});
