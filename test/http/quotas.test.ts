// The per-job quotas (issue #14 part 3): series per group and groups per job refuse with 413, the push rate with 429 and Retry-After; a refused push changes nothing and is counted by its flag.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Reply, scrapePushed, send } from '../helpers/http.ts';
import { type Gateway, startOurGateway, withGateway } from '../helpers/start-server.ts';

const REJECTED = 'pushgateway_push_rejected_total';

/** `pushgateway_push_rejected_total{reason=<flag>}` as the gateway's scrape shows it (0 when absent). */
async function rejected(gw: Gateway, flag: string): Promise<number> {
  const scrape = await send(gw, 'GET', '/metrics');
  const line = scrape.body.split('\n').find((l) => l.startsWith(`${REJECTED}{reason="${flag}"} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** `count` gauge lines of family `name`, `name{s="0"} 1` on. */
function series(name: string, count: number, from = 0): string {
  let body = '';
  for (let i = from; i < from + count; i++) body += `${name}{s="${i}"} 1\n`;
  return body;
}

const status = (reply: Reply) => reply.status;

/** Sends a push that must be refused with `code` and `message`, and checks it changed nothing and was counted once under `flag`. */
async function expectRefused(gw: Gateway, flag: string, code: number, push: () => Promise<Reply>, message: string): Promise<Reply> {
  const before = await scrapePushed(gw);
  const counted = await rejected(gw, flag);
  const reply = await push();
  expect({ status: reply.status, body: reply.body }).toEqual({ status: code, body: message + '\n' });
  expect(await scrapePushed(gw)).toEqual(before);
  expect(await rejected(gw, flag)).toBe(counted + 1);
  return reply;
}

describe('size quotas', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startOurGateway(['--push.max-series-per-group=4', '--push.max-groups-per-job=2', '--push.max-series=10']);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const SERIES_FLAG = 'push.max-series-per-group';
  const GROUPS_FLAG = 'push.max-groups-per-job';
  const tooManySeries = (job: string, count: number) =>
    `job "${job}": the push would leave group {job="${job}"} with ${count} series, more than the limit of 4 per group (--${SERIES_FLAG})`;

  test('series per group: a PUT of exactly the limit is stored, one more is refused whole', async () => {
    expect(status(await send(gw, 'PUT', '/metrics/job/put', series('a', 4)))).toBe(200);
    // The group's push_time_seconds and push_failure_time_seconds are not counted: it holds 6 lines.
    expect((await scrapePushed(gw)).samples.filter((line) => line.includes('job="put"')).length).toBe(6);
    await expectRefused(gw, SERIES_FLAG, 413, () => send(gw, 'PUT', '/metrics/job/put', series('b', 5)), tooManySeries('put', 5));
    // A PUT replaces the group: four new series in place of four old ones fit.
    expect(status(await send(gw, 'PUT', '/metrics/job/put', series('b', 4)))).toBe(200);
  });

  test('series per group: a POST counts what the group keeps plus what it adds, a family of the same name replaced', async () => {
    expect(status(await send(gw, 'PUT', '/metrics/job/post', series('a', 3)))).toBe(200);
    // `a` is replaced (3 → 4): 4 in all.
    expect(status(await send(gw, 'POST', '/metrics/job/post', series('a', 4)))).toBe(200);
    // A new family adds to `a`'s 4.
    await expectRefused(gw, SERIES_FLAG, 413, () => send(gw, 'POST', '/metrics/job/post', series('b', 1)), tooManySeries('post', 5));
    // `a` shrinks to 2 while `b` brings 2: 4.
    expect(status(await send(gw, 'POST', '/metrics/job/post', series('a', 2) + series('b', 2)))).toBe(200);
    await expectRefused(gw, SERIES_FLAG, 413, () => send(gw, 'POST', '/metrics/job/post', series('c', 1)), tooManySeries('post', 5));
  });

  test('series per group: a histogram counts each of its lines, as --push.max-series does', async () => {
    const histogram = '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3\nh_count 2\n';
    expect(status(await send(gw, 'PUT', '/metrics/job/histogram', histogram))).toBe(200);
    await expectRefused(gw, SERIES_FLAG, 413, () => send(gw, 'POST', '/metrics/job/histogram', 'g 1\n'), tooManySeries('histogram', 5));
  });

  test('groups per job: only a push that creates a group counts, and a DELETE makes room', async () => {
    const message = `job "g" already has 2 groups, the limit of 2 per job: a push to a new group is refused until one is deleted (--${GROUPS_FLAG})`;
    expect(status(await send(gw, 'PUT', '/metrics/job/g/i/1', 'x 1\n'))).toBe(200);
    expect(status(await send(gw, 'PUT', '/metrics/job/g/i/2', 'x 1\n'))).toBe(200);
    for (const method of ['PUT', 'POST']) await expectRefused(gw, GROUPS_FLAG, 413, () => send(gw, method, '/metrics/job/g/i/3', 'x 1\n'), message);
    // Existing groups take pushes as before; other jobs are not held back.
    expect(status(await send(gw, 'POST', '/metrics/job/g/i/1', 'y 1\n'))).toBe(200);
    expect(status(await send(gw, 'PUT', '/metrics/job/g/i/2', 'x 2\n'))).toBe(200);
    expect(status(await send(gw, 'PUT', '/metrics/job/g2/i/3', 'x 1\n'))).toBe(200);
    // A push that would fail (a timestamp) would create the group to record its failure time: refused first.
    await expectRefused(gw, GROUPS_FLAG, 413, () => send(gw, 'PUT', '/metrics/job/g/i/3', 'x 1 1000\n'), message);
    expect(status(await send(gw, 'DELETE', '/metrics/job/g/i/2'))).toBe(202);
    expect(status(await send(gw, 'PUT', '/metrics/job/g/i/3', 'x 1\n'))).toBe(200);
    await expectRefused(gw, GROUPS_FLAG, 413, () => send(gw, 'PUT', '/metrics/job/g/i/4', 'x 1\n'), message);
  });

  test('groups per job: pushes racing for the last places cannot both slip under the quota', async () => {
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => send(gw, 'PUT', `/metrics/job/race/i/${i}`, 'x 1\n')));
    expect(replies.map(status).sort()).toEqual([200, 200, ...Array<number>(10).fill(413)]);
    const groups = (await scrapePushed(gw)).samples.filter((line) => line.startsWith('x{') && line.includes('job="race"'));
    expect(groups.length).toBe(2);
  });

  test('the existing --push.max-… limits count in the same metric, under their flag', async () => {
    await expectRefused(gw, 'push.max-series', 413, () => send(gw, 'PUT', '/metrics/job/other', series('a', 11)), 'line 11: more samples than the limit of 10 per push (--push.max-series)');
  });

  test('with the consistency check off, a push over a quota is still refused with 413, not 202', async () => {
    await withGateway(() => startOurGateway(['--push.disable-consistency-check', '--push.max-series-per-group=1']), async (unchecked) => {
      expect(status(await send(unchecked, 'PUT', '/metrics/job/s', 'a 1\n'))).toBe(202);
      const message = `job "s": the push would leave group {job="s"} with 2 series, more than the limit of 1 per group (--${SERIES_FLAG})`;
      await expectRefused(unchecked, SERIES_FLAG, 413, () => send(unchecked, 'POST', '/metrics/job/s', 'b 1\n'), message);
    });
  });
});

describe('push rate per job', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startOurGateway(['--push.max-pushes-per-second-per-job=5', '--push.max-push-burst-per-job=3']);
  });
  afterAll(async () => {
    await gw?.stop();
  });

  const FLAG = 'push.max-pushes-per-second-per-job';

  test('a burst passes, the next push gets 429 with Retry-After, and after the wait it passes again', async () => {
    for (let i = 0; i < 3; i++) expect(status(await send(gw, 'PUT', '/metrics/job/r', `a ${i}\n`))).toBe(200);
    const message = `job "r" pushes more often than the limit of 5 per second (burst 3): retry after 1s (--${FLAG})`;
    const reply = await expectRefused(gw, FLAG, 429, () => send(gw, 'POST', '/metrics/job/r/i/other-group', 'a 9\n'), message);
    expect(reply.headers.get('retry-after')).toBe('1');
    // Other jobs have buckets of their own.
    expect(status(await send(gw, 'PUT', '/metrics/job/r2', 'a 1\n'))).toBe(200);
    // One token is back 200 ms later at 5 per second.
    await Bun.sleep(250);
    expect(status(await send(gw, 'PUT', '/metrics/job/r', 'a 3\n'))).toBe(200);
    expect(status(await send(gw, 'PUT', '/metrics/job/r', 'a 4\n'))).toBe(429);
  });

  test('a flood gets one push in per token, whatever its size, and the connection carries on', async () => {
    const replies: number[] = [];
    // Sequential on one keep-alive connection: a refused body is left unread, and the next request must still parse.
    for (let i = 0; i < 10; i++) replies.push(status(await send(gw, 'PUT', '/metrics/job/flood', series('a', 1000))));
    expect(replies.slice(0, 3)).toEqual([200, 200, 200]);
    expect(replies.filter((code) => code === 200).length).toBeLessThanOrEqual(5);
    expect(replies.every((code) => code === 200 || code === 429)).toBe(true);
    expect(status(await send(gw, 'GET', '/-/healthy'))).toBe(200);
  });

  test('a DELETE is no push: it is not rate-limited', async () => {
    for (let i = 0; i < 5; i++) expect(status(await send(gw, 'DELETE', '/metrics/job/deleter'))).toBe(202);
  });

  test('without a burst flag, the burst is the rate rounded up', async () => {
    await withGateway(() => startOurGateway(['--push.max-pushes-per-second-per-job=1.5']), async (own) => {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(status(await send(own, 'PUT', '/metrics/job/b', 'a 1\n')));
      expect(replies).toEqual([200, 200, 429]);
    });
  });
});

describe('quota flags', () => {
  test.each([
    ['--push.max-series-per-group=lots', 'invalid count "lots", want a whole number (0 = no quota)'],
    ['--push.max-groups-per-job=-1', 'invalid count "-1", want a whole number (0 = no quota)'],
    ['--push.max-pushes-per-second-per-job=1e3', 'invalid rate "1e3", want a number of pushes per second (0 = no quota)'],
    ['--push.max-push-burst-per-job=3', '--push.max-push-burst-per-job needs --push.max-pushes-per-second-per-job'],
  ])('%s stops start-up', async (flag, message) => {
    await expect(startOurGateway([flag])).rejects.toThrow(`pushgateway: error: ${message}`);
  });
});
