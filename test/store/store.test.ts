// Store.apply: PUT/POST/DELETE semantics, timestamp gauges, the consistency check and its indexes (SPEC §3, §5).
import { describe, expect, test } from 'bun:test';
import type { Group } from '../../src/model/group.ts';
import type { Labels, Metric, MetricFamily, MetricType } from '../../src/model/metric.ts';
import { encodeFamilyText } from '../../src/stored/family-text.ts';
import { REJECTION_PREFIX, Store, type WriteResult } from '../../src/store/store.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A store with the real text encoder; `own` are the gateway's own family types. */
function newStore(options: { check?: boolean; own?: [string, MetricType][] } = {}): Store {
  return new Store({ checkConsistency: options.check ?? true, ownTypes: new Map(options.own ?? []) });
}

/** A family of one type; `metrics` may be plain values (one unlabelled series each). */
function family(name: string, type: MetricType, metrics: (Metric | number)[], help?: string): MetricFamily {
  return { name, type, help, metrics: metrics.map((m) => (typeof m === 'number' ? { labels: [], value: m } : m)) };
}

/** An untyped family with one unlabelled sample, the way `name value` in a text body arrives. */
function sample(name: string, value: number, labels: Labels = []): MetricFamily {
  return family(name, 'untyped', [{ labels, value }]);
}

function summary(name: string, labels: Labels = []): MetricFamily {
  return family(name, 'summary', [{ labels, quantiles: [{ quantile: 0.5, value: 1 }], count: 2, sum: 3 }]);
}

function histogram(name: string, labels: Labels = []): MetricFamily {
  return family(name, 'histogram', [{ labels, buckets: [{ upperBound: 1, cumulativeCount: 2 }], count: 2, sum: 3 }]);
}

const put = (store: Store, labels: Labels, families: MetricFamily[], timeMs = 1000): WriteResult =>
  store.apply({ labels, families, replace: true, timeMs });
const post = (store: Store, labels: Labels, families: MetricFamily[], timeMs = 1000): WriteResult =>
  store.apply({ labels, families, replace: false, timeMs });
const del = (store: Store, labels: Labels): WriteResult => store.apply({ labels, replace: false, timeMs: 0 });

const refused = (message: string): WriteResult => ({ ok: false, error: REJECTION_PREFIX + message });
const OK: WriteResult = { ok: true };

const PUSH_TIME = 'push_time_seconds';
const PUSH_FAILURE = 'push_failure_time_seconds';

/** The stored sample lines of one family, as a scrape would print them (no HELP/TYPE). */
function textOf(group: Group | undefined, name: string): string | undefined {
  const stored = group?.families.get(name);
  return stored === undefined ? undefined : decoder.decode(stored.text);
}

/** The user families of a group (gauges left out) as their sample lines, in name order. */
function userLines(group: Group | undefined): string[] {
  if (group === undefined) return [];
  const names = [...group.families.keys()].filter((n) => n !== PUSH_TIME && n !== PUSH_FAILURE).sort();
  return names.flatMap((name) => textOf(group, name)!.split('\n').filter((line) => line !== ''));
}

/** A timestamp gauge's value, read from its stored line; also checks it agrees with the Group field. */
function gaugeValue(group: Group, name: typeof PUSH_TIME | typeof PUSH_FAILURE): number {
  const line = textOf(group, name)!;
  expect(line).toMatch(new RegExp(`^${name}\\{[^}]*\\} \\S+\\n$`));
  const value = Number(line.slice(line.lastIndexOf(' ') + 1));
  expect(value).toBe(name === PUSH_TIME ? group.pushTime : group.failureTime);
  return value;
}

const M = ['job', 'm'];
const J1 = ['job', 'j1'];
const J2 = ['job', 'j2'];
const J1_EMPTY_INSTANCE = ['instance', '', 'job', 'j1'];

describe('Store.apply: PUT, POST and DELETE', () => {
  test('follows the worked sequence of SPEC §3.3 step by step', () => {
    const store = newStore();
    // [step, request, verdict, user lines after it, push_time, push_failure]; times are step × 1 s.
    const steps: [number, () => WriteResult, WriteResult, string[], number, number][] = [
      [1, () => post(store, M, [sample('a', 1), sample('b', 2)], 1000), OK, ['a{instance="",job="m"} 1', 'b{instance="",job="m"} 2'], 1, 0],
      [2, () => post(store, M, [sample('b', 3), sample('c', 4)], 2000), OK,
        ['a{instance="",job="m"} 1', 'b{instance="",job="m"} 3', 'c{instance="",job="m"} 4'], 2, 0],
      [3, () => put(store, M, [sample('d', 5)], 3000), OK, ['d{instance="",job="m"} 5'], 3, 0],
      [4, () => post(store, M, [], 4000), OK, ['d{instance="",job="m"} 5'], 4, 0],
      [5, () => put(store, M, [{ ...sample('x', 1), metrics: [{ labels: [], value: 1, timestampMs: 123 }] }], 5000),
        refused('pushed metrics must not have timestamps'), ['d{instance="",job="m"} 5'], 4, 5],
      // Step 6 (a body that does not parse) never reaches the store.
      [7, () => put(store, M, [], 7000), OK, [], 7, 5],
    ];
    for (const [step, request, verdict, lines, pushTime, failureTime] of steps) {
      expect({ step, verdict: request() }).toEqual({ step, verdict });
      const group = store.get(M)!;
      expect({ step, lines: userLines(group) }).toEqual({ step, lines });
      expect({ step, pushTime: gaugeValue(group, PUSH_TIME), failureTime: gaugeValue(group, PUSH_FAILURE) }).toEqual({
        step,
        pushTime,
        failureTime,
      });
    }
    // Step 8.
    expect(del(store, M)).toEqual(OK);
    expect(store.get(M)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  test('POST replaces every series of a pushed name, not only the re-pushed ones', () => {
    const store = newStore();
    post(store, M, [family('a', 'untyped', [{ labels: ['x', '1'], value: 1 }, { labels: ['x', '2'], value: 2 }])]);
    post(store, M, [family('a', 'untyped', [{ labels: ['x', '3'], value: 3 }])]);
    expect(userLines(store.get(M))).toEqual(['a{instance="",job="m",x="3"} 3']);
  });

  test('an empty PUT to a new group creates it with only the two gauges', () => {
    const store = newStore();
    expect(put(store, M, [], 1500)).toEqual(OK);
    const group = store.get(M)!;
    expect([...group.families.keys()].sort()).toEqual([PUSH_FAILURE, PUSH_TIME]);
    expect(textOf(group, PUSH_TIME)).toBe('push_time_seconds{instance="",job="m"} 1.5\n');
    expect(textOf(group, PUSH_FAILURE)).toBe('push_failure_time_seconds{instance="",job="m"} 0\n');
    expect(group.labels).toEqual(M);
  });

  test('DELETE removes exactly that group, and deleting a missing group is a no-op', () => {
    const store = newStore();
    put(store, ['job', 'd'], [sample('a', 1)]);
    put(store, ['instance', 'x', 'job', 'd'], [sample('a', 1)]);
    expect(del(store, ['job', 'nothing'])).toEqual(OK);
    expect(del(store, ['job', 'd'])).toEqual(OK);
    expect(store.groups().map((g) => g.labels)).toEqual([['instance', 'x', 'job', 'd']]);
  });

  test('a group held by a reader is never changed by later writes', () => {
    const store = newStore();
    post(store, M, [sample('a', 1), sample('b', 2)], 1000);
    const before = store.get(M)!;
    const lines = userLines(before);
    post(store, M, [sample('b', 3)], 2000);
    put(store, M, [], 3000);
    expect(userLines(before)).toEqual(lines);
    expect(before.pushTime).toBe(1);
    expect(store.get(M)).not.toBe(before);
  });

  test('a POST keeps the very family objects it does not touch (their cached bytes stay valid)', () => {
    const store = newStore();
    post(store, M, [sample('a', 1), sample('b', 2)]);
    const a = store.get(M)!.families.get('a');
    post(store, M, [sample('b', 3)]);
    expect(store.get(M)!.families.get('a')).toBe(a!);
  });

  test('stores the pushed HELP and type, and each family remembers when it was pushed', () => {
    const store = newStore();
    post(store, M, [family('c', 'counter', [1], 'help of c')], 1000);
    post(store, M, [sample('d', 1)], 2000);
    const group = store.get(M)!;
    expect(group.families.get('c')).toMatchObject({ type: 'counter', help: 'help of c', pushedAt: 1000 });
    expect(group.families.get('d')).toMatchObject({ type: 'untyped', help: undefined, pushedAt: 2000 });
    expect(group.families.get(PUSH_TIME)).toMatchObject({
      type: 'gauge',
      help: 'Last Unix time when changing this group in the Pushgateway succeeded.',
      pushedAt: 2000,
    });
    expect(group.families.get(PUSH_FAILURE)).toMatchObject({
      type: 'gauge',
      help: 'Last Unix time when changing this group in the Pushgateway failed.',
    });
  });
});

describe('Store.apply: labels', () => {
  // [why, grouping labels, pushed labels, stored line]
  test.each<[string, Labels, Labels, string]>([
    ['instance="" is added when neither URL nor body has an instance', ['job', 'j'], [], 'a{instance="",job="j"} 1'],
    ['a body instance stays when the URL has none', ['job', 'j'], ['instance', 'i'], 'a{instance="i",job="j"} 1'],
    ['grouping labels overwrite same-named body labels (SPEC §5.1 example)', ['instance', 'instance2', 'job', 'j1'],
      ['instance', 'instance1', 'job', 'job2'], 'a{instance="instance2",job="j1"} 1'],
    ['body-only labels are kept and everything is sorted by name', ['job', 'j', 'zone', 'a'], ['zz', '1', 'b', '2'],
      'a{b="2",instance="",job="j",zone="a",zz="1"} 1'],
  ])('%s', (_why, grouping, labels, line) => {
    const store = newStore();
    expect(put(store, grouping, [sample('a', 1, labels)])).toEqual(OK);
    expect(textOf(store.get(grouping), 'a')).toBe(line + '\n');
  });

  test('the gauges carry the grouping labels plus instance="" only when the URL has no instance', () => {
    const store = newStore();
    put(store, ['job', 'j', 'zone', 'a'], []);
    put(store, ['instance', 'i', 'job', 'j'], []);
    expect(textOf(store.get(['job', 'j', 'zone', 'a']), PUSH_TIME)).toBe('push_time_seconds{instance="",job="j",zone="a"} 1\n');
    expect(textOf(store.get(['instance', 'i', 'job', 'j']), PUSH_FAILURE)).toBe('push_failure_time_seconds{instance="i",job="j"} 0\n');
  });

  test('body series that collapse into one after the rewrite are a duplicate (SPEC §5.1)', () => {
    const store = newStore();
    const result = put(store, ['job', 'j4', 'zone', 'a'], [
      family('foo', 'untyped', [{ labels: ['zone', 'b'], value: 1 }, { labels: ['zone', 'c'], value: 2 }]),
    ]);
    expect(result).toEqual(
      refused(
        'collected metric "foo" { label:<name:"instance" value:"" > label:<name:"job" value:"j4" > label:<name:"zone" value:"a" > ' +
          'untyped:<value:2 > } was collected before with the same name and label values',
      ),
    );
  });
});

describe('Store.apply: timestamp gauges', () => {
  test('a successful push sets push_time and keeps an earlier push_failure', () => {
    const store = newStore();
    put(store, M, [sample('a', 1)], 1000);
    put(store, M, [{ ...sample('a', 1), metrics: [{ labels: [], value: 1, timestampMs: 5 }] }], 2000);
    expect(post(store, M, [sample('b', 1)], 3250)).toEqual(OK);
    const group = store.get(M)!;
    expect(gaugeValue(group, PUSH_TIME)).toBe(3.25);
    expect(gaugeValue(group, PUSH_FAILURE)).toBe(2);
  });

  // The next push re-values the group's push_time line in place of encoding it again: same bytes and hash.
  test('push_time after further pushes is what a first push at that time stores', () => {
    const store = newStore();
    const labels = ['instance', 'a b"c', 'job', 'j'];
    for (const timeMs of [1_763_000_000_123, 1_763_000_001_000, 5, 1_000_000, 999_999_999]) {
      put(store, labels, [sample('a', 1)], timeMs);
      const fresh = newStore();
      put(fresh, labels, [sample('a', 1)], timeMs);
      const [again, first] = [store, fresh].map((s) => s.get(labels)!.families.get(PUSH_TIME)!);
      expect(decoder.decode(again!.text)).toBe(decoder.decode(first!.text));
      expect([...again!.seriesHashes]).toEqual([...first!.seriesHashes]);
    }
  });

  test('a refused push to an existing group sets only the failure time', () => {
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1])], 1000);
    post(store, J2, [sample('keep', 1)], 1000);
    expect(post(store, J2, [family('baz', 'gauge', [1])], 2000).ok).toBe(false);
    const group = store.get(J2)!;
    expect(userLines(group)).toEqual(['keep{instance="",job="j2"} 1']);
    expect(gaugeValue(group, PUSH_TIME)).toBe(1);
    expect(gaugeValue(group, PUSH_FAILURE)).toBe(2);
  });

  test('a refused push to a new group creates it with push_time 0 when its gauges cannot clash', () => {
    const store = newStore();
    const result = put(store, ['job', 'newgroup2'], [{ ...sample('x', 1), metrics: [{ labels: [], value: 1, timestampMs: 123 }] }], 9000);
    expect(result).toEqual(refused('pushed metrics must not have timestamps'));
    const group = store.get(['job', 'newgroup2'])!;
    expect(userLines(group)).toEqual([]);
    expect(gaugeValue(group, PUSH_TIME)).toBe(0);
    expect(gaugeValue(group, PUSH_FAILURE)).toBe(9);
    expect(store.inconsistent).toBe(false);
  });

  test('a refused push cannot poison the store: the {job=j1,instance=""} twin of {job=j1} is not created (SPEC §5.7)', () => {
    const store = newStore();
    expect(put(store, J1, [sample('a', 1)])).toEqual(OK);
    const twin = put(store, J1_EMPTY_INSTANCE, [sample('a', 1)], 2000);
    expect(twin.ok).toBe(false);
    // Creating the twin would have put a second push_time_seconds{instance="",job="j1"} into the store.
    expect(store.get(J1_EMPTY_INSTANCE)).toBeUndefined();
    expect(store.inconsistent).toBe(false);
    // A refused timestamped push to the twin is no different.
    expect(put(store, J1_EMPTY_INSTANCE, [{ ...sample('t', 1), metrics: [{ labels: [], value: 1, timestampMs: 1 }] }]).ok).toBe(false);
    expect(store.get(J1_EMPTY_INSTANCE)).toBeUndefined();
    // Every other push still works, including to j1 itself.
    expect(put(store, J2, [sample('a', 1)])).toEqual(OK);
    expect(post(store, J1, [sample('b', 1)])).toEqual(OK);
    expect(store.inconsistent).toBe(false);
    expect(store.groups().map((g) => g.labels)).toEqual([J1, J2]);
  });

  test('timestamped samples are refused whole, even with the consistency check off', () => {
    for (const check of [true, false]) {
      const store = newStore({ check });
      const families = [sample('fine', 1), family('late', 'gauge', [{ labels: [], value: 1 }, { labels: ['a', 'b'], value: 2, timestampMs: 0 }])];
      expect({ check, result: put(store, M, families) }).toEqual({ check, result: refused('pushed metrics must not have timestamps') });
      expect(userLines(store.get(M))).toEqual([]);
    }
  });

  test('pushed families named like the gauges are ignored: the gauges belong to the gateway', () => {
    const store = newStore();
    put(store, M, [], 1000);
    const result = post(store, M, [sample(PUSH_TIME, 9), family(PUSH_FAILURE, 'counter', [9]), sample('a', 1)], 2000);
    expect(result).toEqual(OK);
    const group = store.get(M)!;
    expect(userLines(group)).toEqual(['a{instance="",job="m"} 1']);
    expect(group.families.get(PUSH_FAILURE)!.type).toBe('gauge');
    expect(gaugeValue(group, PUSH_TIME)).toBe(2);
    expect(gaugeValue(group, PUSH_FAILURE)).toBe(0);
  });
});

describe('Store.apply: consistency check', () => {
  test('the same name with another type in another group is refused with Go’s message', () => {
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1])]);
    expect(post(store, J2, [family('baz', 'gauge', [1])])).toEqual(
      refused('collected metric "baz" { label:<name:"instance" value:"" > label:<name:"job" value:"j2" > gauge:<value:1 > } is not a COUNTER'),
    );
  });

  test('a group may change the type of its own family, unless another group still holds the old type', () => {
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1])]);
    expect(post(store, J1, [family('baz', 'gauge', [1])])).toEqual(OK);
    expect(put(store, J1, [family('baz', 'summary', [{ labels: [], quantiles: [], count: 1, sum: 1 }])])).toEqual(OK);
    post(store, J2, [family('baz', 'summary', [{ labels: [], quantiles: [], count: 1, sum: 1 }])]);
    expect(post(store, J1, [family('baz', 'gauge', [1])]).ok).toBe(false);
  });

  test('a name freed by PUT or DELETE may come back with another type', () => {
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1]), sample('other', 1)]);
    put(store, J1, [sample('other', 1)]);
    expect(post(store, J2, [family('baz', 'gauge', [1])])).toEqual(OK);
    del(store, J2);
    expect(post(store, J1, [family('baz', 'histogram', [{ labels: [], buckets: [], count: 0, sum: 0 }])])).toEqual(OK);
  });

  // [why, existing family (group j1), pushed family (group j2), Go's error or null when accepted]
  test.each<[string, MetricFamily, MetricFamily, string | null]>([
    ['x_count next to a summary x', summary('sm'), sample('sm_count', 1),
      'collected metric named "sm_count" collides with previously collected summary named "sm"'],
    ['x_sum next to a summary x', summary('sm'), family('sm_sum', 'counter', [1]),
      'collected metric named "sm_sum" collides with previously collected summary named "sm"'],
    ['a summary x next to x_count', sample('sm_count', 1), summary('sm'),
      'collected histogram or summary named "sm" collides with previously collected metric named "sm_count"'],
    ['x_bucket next to a histogram x', histogram('hq'), sample('hq_bucket', 1),
      'collected metric named "hq_bucket" collides with previously collected histogram named "hq"'],
    ['a histogram x next to x_sum', family('hq_sum', 'gauge', [1]), histogram('hq'),
      'collected histogram or summary named "hq" collides with previously collected metric named "hq_sum"'],
    ['x_bucket next to a summary x is allowed', summary('s'), sample('s_bucket', 1), null],
    ['a summary x next to x_bucket is allowed', sample('s_bucket', 1), summary('s'), null],
    ['x_count next to a counter x is allowed: only summaries and histograms own suffixes', family('c', 'counter', [1]), sample('c_count', 1), null],
  ])('suffix collision: %s', (_why, existing, pushed, error) => {
    const store = newStore();
    expect(post(store, J1, [existing])).toEqual(OK);
    expect(post(store, J2, [pushed])).toEqual(error === null ? OK : refused(error));
  });

  test('a suffix collision inside one push is refused too', () => {
    const store = newStore();
    const result = post(store, J1, [summary('sm'), sample('sm_count', 1)]);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain('collides with previously collected');
  });

  test('the same series twice in one push is refused', () => {
    const store = newStore();
    const twice = family('a', 'untyped', [{ labels: ['job', 'x'], value: 1 }, { labels: ['job', 'y'], value: 2 }]);
    expect(put(store, ['job', 'j'], [twice])).toEqual(
      refused(
        'collected metric "a" { label:<name:"instance" value:"" > label:<name:"job" value:"j" > untyped:<value:2 > } ' +
          'was collected before with the same name and label values',
      ),
    );
  });

  test('the same series in two groups is refused; replacing it within its own group is not', () => {
    const store = newStore();
    // {job=j1} holds a{instance="i",job="j1"} from its body; {instance=i,job=j1} would hold the same series.
    expect(post(store, J1, [sample('a', 1, ['instance', 'i'])])).toEqual(OK);
    const other = ['instance', 'i', 'job', 'j1'];
    expect(post(store, other, [sample('a', 2)])).toEqual(
      refused(
        'collected metric "a" { label:<name:"instance" value:"i" > label:<name:"job" value:"j1" > untyped:<value:2 > } ' +
          'was collected before with the same name and label values',
      ),
    );
    expect(post(store, J1, [sample('a', 3, ['instance', 'i'])])).toEqual(OK);
    expect(post(store, J1, [sample('a', 4)])).toEqual(OK);
    expect(post(store, other, [sample('a', 2)])).toEqual(OK);
  });

  test('a type clash with a family of the gateway itself gets Go’s gathered-family message', () => {
    const store = newStore({ own: [['go_goroutines', 'gauge'], ['go_threads', 'gauge']] });
    expect(post(store, J1, [family('go_goroutines', 'counter', [1])])).toEqual(
      refused('gathered metric family go_goroutines has type COUNTER but should have GAUGE'),
    );
    expect(post(store, J1, [sample('go_threads', 1)])).toEqual(refused('gathered metric family go_threads has type UNTYPED but should have GAUGE'));
  });

  test('a family named like one of the gateway’s own with the same type is accepted, its HELP kept as pushed', () => {
    const store = newStore({ own: [['go_goroutines', 'gauge']] });
    expect(post(store, J1, [family('go_goroutines', 'gauge', [5], 'pushed help')])).toEqual(OK);
    expect(store.get(J1)!.families.get('go_goroutines')!.help).toBe('pushed help');
  });

  test('the gateway’s own summaries own their suffixes too', () => {
    const store = newStore({ own: [['pushgateway_http_push_size_bytes', 'summary']] });
    expect(post(store, J1, [sample('pushgateway_http_push_size_bytes_sum', 1)])).toEqual(
      refused(
        'collected metric named "pushgateway_http_push_size_bytes_sum" collides with previously collected summary named "pushgateway_http_push_size_bytes"',
      ),
    );
  });

  // [why, pushed labels, type, Go's complaint]
  test.each<[string, Labels, MetricType, string]>([
    ['a reserved label name', ['__a', '1'], 'untyped', 'has a label with an invalid name: __a'],
    ['an invalid label name', ['a-b', '1'], 'gauge', 'has a label with an invalid name: a-b'],
    ['a label name twice', ['a', '1', 'a', '2'], 'untyped', 'has two or more labels with the same name: a'],
    ['a quantile label on a summary', ['quantile', '0.5'], 'summary', 'must not have an explicit "quantile" label'],
  ])('refuses %s', (_why, labels, type, complaint) => {
    const store = newStore();
    const result = post(store, J1, [family('x', type, [{ labels, value: 1, quantiles: [], count: 0, sum: 0 }])]);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toStartWith(REJECTION_PREFIX + 'collected metric "x" { ');
    expect(result.ok ? '' : result.error).toEndWith(` } ${complaint}`);
  });

  test('several problems are listed the way Go’s MultiError does', () => {
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1])]);
    const result = post(store, J2, [family('baz', 'gauge', [1, 2])]);
    const metric = (v: number) => `{ label:<name:"instance" value:"" > label:<name:"job" value:"j2" > gauge:<value:${v} > }`;
    expect(result).toEqual(
      refused(`2 error(s) occurred:\n* collected metric "baz" ${metric(1)} is not a COUNTER\n* collected metric "baz" ${metric(2)} is not a COUNTER`),
    );
  });

  test('a family without samples never makes the store inconsistent', () => {
    // Go checks types per metric, so an empty family of another type is harmless there; stored here, it
    // must not count as a second type for the name (or every scrape would answer 500).
    const store = newStore();
    post(store, J1, [family('baz', 'counter', [1])]);
    post(store, J2, [family('baz', 'gauge', [])]);
    expect(store.inconsistent).toBe(false);
  });
});

describe('Store with the consistency check disabled', () => {
  test('stores a type clash, reports it, and recovers once the offender is deleted', () => {
    const store = newStore({ check: false });
    post(store, J1, [family('baz', 'counter', [1])]);
    expect(store.inconsistent).toBe(false);
    expect(post(store, J2, [family('baz', 'gauge', [1])])).toEqual(OK);
    expect(userLines(store.get(J2))).toEqual(['baz{instance="",job="j2"} 1']);
    expect(store.inconsistent).toBe(true);
    expect(store.inconsistency()).toBe(
      'collected metric "baz" { label:<name:"instance" value:"" > label:<name:"job" value:"j2" > gauge:<value:1 > } is not a COUNTER',
    );
    del(store, J2);
    expect(store.inconsistent).toBe(false);
  });

  test('stores a duplicate series, reports it, and recovers once the offender is replaced', () => {
    const store = newStore({ check: false });
    post(store, J1, [sample('a', 1, ['instance', 'i'])]);
    post(store, ['instance', 'i', 'job', 'j1'], [sample('a', 2)]);
    expect(store.inconsistent).toBe(true);
    expect(store.inconsistency()).toBe(
      'collected metric "a" { label:<name:"instance" value:"i" > label:<name:"job" value:"j1" > untyped:<value:1 > } was collected before with the same name and label values',
    );
    post(store, J1, [sample('a', 1, ['instance', 'other'])]);
    expect(store.inconsistent).toBe(false);
  });

  test('lists several problems the way Go’s MultiError does', () => {
    const store = newStore({ check: false });
    post(store, J1, [family('baz', 'counter', [1])]);
    post(store, J2, [family('baz', 'gauge', [1])]);
    post(store, ['job', 'j3'], [family('baz', 'summary', [{ labels: [], quantiles: [], count: 0, sum: 0 }])]);
    expect(store.inconsistency()).toBe(
      '2 error(s) occurred:\n* collected metric "baz" { label:<name:"instance" value:"" > label:<name:"job" value:"j2" > gauge:<value:1 > } is not a COUNTER\n' +
        '* collected metric "baz" { label:<name:"instance" value:"" > label:<name:"job" value:"j3" > summary:<sample_count:0 sample_sum:0 > } is not a COUNTER',
    );
  });

  test('poisons itself like Go when told to store the {job=j1,instance=""} twin, and recovers on delete', () => {
    const store = newStore({ check: false });
    put(store, J1, [sample('a', 1)]);
    expect(put(store, J1_EMPTY_INSTANCE, [sample('a', 1)])).toEqual(OK);
    expect(store.inconsistent).toBe(true);
    del(store, J1_EMPTY_INSTANCE);
    expect(store.inconsistent).toBe(false);
  });

  // Go's scrape runs every rule of SPEC §5.2, so with the check off each of these makes every scrape
  // fail with 500 (SPEC §5.5). [why, existing family (j1), pushed family (j2)]
  test.each<[string, MetricFamily | undefined, MetricFamily]>([
    ['a suffix collision', summary('sm'), sample('sm_count', 1)],
    ['a type clash with the gateway’s own family', undefined, family('go_goroutines', 'counter', [1])],
    ['a reserved label name', undefined, sample('x', 1, ['__a', '1'])],
  ])('reports %s as an inconsistency, as Go’s scrape would', (_why, existing, pushed) => {
    const store = newStore({ check: false, own: [['go_goroutines', 'gauge']] });
    if (existing !== undefined) post(store, J1, [existing]);
    expect(post(store, J2, [pushed])).toEqual(OK);
    expect(store.inconsistent).toBe(true);
  });
});

describe('Store.groups', () => {
  test('lists groups in grouping-key order', () => {
    const store = newStore();
    const pushed: Labels[] = [['job', 'b'], ['job', 'a', 'x', '1'], ['instance', 'i', 'job', 'z'], ['job', 'a'], ['a', '1', 'job', 'c']];
    for (const labels of pushed) put(store, labels, []);
    // Keys compare name by name, then value by value; a shorter key that is a prefix comes first.
    const expected = [['a', '1', 'job', 'c'], ['instance', 'i', 'job', 'z'], ['job', 'a'], ['job', 'a', 'x', '1'], ['job', 'b']];
    expect(store.groups().map((g) => g.labels)).toEqual(expected);
  });

  // Scrapes cache what they derive from the array by its identity; a change must give a new one.
  test('returns the same array until the next change, then a new one', () => {
    const store = newStore();
    put(store, ['job', 'a'], []);
    const first = store.groups();
    expect(store.groups()).toBe(first);
    put(store, ['job', 'a'], []);
    const second = store.groups();
    expect(second).not.toBe(first);
    store.apply({ labels: ['job', 'a'], replace: false, timeMs: 3 });
    expect(store.groups()).not.toBe(second);
    expect(store.groups()).toEqual([]);
  });

  test('keeps apart groupings whose values hold the key separator', () => {
    const store = newStore();
    put(store, ['a', 'x\uffffjob\uffffy'], [sample('m', 1)]);
    put(store, ['a', 'x', 'job', 'y'], [sample('n', 2)]);
    expect(store.size).toBe(2);
    expect(userLines(store.get(['a', 'x\uffffjob\uffffy']))).toEqual(['m{a="x\uffffjob\uffffy",instance=""} 1']);
  });

  test('follows adds, deletes and replacements', () => {
    const store = newStore();
    put(store, ['job', 'b'], []);
    expect(store.groups().map((g) => g.labels)).toEqual([['job', 'b']]);
    put(store, ['job', 'a'], []);
    expect(store.groups().map((g) => g.labels)).toEqual([['job', 'a'], ['job', 'b']]);
    post(store, ['job', 'b'], [sample('x', 1)], 5000);
    expect(store.groups()[1]).toBe(store.get(['job', 'b'])!);
    expect(store.groups()[1]!.pushTime).toBe(5);
    del(store, ['job', 'a']);
    expect(store.groups().map((g) => g.labels)).toEqual([['job', 'b']]);
  });
});

// ---------------------------------------------------------------------------------------------------
// The indexes behind `apply` against a brute-force model: a seeded random sequence of writes, each
// verdict and the whole store compared with what a full re-check of the model says.

interface ModelGroup {
  readonly labels: Labels;
  readonly families: Map<string, MetricFamily>;
  readonly pushTime: number;
  readonly failureTime: number;
}

type Model = Map<string, ModelGroup>;

const keyOf = (labels: Labels): string => labels.join('\uffff');

/** SPEC §5.1, written out independently: grouping labels win, instance="" if none, stable sort by name. */
function sanitizedLabels(labels: Labels, grouping: Labels): Labels {
  const pairs: [string, string][] = [];
  const groupingNames = new Set(grouping.filter((_, i) => i % 2 === 0));
  for (let i = 0; i < labels.length; i += 2) if (!groupingNames.has(labels[i]!)) pairs.push([labels[i]!, labels[i + 1]!]);
  for (let i = 0; i < grouping.length; i += 2) pairs.push([grouping[i]!, grouping[i + 1]!]);
  if (!pairs.some(([n]) => n === 'instance')) pairs.push(['instance', '']);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.flat();
}

function modelGauge(name: string, grouping: Labels, seconds: number, help: string): MetricFamily {
  return { name, help, type: 'gauge', metrics: [{ labels: sanitizedLabels([], grouping), value: seconds }] };
}
const modelPushTime = (grouping: Labels, s: number) =>
  modelGauge(PUSH_TIME, grouping, s, 'Last Unix time when changing this group in the Pushgateway succeeded.');
const modelFailureTime = (grouping: Labels, s: number) =>
  modelGauge(PUSH_FAILURE, grouping, s, 'Last Unix time when changing this group in the Pushgateway failed.');

/** Every problem Go's gather would report for the whole model plus the gateway's own families (SPEC §5.2). */
function problemsOf(model: Model, own: ReadonlyMap<string, MetricType>): string[] {
  const problems: string[] = [];
  const types = new Map<string, Set<MetricType>>();
  const typeOf = (name: string) => types.get(name) ?? types.set(name, new Set()).get(name)!;
  for (const [name, type] of own) typeOf(name).add(type);
  const seen = new Set<string>();
  for (const group of model.values()) {
    for (const family of group.families.values()) {
      typeOf(family.name).add(family.type);
      for (const metric of family.metrics) {
        const id = JSON.stringify([family.name, ...metric.labels]);
        if (seen.has(id)) problems.push(`duplicate ${id}`);
        seen.add(id);
        const names = metric.labels.filter((_, i) => i % 2 === 0);
        for (const n of names) if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(n) || n.startsWith('__')) problems.push(`label name ${n}`);
        if (new Set(names).size !== names.length) problems.push(`repeated label in ${id}`);
        if (family.type === 'summary' && names.includes('quantile')) problems.push(`quantile label in ${id}`);
      }
    }
  }
  for (const [name, held] of types) {
    if (held.size > 1) problems.push(`${name} has types ${[...held]}`);
    const owned = held.has('summary') ? ['_count', '_sum'] : held.has('histogram') ? ['_count', '_sum', '_bucket'] : [];
    for (const suffix of owned) if (types.has(name + suffix)) problems.push(`${name + suffix} collides with ${name}`);
  }
  return problems;
}

/** The two problems `Store.inconsistent` tracks: a name with two types, a series held twice. */
function typeOrSeriesProblemsOf(model: Model): number {
  return problemsOf(model, new Map()).filter((p) => p.startsWith('duplicate') || p.includes(' has types ')).length;
}

/** What `apply` must do, per SPEC §3.1 and the [Rec] of §5.7, written against the model. */
function applyToModel(model: Model, labels: Labels, families: MetricFamily[] | undefined, replace: boolean, timeMs: number, check: boolean, own: ReadonlyMap<string, MetricType>): boolean {
  const key = keyOf(labels);
  const old = model.get(key);
  const seconds = timeMs / 1000;
  const consistentWith = (group: ModelGroup): boolean => {
    const next = new Map(model);
    next.set(key, group);
    return problemsOf(next, own).length === 0;
  };
  const fail = (): boolean => {
    if (old !== undefined) {
      const kept = new Map(old.families);
      kept.set(PUSH_FAILURE, modelFailureTime(labels, seconds));
      model.set(key, { ...old, families: kept, failureTime: seconds });
      return false;
    }
    const created: ModelGroup = {
      labels,
      families: new Map([[PUSH_TIME, modelPushTime(labels, 0)], [PUSH_FAILURE, modelFailureTime(labels, seconds)]]),
      pushTime: 0,
      failureTime: seconds,
    };
    if (!check || consistentWith(created)) model.set(key, created);
    return false;
  };
  if (families === undefined) {
    model.delete(key);
    return true;
  }
  if (families.some((f) => f.metrics.some((m) => m.timestampMs !== undefined))) return fail();
  const next = new Map(replace || old === undefined ? [] : old.families);
  for (const f of families) {
    if (f.name === PUSH_TIME || f.name === PUSH_FAILURE) continue;
    next.set(f.name, { ...f, metrics: f.metrics.map((m) => ({ ...m, labels: sanitizedLabels(m.labels, labels) })) });
  }
  next.set(PUSH_TIME, modelPushTime(labels, seconds));
  next.set(PUSH_FAILURE, old?.families.get(PUSH_FAILURE) ?? modelFailureTime(labels, 0));
  const candidate: ModelGroup = { labels, families: next, pushTime: seconds, failureTime: old?.failureTime ?? 0 };
  if (check && !consistentWith(candidate)) return fail();
  model.set(key, candidate);
  return true;
}

/** The store's groups as comparable text: labels, times, and each family's type, HELP and sample lines. */
function snapshotOfStore(store: Store): string[] {
  return store.groups().map((g) =>
    JSON.stringify([g.labels, g.pushTime, g.failureTime, [...g.families.values()].map((f) => [f.name, f.type, f.help ?? null, decoder.decode(f.text)]).sort()]),
  );
}

function snapshotOfModel(model: Model): string[] {
  return [...model.keys()].sort().map((key) => {
    const g = model.get(key)!;
    const families = [...g.families.values()].map((f) => [f.name, f.type, f.help ?? null, decoder.decode(encodeFamilyText(f).text)]);
    return JSON.stringify([g.labels, g.pushTime, g.failureTime, families.sort()]);
  });
}

/** Random writes over a few groups chosen so that type clashes, duplicates and the instance="" twin occur often. */
function randomWrites(seed: number, count: number, vocabulary: { names: string[]; labelSets: Labels[] }) {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const groups: Labels[] = [['job', 'a'], ['instance', '', 'job', 'a'], ['instance', 'x', 'job', 'a'], ['job', 'b']];
  const types: MetricType[] = ['counter', 'gauge', 'untyped', 'summary', 'histogram'];
  const metricOf = (type: MetricType, labels: Labels): Metric => {
    const v = Math.floor(next() * 10);
    if (type === 'summary') return { labels, quantiles: [{ quantile: 0.5, value: v }], count: v, sum: v };
    if (type === 'histogram') return { labels, buckets: [{ upperBound: 1, cumulativeCount: v }], count: v, sum: v };
    return { labels, value: v };
  };
  const writes: { labels: Labels; families: MetricFamily[] | undefined; replace: boolean; timeMs: number }[] = [];
  for (let i = 0; i < count; i++) {
    const labels = pick(groups);
    const timeMs = (i + 1) * 1000;
    const roll = next();
    if (roll < 0.12) {
      writes.push({ labels, families: undefined, replace: false, timeMs });
      continue;
    }
    const families: MetricFamily[] = [];
    const names = new Set<string>();
    const size = Math.floor(next() * 3);
    for (let f = 0; f < size; f++) {
      const name = pick(vocabulary.names);
      if (names.has(name)) continue;
      names.add(name);
      const type = pick(types);
      const metrics = [metricOf(type, [...pick(vocabulary.labelSets)])];
      if (next() < 0.3) metrics.push(metricOf(type, [...pick(vocabulary.labelSets)]));
      if (next() < 0.03) metrics[0]!.timestampMs = 1;
      families.push({ name, type, help: next() < 0.5 ? `help ${name}` : undefined, metrics });
    }
    writes.push({ labels, families, replace: roll < 0.45, timeMs });
  }
  return writes;
}

const cloneFamilies = (families: MetricFamily[] | undefined): MetricFamily[] | undefined =>
  families?.map((f) => ({ ...f, metrics: f.metrics.map((m) => ({ ...m, labels: [...m.labels] })) }));

describe('Store indexes after many random writes', () => {
  const SEEDS = [1, 2, 3, 42, 2024];
  const STEPS = 1500;

  test.each(SEEDS)('with the check on, every verdict and the whole store match a brute-force re-check (seed %i)', (seed) => {
    const own = new Map<string, MetricType>([['own_gauge', 'gauge'], ['own_summary', 'summary']]);
    const store = newStore({ own: [...own] });
    const model: Model = new Map();
    const writes = randomWrites(seed, STEPS, {
      names: ['m', 'm_count', 'm_sum', 'm_bucket', 'n', 'own_gauge', 'own_summary_count', PUSH_TIME],
      labelSets: [[], [], ['instance', 'x'], ['instance', ''], ['job', 'zzz'], ['a', '1'], ['quantile', '0.5'], ['__r', '1']],
    });
    for (const [step, write] of writes.entries()) {
      const expected = applyToModel(model, write.labels, cloneFamilies(write.families), write.replace, write.timeMs, true, own);
      const verdict = store.apply(write).ok;
      expect({ seed, step, verdict }).toEqual({ seed, step, verdict: expected });
      expect({ seed, step, inconsistent: store.inconsistent }).toEqual({ seed, step, inconsistent: false });
      expect(snapshotOfStore(store)).toEqual(snapshotOfModel(model));
    }
    expect(problemsOf(model, own)).toEqual([]);
  });

  test.each(SEEDS)('with the check off, `inconsistent` matches a brute-force re-check after every write (seed %i)', (seed) => {
    const store = newStore({ check: false });
    const model: Model = new Map();
    // Only names and labels whose problems `inconsistent` tracks (types, duplicate series).
    const writes = randomWrites(seed, STEPS, { names: ['m', 'n', 'k'], labelSets: [[], [], ['instance', 'x'], ['instance', ''], ['job', 'zzz'], ['a', '1']] });
    let sawInconsistent = false;
    for (const [step, write] of writes.entries()) {
      const expected = applyToModel(model, write.labels, cloneFamilies(write.families), write.replace, write.timeMs, false, new Map());
      expect({ seed, step, verdict: store.apply(write).ok }).toEqual({ seed, step, verdict: expected });
      const inconsistent = typeOrSeriesProblemsOf(model) > 0;
      sawInconsistent ||= inconsistent;
      expect({ seed, step, inconsistent: store.inconsistent }).toEqual({ seed, step, inconsistent });
      expect(snapshotOfStore(store)).toEqual(snapshotOfModel(model));
    }
    // The sequence must actually reach the states the index has to count.
    expect(sawInconsistent).toBe(true);
  });
});
