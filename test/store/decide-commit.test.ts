// The store's write split in two (issue #15): decide changes nothing, commit applies what was decided, replay applies another writer's change unchecked.
import { describe, expect, test } from 'bun:test';
import type { Change } from '../../src/model/change.ts';
import { parseGroupSelector } from '../../src/model/label-matchers.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { type CommittableChange, Store, type Write } from '../../src/store/store.ts';

function newStore(checkConsistency = true): { store: Store; changes: Change[] } {
  const store = new Store({ checkConsistency, ownTypes: new Map() });
  const changes: Change[] = [];
  store.subscribe((change) => changes.push(change));
  return { store, changes };
}

const put = (job: string, body: string, timeMs = 1000, expireAfterMs?: number): Write => ({
  kind: 'group',
  request: { labels: ['job', job], families: parseText(body), replace: true, timeMs, expireAfterMs },
});

describe('Store.decide', () => {
  test('names the state it read and writes only when asked to record (replicas), not on a gateway of its own', () => {
    const { store } = newStore();
    store.commit(store.decide(put('a', '# TYPE x gauge\nx 1\n')));
    const plain = store.decide(put('b', '# TYPE x gauge\nx 1\n'));
    expect(plain.reads).toBeUndefined();
    expect(plain.writes).toBeUndefined();
    const recorded = store.decide(put('b', '# TYPE x gauge\nx 1\n'), true);
    expect(recorded.reads).toContain('n:x');
    expect(recorded.writes!.length).toBeGreaterThan(0);
  });

  // [why the case exists, writes applied first, the write decided, its verdict, the kind of change it would make]
  test.each<[string, Write[], Write, boolean, CommittableChange['kind'] | undefined]>([
    ['a push to a new group', [], put('a', 'x 1\n'), true, 'push'],
    ['a push of another type than a group holds: refused, only the failure time changes', [put('a', '# TYPE x gauge\nx 1\n')], put('b', '# TYPE x counter\nx 1\n'), false, 'failure'],
    ['a delete of a group that is not there changes nothing', [], { kind: 'group', request: { labels: ['job', 'a'], replace: false, timeMs: 1 } }, true, undefined],
    ['a delete', [put('a', 'x 1\n')], { kind: 'group', request: { labels: ['job', 'a'], replace: false, timeMs: 1 } }, true, 'delete'],
    ['a wipe of an empty store changes nothing', [], { kind: 'wipe' }, true, undefined],
    ['a bulk delete', [put('a', 'x 1\n'), put('b', 'y 1\n')], { kind: 'delete-matching', selectors: [parseGroupSelector('{job="a"}')] }, true, 'delete-many'],
    ['an expiry of a group past its deadline', [put('a', 'x 1\n', 1000, 500)], { kind: 'expire', nowMs: 1500 }, true, 'delete'],
    ['an expiry before any deadline changes nothing', [put('a', 'x 1\n', 1000, 500)], { kind: 'expire', nowMs: 1499 }, true, undefined],
  ])('%s: changes nothing until committed', (_why, before, write, ok, kind) => {
    const { store, changes } = newStore();
    for (const earlier of before) store.commit(store.decide(earlier));
    const groups = store.groups();
    const published = changes.length;
    const decision = store.decide(write);
    expect(decision.result.ok).toBe(ok);
    expect(decision.change?.kind).toBe(kind);
    expect(store.groups()).toBe(groups);
    expect(changes).toHaveLength(published);
    store.commit(decision);
    if (kind === undefined) expect(changes).toHaveLength(published);
    else expect(changes.at(-1)).toEqual(decision.change!);
  });
});

describe('Store.replay', () => {
  test('applies another writer\'s changes as they are, and a store that replays them ends equal to the one that committed them', () => {
    const { store: writer, changes } = newStore();
    const { store: follower } = newStore();
    for (const write of [put('a', '# TYPE x gauge\nx 1\n'), put('b', '# TYPE x counter\nx 1\n'), put('c', 'y 2\n', 2000, 10)]) writer.commit(writer.decide(write));
    writer.expireDue(3000);
    for (const change of changes) if (change.kind !== 'restore') follower.replay(change);
    expect(follower.groups()).toEqual(writer.groups());
    // The expiry counts on the replica that committed it only.
    expect(writer.expiredGroups).toBe(1);
    expect(follower.expiredGroups).toBe(0);
  });

  test('of a push holding what the check would refuse, applies it unchecked (the other writer decided it)', () => {
    const { store } = newStore();
    store.apply({ labels: ['job', 'a'], families: parseText('# TYPE x gauge\nx 1\n'), replace: true, timeMs: 1 });
    const { store: other } = newStore();
    other.apply({ labels: ['job', 'b'], families: parseText('# TYPE x counter\nx 1\n'), replace: true, timeMs: 1 });
    store.replay({ kind: 'push', group: other.get(['job', 'b'])!, created: true });
    expect(store.size).toBe(2);
  });

  test('of a delete of a group that is not there does nothing and publishes nothing', () => {
    const { store, changes } = newStore();
    store.replay({ kind: 'delete', key: 'nothing', labels: ['job', 'nothing'] });
    expect(changes).toEqual([]);
  });
});

describe('Store.decideInOrder', () => {
  const del = (job: string): Write => ({ kind: 'group', request: { labels: ['job', job], replace: false, timeMs: 2000 } });
  // Each write's verdict depends on the ones before it: a batch decided together must see them.
  const writes: Write[] = [
    put('a', '# TYPE x gauge\nx 1\n', 1000, 500),
    put('b', '# TYPE x counter\nx 1\n'),
    del('a'),
    put('c', '# TYPE x counter\nx 1\n'),
    { kind: 'delete-matching', selectors: [parseGroupSelector('{job="c"}')] },
    put('d', 'y 1\n', 1000, 500),
    { kind: 'expire', nowMs: 1500 },
    { kind: 'wipe' },
    put('e', '# TYPE x gauge\nx 1\n'),
    del('missing'),
  ];

  test('decides as decide and commit one by one would, and leaves the store as it was, publishing nothing', () => {
    const one = newStore();
    one.store.commit(one.store.decide(put('z', 'z 1\n')));
    const expected = writes.map((write) => {
      const decision = one.store.decide(write);
      one.store.commit(decision);
      return decision;
    });

    const { store, changes } = newStore();
    store.commit(store.decide(put('z', 'z 1\n')));
    const before = [...store.groups()];
    const published = changes.length;
    const decisions = store.decideInOrder(writes);
    expect(decisions.map((d) => [d.result, d.change?.kind, d.deleted])).toEqual(expected.map((d) => [d.result, d.change?.kind, d.deleted]));
    expect([...store.groups()]).toEqual(before);
    expect(store.nextExpiry).toBeUndefined();
    expect(changes).toHaveLength(published);

    for (const decision of decisions) store.commit(decision);
    expect(store.groups()).toEqual(one.store.groups());
    expect(store.expiredGroups).toBe(one.store.expiredGroups);
  });
});
