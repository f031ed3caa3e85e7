// The scrape's escaping: negotiated as the newest Go does (SPEC §6.3), and the derived groups cached per scheme so unchanged groups are never re-encoded.
import { describe, expect, test } from 'bun:test';
import type { Labels, MetricFamily } from '../../src/model/metric.ts';
import { escapedGroups } from '../../src/render/escaped-groups.ts';
import { renderExposition } from '../../src/render/exposition.ts';
import { negotiateScrape, scrapeContentType } from '../../src/render/negotiate.ts';
import { renderProtobufExposition } from '../../src/render/protobuf.ts';
import { Store } from '../../src/store/store.ts';

const text = new TextDecoder();
const PROTOBUF = 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

describe('negotiateScrape', () => {
  test.each<[string | null, string]>([
    [null, 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores'],
    ['text/plain; version=0.0.4; escaping=allow-utf-8', 'text/plain; version=0.0.4; charset=utf-8; escaping=allow-utf-8'],
    ['text/plain;escaping=dots', 'text/plain; version=0.0.4; charset=utf-8; escaping=dots'],
    [`${PROTOBUF}; escaping=values`, `${PROTOBUF}; escaping=values`],
    // An unknown scheme is ignored; so is one on an entry that did not choose the format.
    ['text/plain; escaping=bogus', 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores'],
    ['application/openmetrics-text; escaping=allow-utf-8', 'text/plain; version=0.0.4; charset=utf-8; escaping=underscores'],
    [`application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,${PROTOBUF};escaping=allow-utf-8;q=0.5`, `${PROTOBUF}; escaping=allow-utf-8`],
  ])('%j → %s', (accept, contentType) => {
    expect(scrapeContentType(negotiateScrape(accept))).toBe(contentType);
  });
});

function push(store: Store, grouping: Labels, family: MetricFamily): void {
  const result = store.apply({ labels: grouping, families: [family], replace: true, timeMs: 1_000 });
  if (!result.ok) throw new Error(result.error);
}

describe('escapedGroups', () => {
  const store = new Store({ checkConsistency: true, ownTypes: new Map(), utf8Names: true });
  push(store, ['job', 'legacy'], { name: 'm', help: undefined, type: 'gauge', metrics: [{ labels: ['a', '1'], value: 1 }] });
  push(store, ['job', 'utf8'], { name: 'm', help: undefined, type: 'gauge', metrics: [{ labels: ['a.b', '1'], value: 2 }] });
  push(store, ['dotted.key', 'v', 'job', 'key'], { name: 'n', help: undefined, type: 'gauge', metrics: [{ labels: [], value: 3 }] });

  test('the store counts the groups that hold a UTF-8 family (a UTF-8 grouping label makes its gauges one)', () => {
    expect(store.utf8Groups).toBe(2);
  });

  test('a legacy group is passed as it is; others are derived once per scheme', () => {
    const groups = store.groups();
    const view = escapedGroups(groups, 'dots');
    expect(view).toBe(escapedGroups(groups, 'dots'));
    const legacy = groups.find((g) => g.labels[1] === 'legacy')!;
    expect(view).toContain(legacy);
    expect(view).not.toEqual(groups);
    expect(escapedGroups(groups, 'values')).not.toBe(view);
  });

  test('each scheme shows the names its way; a second render reuses the cached bytes', () => {
    const shown = (scheme: Parameters<typeof escapedGroups>[1]) => text.decode(Buffer.concat(renderExposition(escapedGroups(store.groups(), scheme), [])));
    expect(shown('allow-utf-8')).toContain('m{"a.b"="1",instance="",job="utf8"} 2\n');
    expect(shown('allow-utf-8')).toContain('n{"dotted.key"="v",instance="",job="key"} 3\n');
    expect(shown('underscores')).toContain('m{a_b="1",instance="",job="utf8"} 2\n');
    expect(shown('dots')).toContain('m{a_dot_b="1",instance="",job="utf8"} 2\n');
    expect(shown('values')).toContain('push_time_seconds{U__dotted_2e_key="v",instance="",job="key"} 1\n');
    const first = renderExposition(escapedGroups(store.groups(), 'values'), []);
    const second = renderExposition(escapedGroups(store.groups(), 'values'), []);
    expect(second.length).toBe(first.length);
    second.forEach((chunk, i) => expect(chunk).toBe(first[i]!));
    // Protobuf: each stored (or derived) family's series are encoded once; nine such parts in three groups.
    const proto = renderProtobufExposition(escapedGroups(store.groups(), 'values'), []);
    const again = renderProtobufExposition(escapedGroups(store.groups(), 'values'), []);
    expect(again.filter((chunk, i) => chunk === proto[i]).length).toBeGreaterThanOrEqual(9);
  });
});
