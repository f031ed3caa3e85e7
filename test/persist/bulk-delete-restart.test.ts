// DELETE /api/v1/admin/groups goes through the store's one write path as one journal record: acknowledged, the bulk
// delete survives a crash whole; and a journal written before that record existed (format version 2) still loads.
import { afterAll, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseText } from '../../src/parse/text-parser.ts';
import { Journal, journalPath } from '../../src/persist/journal.ts';
import { deleteGroupRecord, setGroupRecord } from '../../src/persist/journal-format.ts';
import { encodeGroup } from '../../src/stored/group-bytes.ts';
import { Store } from '../../src/store/store.ts';
import { send } from '../helpers/http.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';

const { tempFile, start, stop, crash, cleanup } = persistenceSandbox('pg-bulk-delete-');
afterAll(cleanup);

const ADMIN = ['--web.enable-admin-api'];

async function jobs(gw: Parameters<typeof send>[0]): Promise<string[]> {
  const groups = JSON.parse((await send(gw, 'GET', '/api/v1/metrics')).body).data as { labels: Record<string, string> }[];
  return groups.map((group) => group.labels.job!);
}

test.each<[string, 'crash' | 'stop']>([
  // SIGKILL writes no snapshot: only the journal can bring the bulk delete back.
  ['a crash right after the 200', 'crash'],
  ['a clean stop', 'stop'],
])('a bulk delete acknowledged with 200 is still done after %s, all of it', async (_why, how) => {
  const file = tempFile();
  const first = await start(file, ADMIN);
  for (const job of ['etl', 'nightly_1', 'nightly_2', 'nightly_3', 'other']) expect((await send(first, 'PUT', `/metrics/job/${job}`, 'w 1\n')).status).toBe(200);
  const answer = await send(first, 'DELETE', `/api/v1/admin/groups?match[]=${encodeURIComponent('{job=~"nightly_.*"}')}`);
  expect(JSON.parse(answer.body)).toEqual({ status: 'success', data: { deleted: 3 } });
  if (how === 'crash') await crash(first);
  else expect(await stop(first)).toBe(0);

  const second = await start(file, ADMIN);
  expect(await jobs(second)).toEqual(['etl', 'other']);
  await stop(second);
});

test('a journal of format version 2 (before the delete-many record) loads, and a bulk delete then journals after it', async () => {
  const file = tempFile();
  // What a gateway before this change left after a crash: no snapshot, one journal of version 2.
  const store = new Store({ checkConsistency: true, ownTypes: new Map() });
  for (const job of ['a', 'b', 'c']) store.apply({ labels: ['job', job], families: parseText('w 1\n'), replace: true, timeMs: 1000 });
  const journal = new Journal(file, 0);
  for (const group of store.groups()) journal.append(setGroupRecord(encodeGroup(group)));
  journal.append(deleteGroupRecord(['job', 'b']));
  await journal.close();
  const bytes = Uint8Array.from(readFileSync(journalPath(file, 0)));
  new DataView(bytes.buffer).setUint32(8, 2, true);
  writeFileSync(journalPath(file, 0), bytes);

  const first = await start(file, ADMIN);
  expect(await jobs(first)).toEqual(['a', 'c']);
  const answer = await send(first, 'DELETE', `/api/v1/admin/groups?match[]=${encodeURIComponent('{job="a"}')}`);
  expect(JSON.parse(answer.body).data).toEqual({ deleted: 1 });
  await crash(first);
  const second = await start(file, ADMIN);
  expect(await jobs(second)).toEqual(['c']);
  await stop(second);
});
