// PUT /api/v1/admin/wipe goes through the store's one write path: the journal records it, so the wipe survives a restart, even a crash.
import { afterAll, expect, test } from 'bun:test';
import { send } from '../helpers/http.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';

const { tempFile, start, stop, crash, cleanup } = persistenceSandbox('pg-wipe-');
afterAll(cleanup);

const ADMIN = ['--web.enable-admin-api'];

test.each<[string, 'crash' | 'stop']>([
  // SIGKILL writes no snapshot: only the journal can bring the wipe back.
  ['a crash right after the 202', 'crash'],
  ['a clean stop', 'stop'],
])('a wipe acknowledged with 202 is still a wipe after %s, and later pushes are kept', async (_why, how) => {
  const file = tempFile();
  const first = await start(file, ADMIN);
  for (const job of ['a', 'b', 'c']) expect((await send(first, 'PUT', `/metrics/job/${job}`, 'w 1\n')).status).toBe(200);
  expect((await send(first, 'PUT', '/api/v1/admin/wipe')).status).toBe(202);
  expect((await send(first, 'PUT', '/metrics/job/after', 'w 2\n')).status).toBe(200);
  if (how === 'crash') await crash(first);
  else expect(await stop(first)).toBe(0);

  const second = await start(file, ADMIN);
  const groups = JSON.parse((await send(second, 'GET', '/api/v1/metrics')).body).data as { labels: Record<string, string> }[];
  expect(groups.map((group) => group.labels)).toEqual([{ job: 'after' }]);
  await stop(second);
});
