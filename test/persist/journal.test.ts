// The journal: records read back in order, torn tails and damage told apart, group commit sharing fsyncs, failed writes retried.
import { afterEach, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Group } from '../../src/model/group.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { Journal, journalPath } from '../../src/persist/journal.ts';
import { JOURNAL_VERSION, JournalError, deleteGroupRecord, deleteGroupsRecord, readJournal, setGroupRecord, wipeRecord } from '../../src/persist/journal-format.ts';
import { encodeGroup } from '../../src/stored/group-bytes.ts';
import { Store } from '../../src/store/store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-journal-'));
  dirs.push(dir);
  return join(dir, 'pg.data');
}

function group(job: string, value: number): Group {
  const store = new Store({ checkConsistency: true, ownTypes: new Map() });
  store.apply({ labels: ['job', job], families: parseText(`a ${value}\n`), replace: true, timeMs: 1000 * value });
  return store.groups()[0]!;
}

/** Where each record of a journal file ends, read from the length fields (16-byte header, 8-byte record header). */
function recordEnds(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const ends: number[] = [];
  for (let at = 16; at + 8 <= bytes.length && view.getUint32(at, true) > 0; at = ends.at(-1)!) ends.push(at + 8 + view.getUint32(at, true));
  return ends;
}

describe('journal records', () => {
  test('set, delete and wipe read back in order', async () => {
    const file = tempFile();
    const journal = new Journal(file, 3);
    const a = group('a', 1);
    journal.append(setGroupRecord(encodeGroup(a)));
    journal.append(deleteGroupRecord(['job', 'b']));
    journal.append(wipeRecord());
    await journal.sync();
    await journal.close();
    const contents = readJournal(readFileSync(journalPath(file, 3)));
    expect(contents).toEqual({ generation: 3, entries: [{ kind: 'set', group: a }, { kind: 'delete', labels: ['job', 'b'] }, { kind: 'wipe' }] });
    expect(statSync(journalPath(file, 3)).mode & 0o777).toBe(0o600);
  });

  test('batches of every size read back: small ones copied into one write, one past the staging buffer written as parts', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    const big = new Store({ checkConsistency: true, ownTypes: new Map() });
    // ~2 MiB of series in one group: larger than the 1 MiB staging buffer.
    const body = Array.from({ length: 40_000 }, (_, i) => `big_metric_with_a_name{series="${i}",padding="${'x'.repeat(16)}"} ${i}\n`).join('');
    big.apply({ labels: ['job', 'big'], families: parseText(body), replace: true, timeMs: 1000 });
    const expected: Group[] = [group('a', 1), big.groups()[0]!, group('b', 2), group('c', 3)];
    journal.append(setGroupRecord(encodeGroup(expected[0]!)));
    await journal.sync();
    journal.append(setGroupRecord(encodeGroup(expected[1]!)));
    await journal.sync();
    journal.append(setGroupRecord(encodeGroup(expected[2]!)));
    journal.append(setGroupRecord(encodeGroup(expected[3]!)));
    await journal.sync();
    await journal.close();
    expect(statSync(journalPath(file, 0)).size).toBeGreaterThan(2 * 1024 * 1024);
    const contents = readJournal(readFileSync(journalPath(file, 0)));
    expect(contents.problem).toBeUndefined();
    expect(contents.entries).toEqual(expected.map((g) => ({ kind: 'set', group: g })));
  });

  test('a record cut anywhere is a torn tail: the records before it are kept', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    journal.append(setGroupRecord(encodeGroup(group('a', 1))));
    journal.append(setGroupRecord(encodeGroup(group('b', 2))));
    await journal.close();
    const file0 = readFileSync(journalPath(file, 0));
    const [firstEnd, secondEnd] = recordEnds(file0);
    const first = readJournal(file0);
    expect(first.entries).toHaveLength(2);
    for (let cut = firstEnd! + 1; cut < secondEnd!; cut++) {
      // Cut short at the end of the file, or cut short by a crash in a preallocated file: zeros after it.
      for (const bytes of [file0.subarray(0, cut), Buffer.concat([file0.subarray(0, cut), new Uint8Array(secondEnd! - cut + 64)])]) {
        const contents = readJournal(bytes);
        expect(contents.entries).toEqual(first.entries.slice(0, 1));
        expect(contents.problem?.torn).toBe(true);
      }
    }
  });

  test('the zeros a journal file is preallocated with are its clean end, not a torn record', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    journal.append(wipeRecord());
    await journal.close();
    const bytes = readFileSync(journalPath(file, 0));
    expect(bytes.length).toBeGreaterThan(recordEnds(bytes)[0]!);
    expect(readJournal(bytes)).toEqual({ generation: 0, entries: [{ kind: 'wipe' }] });
  });

  test('a damaged record before the last is damage, not a torn tail', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    for (const job of ['a', 'b', 'c']) journal.append(setGroupRecord(encodeGroup(group(job, 1))));
    await journal.close();
    const bytes = Uint8Array.from(readFileSync(journalPath(file, 0)));
    const [firstEnd] = recordEnds(bytes);
    bytes[firstEnd! + 20]! ^= 0xff;
    const contents = readJournal(bytes);
    expect(contents.entries).toHaveLength(1);
    expect(contents.problem).toEqual({ offset: firstEnd!, message: 'record checksum mismatch', torn: false });
  });

  test('groups deleted together are one record, read back whole', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    journal.append(deleteGroupsRecord([['job', 'a'], ['instance', 'i', 'job', 'b']]));
    await journal.close();
    const bytes = readFileSync(journalPath(file, 0));
    expect(recordEnds(bytes)).toHaveLength(1);
    expect(readJournal(bytes).entries).toEqual([{ kind: 'delete-many', labels: [['job', 'a'], ['instance', 'i', 'job', 'b']] }]);
  });

  test.each([1, 2])('a journal of format version %d (before delete-many) is read as before', async (version) => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    const a = group('a', 1);
    journal.append(setGroupRecord(encodeGroup(a)));
    journal.append(deleteGroupRecord(['job', 'b']));
    journal.append(wipeRecord());
    await journal.close();
    const bytes = Uint8Array.from(readFileSync(journalPath(file, 0)));
    new DataView(bytes.buffer).setUint32(8, version, true);
    expect(readJournal(bytes)).toEqual({ generation: 0, entries: [{ kind: 'set', group: a }, { kind: 'delete', labels: ['job', 'b'] }, { kind: 'wipe' }] });
  });

  test('a header that is not ours, or of a newer version, is refused', () => {
    expect(() => readJournal(new TextEncoder().encode('garbage that is long enough'))).toThrow(JournalError);
    expect(() => readJournal(new Uint8Array(3))).toThrow('cut short in its header');
    const header = new Uint8Array(16);
    header.set([0x89, 0x50, 0x47, 0x57, 0x4a, 0x4e, 0x4c, 0x0a]);
    new DataView(header.buffer).setUint32(8, JOURNAL_VERSION + 1, true);
    expect(() => readJournal(header)).toThrow(`journal format version ${JOURNAL_VERSION + 1} is newer than this gateway's ${JOURNAL_VERSION}`);
  });
});

describe('group commit', () => {
  test('16 concurrent writers share fsyncs, and every one is durable when its sync resolves', async () => {
    const file = tempFile();
    const journal = new Journal(file, 0);
    const rounds = 20;
    const writers = Array.from({ length: 16 }, async (_, w) => {
      for (let r = 0; r < rounds; r++) {
        journal.append(deleteGroupRecord(['job', `w${w}r${r}`]));
        await journal.sync();
        // Durable means on disk now: the file holds this writer's record.
        const entries = readJournal(readFileSync(journalPath(file, 0))).entries;
        expect(entries.some((e) => e.kind === 'delete' && e.labels[1] === `w${w}r${r}`)).toBe(true);
      }
    });
    await Promise.all(writers);
    expect(readJournal(readFileSync(journalPath(file, 0))).entries).toHaveLength(16 * rounds);
    expect(journal.commits).toBeLessThan(16 * rounds / 2);
    await journal.close();
  });

  test('rotate sends later records to the next generation', async () => {
    const file = tempFile();
    const journal = new Journal(file, 4);
    journal.append(wipeRecord());
    expect(journal.rotate()).toBe(5);
    journal.append(deleteGroupRecord(['job', 'x']));
    await journal.sync();
    await journal.close();
    expect(readJournal(readFileSync(journalPath(file, 4))).entries).toEqual([{ kind: 'wipe' }]);
    expect(readJournal(readFileSync(journalPath(file, 5))).entries).toEqual([{ kind: 'delete', labels: ['job', 'x'] }]);
  });

  test('a write that fails is reported to its waiters, refused meanwhile, and retried by the next sync', async () => {
    const dir = join(tempFile(), '..', 'not-yet');
    const file = join(dir, 'pg.data');
    const journal = new Journal(file, 0);
    journal.append(deleteGroupRecord(['job', 'first']));
    expect(journal.sync()).rejects.toThrow('ENOENT');
    await Bun.sleep(10);
    expect(journal.failure).toContain('ENOENT');
    mkdirSync(dir);
    journal.append(deleteGroupRecord(['job', 'second']));
    await journal.sync();
    expect(journal.failure).toBeUndefined();
    await journal.close();
    // The record whose write failed was written by the retry, before the later one.
    expect(readJournal(readFileSync(journalPath(file, 0))).entries).toEqual([
      { kind: 'delete', labels: ['job', 'first'] },
      { kind: 'delete', labels: ['job', 'second'] },
    ]);
  });
});
