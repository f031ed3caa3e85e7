// The store's size quotas (issue #14 part 3) keep their counts through every way groups come and go: restore, delete, wipe, expiry, and a structured or encoded push.
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import { DEFAULT_PUSH_LIMITS } from '../../src/model/push-limits.ts';
import { NO_QUOTAS, type Quotas } from '../../src/model/quotas.ts';
import { encodeTextBody } from '../../src/parse/body.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { Store } from '../../src/store/store.ts';

const encoder = new TextEncoder();

function newStore(quotas: Partial<Quotas>, ttlMs = 0): Store {
  return new Store({ checkConsistency: true, ownTypes: new Map(), quotas: { ...NO_QUOTAS, ...quotas }, expiry: { ttlMs, maxTtlMs: 0 } });
}

const push = (store: Store, job: string, instance: string, body = 'x 1\n', timeMs = 1000) =>
  store.apply({ labels: ['instance', instance, 'job', job], families: parseText(encoder.encode(body)), replace: true, timeMs });

/** The groups a store holds, as a snapshot would hand them to another store's restore. */
const snapshotOf = (store: Store): Group[] => [...store.groups()];

describe('groups per job', () => {
  test('restored groups count: a job restored past a lowered quota takes no new group until it is back under', () => {
    const full = newStore({});
    for (const instance of ['1', '2', '3']) expect(push(full, 'a', instance).ok).toBe(true);
    const store = newStore({ maxGroupsPerJob: 2 });
    store.restore(snapshotOf(full));
    // Existing groups still take pushes.
    expect(push(store, 'a', '1').ok).toBe(true);
    expect(push(store, 'a', '4')).toMatchObject({ ok: false, quota: 'maxGroupsPerJob' });
    store.apply({ labels: ['instance', '3', 'job', 'a'], replace: false, timeMs: 2000 });
    expect(push(store, 'a', '4')).toMatchObject({ ok: false, quota: 'maxGroupsPerJob' });
    store.apply({ labels: ['instance', '2', 'job', 'a'], replace: false, timeMs: 2000 });
    expect(push(store, 'a', '4').ok).toBe(true);
  });

  test('a wipe and a second restore start the counts afresh', () => {
    const store = newStore({ maxGroupsPerJob: 1 });
    expect(push(store, 'a', '1').ok).toBe(true);
    store.wipe();
    expect(push(store, 'a', '2').ok).toBe(true);
    store.restore([]);
    expect(push(store, 'a', '3').ok).toBe(true);
    expect(push(store, 'a', '4').ok).toBe(false);
  });

  test('an expired group makes room', () => {
    const store = newStore({ maxGroupsPerJob: 1 }, 5000);
    expect(push(store, 'a', '1', 'x 1\n', 1000).ok).toBe(true);
    expect(push(store, 'a', '2', 'x 1\n', 2000).ok).toBe(false);
    expect(store.expireDue(6000)).toBe(1);
    expect(push(store, 'a', '2', 'x 1\n', 6000).ok).toBe(true);
  });

  test('a refused push changes nothing and publishes nothing', () => {
    const store = newStore({ maxGroupsPerJob: 1 });
    expect(push(store, 'a', '1').ok).toBe(true);
    const before = store.groups();
    let changes = 0;
    store.subscribe(() => changes++);
    // A timestamp would otherwise make a failed group to carry its failure time.
    expect(push(store, 'a', '2', 'x 1 1000\n')).toMatchObject({ ok: false, quota: 'maxGroupsPerJob' });
    expect(store.groups()).toBe(before);
    expect(changes).toBe(0);
  });
});

describe('series per group', () => {
  test('the text fast path (encoded families) counts as the structured one does', () => {
    const store = newStore({ maxSeriesPerGroup: 3 });
    const encodedPush = (body: string) => {
      const bytes = encoder.encode(body);
      const families = encodeTextBody(bytes, { contentType: 'text/plain; version=0.0.4', contentEncoding: null, limits: DEFAULT_PUSH_LIMITS }, ['job', 'e']);
      expect(families).toBeDefined();
      return store.apply({ labels: ['job', 'e'], encoded: { families: families!, structured: () => parseText(bytes) }, replace: false, timeMs: 1000 });
    };
    expect(encodedPush('a{s="1"} 1\na{s="2"} 1\n').ok).toBe(true);
    expect(encodedPush('b 1\n').ok).toBe(true);
    expect(encodedPush('c 1\n')).toMatchObject({ ok: false, quota: 'maxSeriesPerGroup' });
    // Same-name families are replaced, not added to.
    expect(encodedPush('b 2\n').ok).toBe(true);
  });
});
