// Expiry in the store (issue #14): which deadline a group gets, that expireDue deletes exactly the due groups as DELETEs, and what it costs.
import { describe, expect, test } from 'bun:test';
import type { Change } from '../../src/model/change.ts';
import type { ExpiryPolicy } from '../../src/model/expiry.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { DeadlineHeap } from '../../src/store/deadline-heap.ts';
import { Store } from '../../src/store/store.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

function newStore(expiry: ExpiryPolicy): { store: Store; changes: Change[] } {
  const store = new Store({ checkConsistency: true, ownTypes: new Map(), expiry });
  const changes: Change[] = [];
  store.subscribe((change) => changes.push(change));
  return { store, changes };
}

const push = (store: Store, job: string, timeMs: number, options: { body?: string; replace?: boolean; expireAfterMs?: number } = {}) =>
  store.apply({ labels: ['job', job], families: parseText(options.body ?? 'x 1\n'), replace: options.replace ?? true, timeMs, expireAfterMs: options.expireAfterMs });

describe('DeadlineHeap', () => {
  test('gives the earliest of random sets, moves and deletes, as a sorted list would', () => {
    const random = seededRandom(14);
    const heap = new DeadlineHeap();
    const model = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const key = `k${Math.floor(random() * 300)}`;
      if (random() < 0.3) {
        heap.delete(key);
        model.delete(key);
      } else {
        const deadline = Math.floor(random() * 1000);
        heap.set(key, deadline);
        model.set(key, deadline);
      }
      expect(heap.size).toBe(model.size);
      const earliest = Math.min(...model.values());
      expect(heap.earliest).toBe(model.size === 0 ? undefined : earliest);
      if (model.size > 0) expect(model.get(heap.earliestKey!)).toBe(earliest);
    }
  });
});

describe('a group’s deadline', () => {
  test('is its last successful push plus --metrics.ttl; expireDue deletes it then and not before, as a DELETE marked expired', () => {
    const { store, changes } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'a', 5000);
    expect(store.nextExpiry).toBe(6000);
    expect(store.expireDue(5999)).toBe(0);
    expect(store.size).toBe(1);
    expect(store.expireDue(6000)).toBe(1);
    expect(store.size).toBe(0);
    expect(changes.at(-1)).toEqual({ kind: 'delete', key: 'job\uffffa', labels: ['job', 'a'], expired: true });
    expect(store.expiredGroups).toBe(1);
    expect(store.nextExpiry).toBeUndefined();
  });

  test('moves with every successful push, by PUT or POST', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'a', 5000);
    push(store, 'a', 5500, { replace: false });
    expect(store.nextExpiry).toBe(6500);
    push(store, 'a', 5800);
    expect(store.nextExpiry).toBe(6800);
  });

  test('does not move with a failed push', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'other', 5000, { body: '# TYPE y counter\ny 1\n', expireAfterMs: 0 });
    push(store, 'a', 5000);
    const refused = push(store, 'a', 5500, { body: '# TYPE y gauge\ny 1\n', expireAfterMs: 60_000 });
    expect(refused.ok).toBe(false);
    expect(store.get(['job', 'a'])!.failureTime).toBe(5.5);
    // Neither the time nor the header's TTL of the refused push counts.
    expect(store.nextExpiry).toBe(6000);
    expect(store.get(['job', 'a'])!.expireAfterMs).toBeUndefined();
  });

  test('of a group only failed pushes made counts from its last failure, with the flag’s TTL', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'other', 5000, { body: '# TYPE y counter\ny 1\n', expireAfterMs: 0 });
    expect(push(store, 'a', 7000, { body: '# TYPE y gauge\ny 1\n', expireAfterMs: 60_000 }).ok).toBe(false);
    expect(store.get(['job', 'a'])!.pushTime).toBe(0);
    expect(store.nextExpiry).toBe(8000);
  });

  test('follows the pusher’s own TTL over the flag’s; 0 is never', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'a', 5000, { expireAfterMs: 300 });
    push(store, 'b', 5000, { expireAfterMs: 0 });
    expect(store.nextExpiry).toBe(5300);
    expect(store.expireDue(1e15)).toBe(1);
    expect(store.get(['job', 'b'])).toBeDefined();
    expect(store.nextExpiry).toBeUndefined();
  });

  test('a POST without a TTL keeps the group’s own, a PUT without one goes back to the flag’s', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'a', 5000, { expireAfterMs: 300 });
    push(store, 'a', 5000, { replace: false, body: 'z 1\n' });
    expect(store.get(['job', 'a'])!.expireAfterMs).toBe(300);
    expect(store.nextExpiry).toBe(5300);
    push(store, 'a', 5000);
    expect(store.get(['job', 'a'])!.expireAfterMs).toBeUndefined();
    expect(store.nextExpiry).toBe(6000);
  });

  test('a group’s own TTL past the bound (a bound lowered since it was chosen) is capped, never included', () => {
    const { store } = newStore({ ttlMs: 0, maxTtlMs: 2000 });
    push(store, 'a', 5000, { expireAfterMs: 0 });
    expect(store.nextExpiry).toBe(7000);
    push(store, 'a', 5000, { expireAfterMs: 9000 });
    expect(store.nextExpiry).toBe(7000);
    // The flag's own TTL is the operator's: the bound is for pushers (here: never).
    push(store, 'a', 5000);
    expect(store.nextExpiry).toBeUndefined();
  });

  test('a deleted or wiped group leaves no deadline behind', () => {
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(store, 'a', 5000);
    store.apply({ labels: ['job', 'a'], replace: false, timeMs: 5100 });
    expect(store.nextExpiry).toBeUndefined();
    push(store, 'b', 5000);
    store.wipe();
    expect(store.nextExpiry).toBeUndefined();
  });

  test('restored groups get their deadlines from their push times', () => {
    const { store: first } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    push(first, 'a', 5000, { expireAfterMs: 400 });
    push(first, 'b', 4000);
    const { store } = newStore({ ttlMs: 1000, maxTtlMs: 0 });
    store.restore(first.groups());
    expect(store.nextExpiry).toBe(5000);
    expect(store.expireDue(5000)).toBe(1);
    expect(store.nextExpiry).toBe(5400);
  });
});

describe('the cost of expiry', () => {
  const GROUPS = 10_000;
  /** A store of `groups` groups, each with its own TTL, staggered: group i expires at 1 000 000 + 7i mod groups. */
  function staggered(groups: number): { store: Store; changes: Change[] } {
    const made = newStore({ ttlMs: 60_000, maxTtlMs: 0 });
    for (let i = 0; i < groups; i++) push(made.store, `j${i}`, 1_000_000, { expireAfterMs: 1 + ((i * 7) % groups) });
    made.changes.length = 0;
    return made;
  }

  test('a push sets one deadline and moves it at most a heap path: log4 of the groups, not the groups', () => {
    const perPush = (groups: number) => {
      const { store } = staggered(groups);
      const index = store.indexOperations;
      const before = store.deadlineOperations;
      push(store, `j${groups >> 1}`, 2_000_000);
      return { deadline: store.deadlineOperations - before, index: store.indexOperations - index };
    };
    const small = perPush(10);
    const large = perPush(GROUPS);
    // One set plus at most one move per level of the 4-ary heap, down to a leaf: the re-pushed group is now
    // the last to expire.
    const levels = (groups: number) => Math.ceil(Math.log2(groups) / 2);
    expect(large.deadline).toBeLessThanOrEqual(1 + levels(GROUPS));
    expect(small.deadline).toBeLessThanOrEqual(1 + levels(10));
    // The rest of the push is the same work as without expiry.
    expect(large.index).toBe(small.index);
  });

  test('10 000 groups with staggered TTLs expire in deadline order, each at its deadline', () => {
    const { store, changes } = staggered(GROUPS);
    const deadlineOf = (job: string) => 1_000_000 + 1 + ((Number(job.slice(1)) * 7) % GROUPS);
    const seenAt: number[] = [];
    // Steps of 250 ms: each expireDue takes exactly the groups due by then.
    for (let now = 1_000_000; store.size > 0; now += 250) {
      const before = changes.length;
      store.expireDue(now);
      for (const change of changes.slice(before)) {
        if (change.kind !== 'delete') throw new Error(`unexpected ${change.kind}`);
        const deadline = deadlineOf(change.labels[1]!);
        expect(deadline).toBeLessThanOrEqual(now);
        expect(deadline).toBeGreaterThan(now - 250);
        seenAt.push(deadline);
      }
    }
    expect(seenAt).toHaveLength(GROUPS);
    expect(seenAt).toEqual([...seenAt].sort((a, b) => a - b));
    expect(store.expiredGroups).toBe(GROUPS);
  });
});
