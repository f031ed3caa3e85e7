// After a burst of pushes and a quiet interval, the gzip scrape's runs are compressed already (issue #4).
import { describe, expect, test } from 'bun:test';
import { startGzipWarmer } from '../../src/http/gzip-warmer.ts';
import { OWN_TYPES } from '../../src/http/self-metrics.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { compressedRunCount, renderGzipExposition } from '../../src/render/gzip-exposition.ts';
import { Store } from '../../src/store/store.ts';

const INTERVAL_MS = 20;

function pushAll(store: Store, groups: number, value: number): void {
  for (let i = 0; i < groups; i++) {
    const families = parseText(`# TYPE w_total counter\nw_total{x="${i}"} ${value}\nw_seconds ${value / 3}\n`);
    const result = store.apply({ labels: ['instance', `i${i}`, 'job', 'warm'], families, replace: true, timeMs: value });
    if (!result.ok) throw new Error(result.error);
  }
}

const quietFor = (intervals: number) => Bun.sleep(INTERVAL_MS * intervals);

describe('startGzipWarmer', () => {
  test('a scrape after a quiet interval compresses nothing: the warmer already did', async () => {
    const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    const errors: unknown[] = [];
    const stop = startGzipWarmer(store, INTERVAL_MS, (error) => errors.push(error));
    try {
      pushAll(store, 300, 1);
      await quietFor(4);
      const before = compressedRunCount();
      renderGzipExposition(store.groups(), [], Date.now());
      expect(compressedRunCount()).toBe(before);
      expect(errors).toEqual([]);
    } finally {
      stop();
    }
  });

  test('without the warmer, the same scrape compresses the changed runs itself', () => {
    const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    pushAll(store, 300, 2);
    const before = compressedRunCount();
    renderGzipExposition(store.groups(), [], Date.now());
    expect(compressedRunCount()).toBeGreaterThan(before);
  });
});

describe('startGzipWarmer and the change feed', () => {
  test('a restored store is warmed too, and a stopped warmer no longer listens', async () => {
    const source = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    pushAll(source, 200, 3);
    const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
    const stop = startGzipWarmer(store, INTERVAL_MS, () => {});
    store.restore(source.groups());
    await quietFor(4);
    const before = compressedRunCount();
    renderGzipExposition(store.groups(), [], Date.now());
    expect(compressedRunCount()).toBe(before);
    stop();
    pushAll(store, 200, 4);
    await quietFor(4);
    const stale = compressedRunCount();
    renderGzipExposition(store.groups(), [], Date.now());
    expect(compressedRunCount()).toBeGreaterThan(stale);
  });
});
