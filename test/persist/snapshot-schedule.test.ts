// When the snapshot file is written, seen from outside: Go's schedule (SPEC §8) — idle nothing, a change after a quiet interval at once, a burst once per interval, once more at shutdown — and the journal ahead of it (D6).
import { afterAll, describe, expect, test } from 'bun:test';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJournal } from '../../src/persist/journal-format.ts';
import { readSnapshot } from '../../src/persist/snapshot.ts';
import { send } from '../helpers/http.ts';
import { persistenceSandbox } from '../helpers/persistence-sandbox.ts';
import type { Gateway } from '../helpers/start-server.ts';

/** The interval of every gateway here; the timing bounds below are fractions of it. */
const INTERVAL_MS = 1000;
/**
 * How long a write may take to show up after the moment it is due: a snapshot is a temp file, two fsyncs and
 * a rename, slow when other processes fsync too. Well under the interval, so "at once" and "an interval
 * later" stay apart.
 */
const SLACK_MS = 400;
/** Without the journal, the snapshot is the only file that shows the state. */
const SNAPSHOT_ONLY = [`--persistence.interval=${INTERVAL_MS}ms`, '--no-persistence.journal'];

const { tempFile, start, stop, cleanup } = persistenceSandbox('pg-schedule-');
afterAll(cleanup);

/** The inode of `file`, or 0 while it does not exist: every snapshot is a new file renamed into place. */
function inodeOf(file: string): number {
  try {
    return statSync(file).ino;
  } catch {
    return 0;
  }
}

/** Polls every 5 ms until `check()` holds and returns the time it first did; throws after `timeoutMs`. */
async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return Date.now();
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

/** Each group's sample lines in the snapshot, by job, decoded with the gateway's own reader. */
function snapshotSamples(file: string): Record<string, string> {
  const samples: Record<string, string> = {};
  for (const group of readSnapshot(readFileSync(file)).groups) {
    const job = group.labels[group.labels.indexOf('job') + 1]!;
    samples[job] = [...group.families.values()]
      .filter((family) => !family.name.startsWith('push_'))
      .map((family) => new TextDecoder().decode(family.text))
      .join('');
  }
  return samples;
}

async function push(gateway: Gateway, job: string, value: number): Promise<void> {
  expect((await send(gateway, 'PUT', `/metrics/job/${job}`, `sched_value ${value}\n`)).status).toBe(200);
}

/** `F.journal-<generation>` files beside `file`, by generation. */
function journals(file: string): number[] {
  return readdirSync(join(file, '..'))
    .filter((name) => name.startsWith('pg.data.journal-'))
    .map((name) => Number(name.slice('pg.data.journal-'.length)))
    .sort((a, b) => a - b);
}

describe('snapshot schedule (SPEC §8), --no-persistence.journal', () => {
  test('idle writes nothing; a push after a quiet interval is written at once; a burst once, one interval after the previous write started; shutdown once more', async () => {
    const file = tempFile();
    const startedBefore = Date.now();
    const gateway = await start(file, SNAPSHOT_ONLY);

    // Idle for more than an interval since start: no file, not even a temp file.
    await Bun.sleep(Math.max(0, startedBefore + INTERVAL_MS * 1.2 - Date.now()));
    expect(readdirSync(join(file, '..'))).toEqual([]);

    // The interval since start has passed: the first change is written at once.
    const firstSent = Date.now();
    await push(gateway, 'sched', 1);
    const firstSeen = await waitFor('the first write', SLACK_MS, () => inodeOf(file) !== 0);
    const firstInode = inodeOf(file);
    expect(snapshotSamples(file)).toEqual({ sched: 'sched_value{instance="",job="sched"} 1\n' });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A burst spread over half an interval, watched by a poller that notes every new file.
    const inodes: { inode: number; at: number }[] = [{ inode: firstInode, at: firstSeen }];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const inode = inodeOf(file);
        if (inode !== inodes.at(-1)!.inode) inodes.push({ inode, at: Date.now() });
        await Bun.sleep(5);
      }
    })();
    try {
      for (let value = 2; value <= 6; value++) {
        await push(gateway, 'sched', value);
        await Bun.sleep(INTERVAL_MS / 10);
      }
      await waitFor('the burst\'s write', INTERVAL_MS + SLACK_MS, () => inodes.length > 1);
      // And nothing more while the store stays unchanged.
      await Bun.sleep(INTERVAL_MS * 1.3);
    } finally {
      watching = false;
      await watcher;
    }
    expect(inodes).toHaveLength(2);
    const burstSeen = inodes[1]!.at;
    // The first write started after the first push was sent; the next one starts an interval after it.
    expect(burstSeen - firstSent).toBeGreaterThanOrEqual(INTERVAL_MS);
    expect(burstSeen - firstSeen).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    expect(snapshotSamples(file)).toEqual({ sched: 'sched_value{instance="",job="sched"} 6\n' });

    // Shutdown writes once more although nothing changed: a new file, the same bytes.
    const unchanged = readFileSync(file);
    expect(await stop(gateway)).toBe(0);
    expect(inodeOf(file)).not.toBe(inodes[1]!.inode);
    expect(readFileSync(file).equals(unchanged)).toBe(true);
    expect(readdirSync(join(file, '..'))).toEqual(['pg.data']);
  }, 20_000);

  test('shutdown writes an empty store too, and a restart keeps the empty store\'s file until it changes', async () => {
    const file = tempFile();
    const gateway = await start(file, SNAPSHOT_ONLY);
    expect(await stop(gateway)).toBe(0);
    expect(readSnapshot(readFileSync(file)).groups).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Restored and idle past an interval: still the file shutdown wrote.
    const inode = inodeOf(file);
    const again = await start(file, SNAPSHOT_ONLY);
    await Bun.sleep(INTERVAL_MS * 1.3);
    expect(inodeOf(file)).toBe(inode);
    expect(await stop(again)).toBe(0);
    expect(inodeOf(file)).not.toBe(inode);
    expect(readSnapshot(readFileSync(file)).groups).toEqual([]);
  }, 20_000);

  test('a push within the first interval after start waits for the interval to end', async () => {
    const file = tempFile();
    const startedBefore = Date.now();
    const gateway = await start(file, SNAPSHOT_ONLY);
    const sent = Date.now();
    await push(gateway, 'early', 1);
    const seen = await waitFor('the first write', INTERVAL_MS + SLACK_MS, () => inodeOf(file) !== 0);
    // The clock starts at process start, which is after startedBefore and before the push.
    expect(seen - startedBefore).toBeGreaterThanOrEqual(INTERVAL_MS);
    expect(seen - sent).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
    expect(snapshotSamples(file)).toEqual({ early: 'sched_value{instance="",job="early"} 1\n' });
    expect(await stop(gateway)).toBe(0);
  }, 20_000);
});

describe('with the journal (SPEC D6)', () => {
  test('a 2xx push or delete is in a journal file before any snapshot is written', async () => {
    const file = tempFile();
    // An interval of an hour: no snapshot before shutdown.
    const gateway = await start(file, ['--persistence.interval=1h']);
    await push(gateway, 'journalled', 7);
    // Read the moment the 2xx is in: the record must be on disk already.
    expect(existsSync(file)).toBe(false);
    const [generation] = journals(file);
    const journalFile = `${file}.journal-${generation}`;
    let entries = readJournal(readFileSync(journalFile)).entries;
    expect(entries).toHaveLength(1);
    const set = entries[0]!;
    if (set.kind !== 'set') throw new Error(`expected a set record, got ${set.kind}`);
    expect(set.group.labels).toEqual(['job', 'journalled']);
    expect(new TextDecoder().decode(set.group.families.get('sched_value')!.text)).toBe('sched_value{instance="",job="journalled"} 7\n');

    expect((await send(gateway, 'DELETE', '/metrics/job/journalled')).status).toBe(202);
    entries = readJournal(readFileSync(journalFile)).entries;
    expect(entries.map((entry) => entry.kind)).toEqual(['set', 'delete']);
    expect(existsSync(file)).toBe(false);
    expect(await stop(gateway)).toBe(0);
  }, 20_000);

  test('a snapshot holds the journals before it and removes them; later writes go to the next generation until the next snapshot', async () => {
    const file = tempFile();
    const startedBefore = Date.now();
    const gateway = await start(file, [`--persistence.interval=${INTERVAL_MS}ms`]);
    await Bun.sleep(Math.max(0, startedBefore + INTERVAL_MS * 1.2 - Date.now()));
    expect(readdirSync(join(file, '..'))).toEqual([]);

    // After a quiet interval: the push is journalled, then a snapshot written at once holds it, and its journal goes.
    const firstSent = Date.now();
    await push(gateway, 'first', 1);
    await waitFor('the snapshot holding the first push', SLACK_MS, () => inodeOf(file) !== 0 && journals(file).length === 0);
    const held = readSnapshot(readFileSync(file));
    expect(snapshotSamples(file)).toEqual({ first: 'sched_value{instance="",job="first"} 1\n' });

    // The next push, within the interval: in a journal of the generation the snapshot names, alone.
    await push(gateway, 'second', 2);
    expect(journals(file)).toEqual([held.journalGeneration]);
    const entries = readJournal(readFileSync(`${file}.journal-${held.journalGeneration}`)).entries;
    expect(entries.map((entry) => (entry.kind === 'set' ? entry.group.labels : entry.kind))).toEqual([['job', 'second']]);
    expect(snapshotSamples(file)).toEqual({ first: 'sched_value{instance="",job="first"} 1\n' });

    // One interval after the first snapshot started, the next holds both and that journal goes too.
    const nextSeen = await waitFor('the snapshot holding the second push', INTERVAL_MS + SLACK_MS, () => journals(file).length === 0);
    expect(nextSeen - firstSent).toBeGreaterThanOrEqual(INTERVAL_MS);
    expect(snapshotSamples(file)).toEqual({
      first: 'sched_value{instance="",job="first"} 1\n',
      second: 'sched_value{instance="",job="second"} 2\n',
    });
    expect(await stop(gateway)).toBe(0);
  }, 20_000);
});
