// The expiry timer with the real clock (issue #14): due groups go at start, the rest in deadline order, each within a second of its deadline.
import { describe, expect, test } from 'bun:test';
import type { Change } from '../../src/model/change.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { startExpiry } from '../../src/store/expiry-timer.ts';
import { Store } from '../../src/store/store.ts';
import { storeWriter } from '../../src/store/writer.ts';

const GROUPS = 10_000;
/** The deadlines are spread over this long, from LEAD_MS after the pushes on (time enough to push them all). */
const SPREAD_MS = 1500;
const LEAD_MS = 2000;

describe('startExpiry', () => {
  test('10 000 groups with staggered TTLs expire in deadline order, each within a second of its deadline, a few at start', async () => {
    const store = new Store({ checkConsistency: true, ownTypes: new Map() });
    const now = Date.now();
    const deadlines = new Map<string, number>();
    for (let i = 0; i < GROUPS; i++) {
      // 1 % are due by the time the timer starts, as after a restart; the rest spread out, in an order unlike the pushes'.
      const ttlMs = i % 100 === 0 ? 1 + i / 100 : LEAD_MS + Math.floor(((i * 7919) % GROUPS) * (SPREAD_MS / GROUPS));
      store.apply({ labels: ['job', `j${i}`], families: parseText('x 1\n'), replace: true, timeMs: now, expireAfterMs: ttlMs });
      deadlines.set(`j${i}`, now + ttlMs);
    }
    const seen: { job: string; atMs: number }[] = [];
    store.subscribe((change: Change) => {
      if (change.kind === 'delete' && change.expired) seen.push({ job: change.labels[1]!, atMs: Date.now() });
    });
    const operationsBefore = store.deadlineOperations;
    const started = Date.now();
    const stop = startExpiry(store, storeWriter(store));
    try {
      // Each expiry is a write the timer awaits: the due ones go within moments, long before the rest are due.
      await Bun.sleep(50);
      expect(seen.length).toBeGreaterThanOrEqual(GROUPS / 100);
      while (store.size > 0 && Date.now() < started + LEAD_MS + SPREAD_MS + 2000) await Bun.sleep(20);
    } finally {
      stop();
    }
    expect(seen).toHaveLength(GROUPS);
    const order = seen.map(({ job }) => deadlines.get(job)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    for (const { job, atMs } of seen) {
      const deadline = deadlines.get(job)!;
      expect(atMs).toBeGreaterThanOrEqual(Math.floor(deadline));
      expect(atMs).toBeLessThanOrEqual(Math.max(deadline, started) + 1000);
    }
    // Each expiry takes its one entry off the heap: no scan of the groups that stay.
    expect(store.deadlineOperations - operationsBefore).toBeLessThanOrEqual(GROUPS * (1 + 2 * Math.ceil(Math.log2(GROUPS) / 2)));
  });

  test('a deadline past setTimeout\'s longest delay (~24.8 days) is waited for, not fired at once over and over', async () => {
    const store = new Store({ checkConsistency: true, ownTypes: new Map() });
    store.apply({ labels: ['job', 'far'], families: parseText('x 1\n'), replace: true, timeMs: Date.now(), expireAfterMs: 40 * 24 * 3600_000 });
    // Each run of the timer reads the earliest deadline (twice: to expire, to re-arm).
    let reads = 0;
    const nextExpiry = Object.getOwnPropertyDescriptor(Store.prototype, 'nextExpiry')!.get!;
    Object.defineProperty(store, 'nextExpiry', {
      get() {
        reads++;
        return nextExpiry.call(store);
      },
    });
    const stop = startExpiry(store, storeWriter(store));
    await Bun.sleep(200);
    stop();
    // A delay past 2^31 - 1 ms would be taken as 1 ms: the timer would run every millisecond.
    expect(reads).toBeLessThanOrEqual(2);
    expect(store.get(['job', 'far'])).toBeDefined();
  });

  test('a deadline earlier than the armed one re-arms the timer; stopping it leaves the rest', async () => {
    const store = new Store({ checkConsistency: true, ownTypes: new Map() });
    const push = (job: string, ttlMs: number) =>
      store.apply({ labels: ['job', job], families: parseText('x 1\n'), replace: true, timeMs: Date.now(), expireAfterMs: ttlMs });
    push('late', 60_000);
    const stop = startExpiry(store, storeWriter(store));
    try {
      push('soon', 100);
      await Bun.sleep(400);
      expect(store.get(['job', 'soon'])).toBeUndefined();
      expect(store.get(['job', 'late'])).toBeDefined();
      push('after-stop', 50);
    } finally {
      stop();
    }
    await Bun.sleep(200);
    expect(store.get(['job', 'after-stop'])).toBeDefined();
  });
});
