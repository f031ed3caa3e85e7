// Label sanitising of pushed series (SPEC §5.1), the labels of a group's own series, and the timestamp refusal.
import { describe, expect, test } from 'bun:test';
import type { Labels, MetricFamily } from '../../src/model/metric.ts';
import { hasTimestamps, sanitizeFamilies, seriesLabelsOf } from '../../src/store/sanitize.ts';

function untyped(name: string, ...labelSets: Labels[]): MetricFamily {
  return { name, help: undefined, type: 'untyped', metrics: labelSets.map((labels) => ({ labels, value: 1 })) };
}

describe('sanitizeFamilies', () => {
  // [why, grouping labels (sorted), pushed labels, stored labels]
  test.each<[string, Labels, Labels, Labels]>([
    ['instance="" is added to a series without instance', ['job', 'j'], [], ['instance', '', 'job', 'j']],
    ['a body instance is kept when the URL has none', ['job', 'j'], ['instance', 'i1'], ['instance', 'i1', 'job', 'j']],
    ['an empty body instance is kept as it is', ['job', 'j'], ['instance', ''], ['instance', '', 'job', 'j']],
    ['grouping labels overwrite body labels (SPEC §5.1 example)', ['instance', 'instance2', 'job', 'j1'],
      ['instance', 'instance1', 'job', 'job2'], ['instance', 'instance2', 'job', 'j1']],
    ['a body-only label under a grouping label of another name is kept', ['job', 'j4', 'zone', 'a'], ['zone', 'b', 'x', '1'],
      ['instance', '', 'job', 'j4', 'x', '1', 'zone', 'a']],
    ['pairs end sorted by name', ['job', 'j'], ['z', '1', 'a', '2', 'm', '3'], ['a', '2', 'instance', '', 'job', 'j', 'm', '3', 'z', '1']],
    ['an empty grouping value still overwrites', ['job', 'j', 'x', ''], ['x', 'body'], ['instance', '', 'job', 'j', 'x', '']],
    ['a repeated body label name is left for the consistency check', ['job', 'j'], ['a', '1', 'a', '2'],
      ['a', '1', 'a', '2', 'instance', '', 'job', 'j']],
  ])('%s', (_why, grouping, pushed, stored) => {
    const [family] = sanitizeFamilies([untyped('x', pushed)], grouping);
    expect(family!.metrics[0]!.labels).toEqual(stored);
  });

  test('rewrites every metric of every family in place and keeps the family order', () => {
    const a = untyped('a', ['job', 'x'], ['k', 'v']);
    const b = untyped('b', []);
    const metric = a.metrics[0]!;
    const kept = sanitizeFamilies([a, b], ['job', 'j']);
    expect(kept.map((f) => f.name)).toEqual(['a', 'b']);
    expect(kept[0]).toBe(a);
    expect(a.metrics[0]).toBe(metric);
    expect(a.metrics.map((m) => m.labels)).toEqual([['instance', '', 'job', 'j'], ['instance', '', 'job', 'j', 'k', 'v']]);
    expect(b.metrics[0]!.labels).toEqual(['instance', '', 'job', 'j']);
  });

  test('drops families named like the timestamp gauges, whatever their type', () => {
    const families: MetricFamily[] = [
      untyped('push_time_seconds', []),
      untyped('keep', []),
      { name: 'push_failure_time_seconds', help: 'h', type: 'gauge', metrics: [{ labels: [], value: 9 }] },
      untyped('push_time_seconds_total', []),
    ];
    expect(sanitizeFamilies(families, ['job', 'j']).map((f) => f.name)).toEqual(['keep', 'push_time_seconds_total']);
  });
});

describe('seriesLabelsOf', () => {
  // [why, grouping labels, labels of the group's own series]
  test.each<[string, Labels, Labels]>([
    ['instance="" joins a grouping without instance', ['job', 'j'], ['instance', '', 'job', 'j']],
    ['an instance in the grouping is used as is', ['instance', 'i', 'job', 'j'], ['instance', 'i', 'job', 'j']],
    ['an empty instance in the grouping is not doubled', ['instance', '', 'job', 'j'], ['instance', '', 'job', 'j']],
    ['instance="" is sorted in among the other names', ['a', '1', 'job', 'j', 'zone', 'z'], ['a', '1', 'instance', '', 'job', 'j', 'zone', 'z']],
  ])('%s', (_why, grouping, labels) => {
    expect(seriesLabelsOf(grouping)).toEqual(labels);
  });

  test('returns a new array, never the grouping itself', () => {
    const grouping = ['instance', 'i', 'job', 'j'];
    const labels = seriesLabelsOf(grouping);
    expect(labels).not.toBe(grouping);
    labels[1] = 'changed';
    expect(grouping).toEqual(['instance', 'i', 'job', 'j']);
  });
});

describe('hasTimestamps', () => {
  const at = (timestampMs: number | undefined): MetricFamily => ({
    name: 't',
    help: undefined,
    type: 'gauge',
    metrics: [{ labels: [], value: 1 }, { labels: ['a', 'b'], value: 2, timestampMs }],
  });
  // [why, families, expected]
  test.each<[string, MetricFamily[], boolean]>([
    ['no families', [], false],
    ['no metric has one', [untyped('a', []), at(undefined)], false],
    ['the second metric of the second family has one', [untyped('a', []), at(1000)], true],
    ['a timestamp of 0 is still a timestamp', [at(0)], true],
    ['a negative timestamp is still a timestamp', [at(-1)], true],
  ])('%s', (_why, families, expected) => {
    expect(hasTimestamps(families)).toBe(expected);
  });
});
