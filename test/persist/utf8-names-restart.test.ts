// A group with UTF-8 names (--push.enable-utf8-names) survives a restart, from the snapshot and from the journal, real names and scrapes intact.
import { afterAll, describe, expect, test } from 'bun:test';
import { send } from '../helpers/http.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';
import type { Gateway } from '../helpers/start-server.ts';

const { tempFile, start, stop, crash, cleanup } = persistenceSandbox('pg-utf8-restart-');
afterAll(cleanup);

const FLAG = ['--push.enable-utf8-names'];
const BODY = '# HELP "some.metric" Dotted.\n# TYPE "some.metric" gauge\n{"some.metric","a.b"="1"} 1\nm{"a.b"="1"} 2\nm{a_b="1"} 3\n';

/** What a client sees of the group: the scrape in allow-utf-8 and in underscores, and the JSON API's labels. */
async function view(gw: Gateway): Promise<unknown> {
  const scrape = async (scheme: string) => {
    const { body } = await send(gw, 'GET', '/metrics', undefined, { Accept: `text/plain; escaping=${scheme}` });
    return body.split('\n').filter((line) => line.includes('u8') || line.includes('some'));
  };
  const { body } = await send(gw, 'GET', '/api/v1/metrics');
  const groups = (JSON.parse(body).data as { labels: Record<string, string> }[]).map((g) => g.labels);
  return { utf8: await scrape('allow-utf-8'), underscores: await scrape('underscores'), groups };
}

describe('a UTF-8 group across a restart', () => {
  test.each([
    ['a clean stop (snapshot)', 'stop'],
    ['a crash (journal)', 'crash'],
  ] as const)('%s', async (_why, how) => {
    const file = tempFile();
    const first = await start(file, FLAG);
    expect((await send(first, 'PUT', '/metrics/job/u8/U__dotted_2e_key/v', BODY)).status).toBe(200);
    const before = await view(first);
    expect(JSON.stringify(before)).toContain('{\\"some.metric\\",\\"a.b\\"=\\"1\\",\\"dotted.key\\"=\\"v\\",instance=\\"\\",job=\\"u8\\"} 1');
    if (how === 'stop') await stop(first);
    else await crash(first);
    const second = await start(file, FLAG);
    expect(await view(second)).toEqual(before);
    // Still two series after the restart: a push of the same body is consistent with itself.
    expect((await send(second, 'PUT', '/metrics/job/u8/U__dotted_2e_key/v', BODY)).status).toBe(200);
    await stop(second);
  });
});
