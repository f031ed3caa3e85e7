// Persistence of a store in-process: journal then snapshot, folding at the size bound, and what start-up reads back.
import { afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { loadPersisted } from '../../src/persist/load.ts';
import { Persistence } from '../../src/persist/persistence.ts';
import { readSnapshot } from '../../src/persist/snapshot.ts';
import { Store } from '../../src/store/store.ts';
import { encodeGroup, lengthOf } from '../../src/stored/group-bytes.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pg-persistence-'));
  dirs.push(dir);
  return join(dir, 'pg.data');
}

/** A logger that keeps its lines. */
function recordingLog(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: 'debug', format: 'logfmt', write: (line) => lines.push(line) }), lines };
}

const newStore = () => new Store({ checkConsistency: true, ownTypes: new Map() });

/** Loads `file` into a new store and attaches persistence to it, as main.ts does. */
async function open(file: string, options: { journal?: boolean; foldBytes?: number; intervalMs?: number } = {}) {
  const { log, lines } = recordingLog();
  const loaded = await loadPersisted(file, log);
  const store = newStore();
  store.restore(loaded.groups);
  const persistence = new Persistence(
    { file, intervalMs: options.intervalMs ?? 3_600_000, journal: options.journal ?? true, foldBytes: options.foldBytes ?? 1 << 30, log, startedAtMs: Date.now() },
    loaded,
  );
  persistence.attach(store, loaded.needsSnapshot);
  return { store, persistence, lines, loaded };
}

function push(store: Store, job: string, body: string, replace = true) {
  const result = store.apply({ labels: ['job', job], families: parseText(body), replace, timeMs: Date.now() });
  if (!result.ok) throw new Error(result.error);
}

const journalsOf = (file: string) => readdirSync(join(file, '..')).filter((name) => name.includes('.journal-')).sort();

describe('persistence in-process', () => {
  test('a durable change is in the journal before any snapshot, and start-up replays it', async () => {
    const file = tempFile();
    const first = await open(file);
    push(first.store, 'a', 'x 1\n');
    await first.persistence.durable();
    expect(existsSync(file)).toBe(false);
    expect(journalsOf(file)).toEqual(['pg.data.journal-0']);
    // No close: as after a crash.
    const second = await open(file);
    expect(second.store.groups()).toEqual(first.store.groups());
    expect(second.loaded.needsSnapshot).toBe(true);
    await second.persistence.close();
    await first.persistence.close();
  });

  test('close writes a snapshot that holds every journal, and removes them', async () => {
    const file = tempFile();
    const first = await open(file);
    push(first.store, 'a', 'x 1\n');
    push(first.store, 'b', 'y 2\n');
    first.store.apply({ labels: ['job', 'a'], replace: false, timeMs: 1 });
    await first.persistence.durable();
    await first.persistence.close();
    expect(journalsOf(file)).toEqual([]);
    expect(readSnapshot(readFileSync(file)).groups).toEqual([...first.store.groups()]);
    const second = await open(file);
    expect(second.store.groups()).toEqual(first.store.groups());
    expect(second.loaded.needsSnapshot).toBe(false);
    await second.persistence.close();
  });

  test('a journal past the size bound is folded into a snapshot at once', async () => {
    const file = tempFile();
    const { store, persistence } = await open(file, { foldBytes: 2000 });
    for (let i = 0; i < 40; i++) push(store, `j${i}`, `metric_with_a_long_name{label="${i}"} ${i}\n`);
    await persistence.durable();
    for (let i = 0; i < 100 && !existsSync(file); i++) await Bun.sleep(10);
    expect(existsSync(file)).toBe(true);
    await Bun.sleep(50);
    // The folded generations are gone; what came after the snapshot is in the newest one.
    const snapshot = readSnapshot(readFileSync(file));
    expect(journalsOf(file).every((name) => Number(name.split('-').pop()) >= snapshot.journalGeneration)).toBe(true);
    const again = await open(file);
    expect(again.store.groups()).toEqual(store.groups());
    await persistence.close();
    await again.persistence.close();
  });

  test('after a fold the next one waits until the journal holds twice the snapshot, not just the size bound', async () => {
    const file = tempFile();
    const { store, persistence } = await open(file, { foldBytes: 2000 });
    for (let i = 0; i < 40; i++) push(store, `j${i}`, `metric_with_a_long_name{label="${i}"} ${i}\n`);
    await persistence.durable();
    for (let i = 0; i < 100 && !existsSync(file); i++) await Bun.sleep(10);
    await Bun.sleep(50);
    const generationOf = () => readSnapshot(readFileSync(file)).journalGeneration;
    const folded = generationOf();
    const snapshotBytes = statSync(file).size;
    expect(snapshotBytes).toBeGreaterThan(2000);
    // One record: the group's bytes behind a length, a checksum and a kind byte.
    const body = 'metric_with_a_long_name{label="0"} 1\n';
    push(store, 'j0', body);
    const recordBytes = lengthOf(encodeGroup(store.groups().find((g) => g.labels[1] === 'j0')!)) + 9;
    let journalled = recordBytes;
    while (journalled + 2 * recordBytes < 2 * snapshotBytes) {
      push(store, 'j0', body);
      journalled += recordBytes;
    }
    await persistence.durable();
    await Bun.sleep(100);
    expect(generationOf()).toBe(folded);
    for (let i = 0; i < 3; i++) push(store, 'j0', body);
    await persistence.durable();
    for (let i = 0; i < 100 && generationOf() === folded; i++) await Bun.sleep(10);
    expect(generationOf()).toBeGreaterThan(folded);
    await persistence.close();
  });

  test('a wipe is journalled: nothing comes back', async () => {
    const file = tempFile();
    const first = await open(file);
    push(first.store, 'a', 'x 1\n');
    first.store.wipe();
    await first.persistence.durable();
    const second = await open(file);
    expect(second.store.groups()).toEqual([]);
    await first.persistence.close();
    await second.persistence.close();
  });

  test('without the journal nothing is written until the snapshot, which then holds everything', async () => {
    const file = tempFile();
    const { store, persistence } = await open(file, { journal: false });
    push(store, 'a', 'x 1\n');
    await persistence.durable();
    expect(readdirSync(join(file, '..'))).toEqual([]);
    await persistence.close();
    expect(readSnapshot(readFileSync(file)).groups).toEqual([...store.groups()]);
  });

  test('a snapshot written without the journal lets the journals of an earlier run go, so they are not replayed twice', async () => {
    const file = tempFile();
    const first = await open(file);
    push(first.store, 'a', 'x 1\n');
    await first.persistence.durable();
    const second = await open(file, { journal: false });
    push(second.store, 'a', 'x 2\n');
    await second.persistence.close();
    expect(journalsOf(file)).toEqual([]);
    const third = await open(file);
    expect(third.store.groups()).toEqual(second.store.groups());
    await third.persistence.close();
    await first.persistence.close();
  });
});

describe('start-up', () => {
  test('removes the temp file of a snapshot that an earlier run did not finish, and nothing else', async () => {
    const file = tempFile();
    const unfinished = `${file}.in_progress.12345`;
    const unrelated = `${file}.in_progress.notes`;
    await Bun.write(unfinished, 'half a snapshot');
    await Bun.write(unrelated, 'not ours');
    const { persistence, lines } = await open(file);
    expect(existsSync(unfinished)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
    expect(lines.some((line) => line.includes('removed an unfinished snapshot') && line.includes(unfinished))).toBe(true);
    await persistence.close();
  });
});
