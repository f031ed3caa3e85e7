// The duplicate-series check against a brute-force oracle: random groupings of different shapes, random body labels.
import { describe, expect, test } from 'bun:test';
import type { Labels } from '../../src/model/metric.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';
import { Store } from '../../src/store/store.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

// Few names and values, so that groups of different shapes often name the same series: {job} next to
// {instance,job} (the instance="" twin), a body label `a` next to a grouping label `a`.
const GROUPING_NAMES = ['a', 'instance'];
const BODY_NAMES = ['a', 'b', 'instance'];
const VALUES = ['', '1', '2'];
const FAMILIES = ['x', 'y'];

type Pick = <T>(items: readonly T[]) => T;

function randomGrouping(pick: Pick, random: () => number): Labels {
  const labels: Labels = [];
  for (const name of GROUPING_NAMES) if (random() < 0.4) labels.push(name, pick(VALUES));
  labels.push('job', pick(['j', 'k']));
  return sortPairs(labels);
}

/** A text body of one or two untyped families, each series with some of the body label names. */
function randomBody(pick: Pick, random: () => number): string {
  let body = '';
  for (const name of FAMILIES) {
    if (random() < 0.3) continue;
    const series = 1 + Math.floor(random() * 3);
    for (let i = 0; i < series; i++) {
      const pairs = BODY_NAMES.filter(() => random() < 0.5).map((label) => `${label}="${pick(VALUES.slice(1))}"`);
      body += `${name}{${pairs.join(',')}} ${i}\n`;
    }
  }
  return body;
}

function sortPairs(labels: Labels): Labels {
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push([labels[i]!, labels[i + 1]!]);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.flat();
}

/** `name{…}` of a series as the store keeps it: grouping labels win, instance="" added, names sorted. */
function identity(name: string, body: Labels, grouping: Labels): string {
  const labels = new Map<string, string>();
  for (let i = 0; i < body.length; i += 2) labels.set(body[i]!, body[i + 1]!);
  for (let i = 0; i < grouping.length; i += 2) labels.set(grouping[i]!, grouping[i + 1]!);
  if (!labels.has('instance')) labels.set('instance', '');
  const pairs = [...labels].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}="${v}"`);
  return `${name}{${pairs.join(',')}}`;
}

/** Every stored series of every group but `except`, by group key: read back from the stored text lines. */
function storedIdentities(store: Store, except?: string): string[] {
  const decoder = new TextDecoder();
  const identities: string[] = [];
  for (const group of store.groups()) {
    if (group.key === except) continue;
    for (const family of group.families.values()) {
      for (const line of decoder.decode(family.text).split('\n')) if (line !== '') identities.push(line.slice(0, line.lastIndexOf(' ')));
    }
  }
  return identities;
}

/** What the push would add: its series and the group's two gauges. */
function pushedIdentities(body: string, grouping: Labels): string[] {
  const identities = ['push_time_seconds', 'push_failure_time_seconds'].map((name) => identity(name, [], grouping));
  for (const family of parseText(body)) for (const metric of family.metrics) identities.push(identity(family.name, metric.labels, grouping));
  return identities;
}

const hasDuplicates = (identities: readonly string[]): boolean => new Set(identities).size !== identities.length;

describe('the duplicate-series check', () => {
  test.each([1, 2, 3, 4, 5, 6])('refuses exactly the pushes that would store a series twice (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const pick: Pick = (items) => items[Math.floor(random() * items.length)]!;
    const store = new Store({ checkConsistency: true, ownTypes: new Map() });
    let refusals = 0;
    for (let step = 0; step < 400; step++) {
      const grouping = randomGrouping(pick, random);
      const key = store.get(grouping)?.key;
      if (random() < 0.1) {
        store.apply({ labels: grouping, replace: false, timeMs: step });
      } else {
        const body = randomBody(pick, random);
        const expectRefusal = hasDuplicates([...storedIdentities(store, key), ...pushedIdentities(body, grouping)]);
        const bytes = new TextEncoder().encode(body);
        // Both ways a text push reaches the store: encoded by the fast path, or parsed into families.
        const encoded = random() < 0.5 ? transcodeText(bytes, grouping) : undefined;
        const result = store.apply({
          labels: grouping,
          ...(encoded !== undefined ? { encoded: { families: encoded, structured: () => parseText(body) } } : { families: parseText(body) }),
          replace: random() < 0.7,
          timeMs: step,
        });
        expect({ step, body, grouping, refused: !result.ok }).toEqual({ step, body, grouping, refused: expectRefusal });
        if (!result.ok) refusals++;
      }
      expect(hasDuplicates(storedIdentities(store))).toBe(false);
    }
    // The oracle's case must really occur, or the test proves nothing.
    expect(refusals).toBeGreaterThan(10);
  });

  // Pushes encoded by the fast path carry no labels; only a push whose lines could name a group of a wider
  // shape needs the structured parse to say which.
  test('a fast-path push needs the structured parse only when its lines carry a label of a wider grouping', () => {
    const store = new Store({ checkConsistency: true, ownTypes: new Map() });
    const wider = ['a', '1', 'job', 'j'];
    expect(store.apply({ labels: wider, families: parseText('x 5\n'), replace: true, timeMs: 1 })).toEqual({ ok: true });
    const narrow = ['job', 'j'];
    let parses = 0;
    const push = (body: string) => {
      const encoded = transcodeText(new TextEncoder().encode(body), narrow)!;
      expect(encoded).toBeDefined();
      return store.apply({ labels: narrow, encoded: { families: encoded, structured: () => (parses++, parseText(body)) }, replace: true, timeMs: 2 });
    };
    expect(push('x{b="1"} 1\n')).toEqual({ ok: true });
    expect(parses).toBe(0);
    expect(push('x{a="2"} 1\n')).toEqual({ ok: true });
    expect(parses).toBe(1);
    // x{a="1",instance="",job="j"} is the wider group's series.
    expect(push('x{a="1"} 1\n').ok).toBe(false);
    expect(parses).toBe(2);
  });
});
