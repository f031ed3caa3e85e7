// The store's change feed: one record per applied effect, after it is applied; restore rebuilds every index.
import { describe, expect, test } from 'bun:test';
import type { Change } from '../../src/model/change.ts';
import { type Group, groupKeyOf } from '../../src/model/group.ts';
import { parseGroupSelector } from '../../src/model/label-matchers.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';
import { REJECTION_PREFIX, Store } from '../../src/store/store.ts';

function newStore(check = true): Store {
  return new Store({ checkConsistency: check, ownTypes: new Map() });
}

/** The store and every change it publishes from now on, with the store's groups at the moment of each. */
function recorded(store: Store): { changes: Change[]; seen: (readonly Group[])[] } {
  const changes: Change[] = [];
  const seen: (readonly Group[])[] = [];
  store.subscribe((change) => {
    changes.push(change);
    seen.push(store.groups());
  });
  return { changes, seen };
}

const push = (store: Store, labels: string[], body: string, replace = true, timeMs = 5000) =>
  store.apply({ labels, families: parseText(body), replace, timeMs });

/** A push through the parser's fast path, as http/push.ts makes it for a small text body. */
function pushEncoded(store: Store, labels: string[], text: string) {
  const body = new TextEncoder().encode(text);
  const encoded = transcodeText(body, labels);
  if (encoded === undefined) throw new Error('the fast path declined the body');
  return store.apply({ labels, encoded: { families: encoded, structured: () => parseText(body) }, replace: true, timeMs: 1 });
}

describe('the change feed', () => {
  test('a push that creates a group publishes one push record, after it is applied', () => {
    const store = newStore();
    const { changes, seen } = recorded(store);
    expect(push(store, ['job', 'a'], 'x 1\n')).toEqual({ ok: true });
    expect(changes).toEqual([{ kind: 'push', group: store.get(['job', 'a'])!, created: true }]);
    expect(seen[0]).toEqual([store.get(['job', 'a'])!]);
  });

  test('a push that replaces a group, by PUT or POST, publishes one push record', () => {
    const store = newStore();
    push(store, ['job', 'a'], 'x 1\n');
    const { changes } = recorded(store);
    push(store, ['job', 'a'], 'y 1\n', false);
    push(store, ['job', 'a'], 'z 1\n', true);
    expect(changes.map((c) => c.kind)).toEqual(['push', 'push']);
    expect(changes[1]).toEqual({ kind: 'push', group: store.get(['job', 'a'])!, created: false });
  });

  test('a fast-path push publishes one record, also when a clash sends it down the structured path', () => {
    const store = newStore();
    const { changes } = recorded(store);
    pushEncoded(store, ['job', 'a'], 'x{k="v"} 1\n');
    // Another type of x: the encoded push is refused through its structured parse, one record still.
    const result = pushEncoded(store, ['job', 'b'], '# TYPE x gauge\nx 1\n');
    expect(result.ok).toBe(false);
    expect(changes.map((c) => c.kind)).toEqual(['push', 'failure']);
  });

  test('a refused push publishes only its failure time', () => {
    const store = newStore();
    push(store, ['job', 'a'], 'x 1\n', true, 1000);
    const { changes } = recorded(store);
    const result = push(store, ['job', 'a'], 'x 1 123\n', true, 2000);
    expect(result).toEqual({ ok: false, error: REJECTION_PREFIX + 'pushed metrics must not have timestamps' });
    expect(changes).toEqual([{ kind: 'failure', group: store.get(['job', 'a'])!, created: false }]);
    expect(store.get(['job', 'a'])!.failureTime).toBe(2);
    expect(store.get(['job', 'a'])!.pushTime).toBe(1);
  });

  test('a refused push that cannot even record its failure publishes nothing', () => {
    const store = newStore();
    // {instance="",job="a"} holds the gauge series a new group {job="a"} would get (instance="" is added to both).
    push(store, ['instance', '', 'job', 'a'], 'x 1\n');
    const { changes } = recorded(store);
    const result = push(store, ['job', 'a'], 'x 1 123\n');
    expect(result.ok).toBe(false);
    expect(store.get(['job', 'a'])).toBeUndefined();
    expect(changes).toEqual([]);
  });

  test('a delete publishes one record; deleting a missing group publishes none', () => {
    const store = newStore();
    push(store, ['job', 'a'], 'x 1\n');
    const { changes } = recorded(store);
    store.apply({ labels: ['job', 'a'], replace: false, timeMs: 1 });
    store.apply({ labels: ['job', 'a'], replace: false, timeMs: 2 });
    expect(changes).toEqual([{ kind: 'delete', key: groupKeyOf(['job', 'a']), labels: ['job', 'a'] }]);
  });

  test('a wipe publishes one record and empties the store; wiping an empty store publishes none', () => {
    const store = newStore();
    push(store, ['job', 'a'], 'x 1\n');
    push(store, ['job', 'b'], 'x 2\n');
    const { changes } = recorded(store);
    store.wipe();
    store.wipe();
    expect(changes).toEqual([{ kind: 'wipe' }]);
    expect(store.groups()).toEqual([]);
    // The indexes are empty too: another type of x is accepted.
    expect(push(store, ['job', 'c'], '# TYPE x counter\nx 1\n')).toEqual({ ok: true });
  });

  test('a bulk delete publishes one delete-many record for every matched group; matching none publishes nothing', () => {
    const store = newStore();
    for (const job of ['etl', 'nightly_1', 'nightly_2']) push(store, ['job', job], '# TYPE x counter\nx 1\n');
    const { changes, seen } = recorded(store);
    expect(store.deleteMatching([parseGroupSelector('{job="absent"}')])).toBe(0);
    expect(store.deleteMatching([parseGroupSelector('{job=~"nightly_.*"}')])).toBe(2);
    const gone = [['job', 'nightly_1'], ['job', 'nightly_2']].map((labels) => ({ key: groupKeyOf(labels), labels }));
    expect(changes).toEqual([{ kind: 'delete-many', groups: gone }]);
    // Published once both were gone.
    expect(seen[0]!.map((group) => group.labels)).toEqual([['job', 'etl']]);
    // The indexes let go of them: another type of x is accepted for a new job when the last counter goes.
    store.deleteMatching([parseGroupSelector('{job="etl"}')]);
    expect(push(store, ['job', 'c'], '# TYPE x gauge\nx 1\n')).toEqual({ ok: true });
  });

  test('a listener can stop listening', () => {
    const store = newStore();
    const changes: Change[] = [];
    const stop = store.subscribe((change) => changes.push(change));
    push(store, ['job', 'a'], 'x 1\n');
    stop();
    push(store, ['job', 'a'], 'x 2\n');
    expect(changes).toHaveLength(1);
  });
});

describe('restore', () => {
  const SOURCE: [string[], string][] = [
    [['job', 'a'], '# TYPE x counter\nx{k="1"} 1\n'],
    [['instance', 'i', 'job', 'b'], '# HELP y why\n# TYPE y summary\ny{quantile="0.5"} 1\ny_sum 2\ny_count 3\n'],
  ];

  for (const check of [true, false]) {
    test(`rebuilds the name index and the grouping shapes (consistency check ${check ? 'on' : 'off'})`, () => {
      const source = newStore(check);
      for (const [labels, body] of SOURCE) push(source, labels, body);
      const store = newStore(check);
      const { changes } = recorded(store);
      store.restore(source.groups());
      expect(changes).toEqual([{ kind: 'restore', groups: source.groups() }]);
      expect(store.groups()).toEqual(source.groups());
      // Another type for x clashes with the restored counter: refused with the check, stored without it.
      const clash = push(store, ['job', 'c'], '# TYPE x gauge\nx 1\n');
      expect(clash.ok).toBe(!check);
      expect(store.inconsistent).toBe(!check);
      if (!check) expect(store.inconsistency()).toContain('x');
    });
  }

  test('a series a restored group holds is a duplicate for a group of another shape', () => {
    const source = newStore();
    push(source, ['instance', 'i', 'job', 'b'], 'z 1\n');
    const store = newStore();
    store.restore(source.groups());
    const result = push(store, ['job', 'b'], 'z{instance="i"} 1\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('was collected before with the same name and label values');
  });

  test('replaces what the store held', () => {
    const store = newStore();
    push(store, ['job', 'old'], '# TYPE x gauge\nx 1\n');
    const source = newStore();
    push(source, ['job', 'a'], '# TYPE x counter\nx 1\n');
    store.restore(source.groups());
    expect(store.groups().map((g) => g.key)).toEqual(source.groups().map((g) => g.key));
  });
});
