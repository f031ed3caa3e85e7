// renderExposition: the /metrics body from cached per-group bytes — family order, series order, HELP choice (SPEC §6.1–6.2, D3).
import { describe, expect, test } from 'bun:test';
import type { Group, StoredFamily } from '../../src/model/group.ts';
import type { MetricType } from '../../src/model/metric.ts';
import { renderExposition } from '../../src/render/exposition.ts';
import type { OwnFamily } from '../../src/render/family-merge.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A stored family whose sample lines are `lines` (each gets its `\n`). */
function stored(name: string, lines: string[], options: { type?: MetricType; help?: string; pushedAt?: number } = {}): StoredFamily {
  return {
    name,
    type: options.type ?? 'untyped',
    help: options.help,
    pushedAt: options.pushedAt ?? 0,
    text: encoder.encode(lines.map((line) => line + '\n').join('')),
    seriesHashes: new Float64Array(lines.length),
  };
}

/** A group keyed `job`; the exposition only reads its families. */
function group(job: string, families: StoredFamily[]): Group {
  return { key: `job\uffff${job}`, labels: ['job', job], families: new Map(families.map((f) => [f.name, f])), pushTime: 0, failureTime: 0 };
}

function own(name: string, type: MetricType, help: string, lines: string[]): OwnFamily {
  return { name, type, help, text: encoder.encode(lines.map((line) => line + '\n').join('')) };
}

function scrape(groups: Group[], ownFamilies: OwnFamily[] = []): string {
  return [...renderExposition(groups, ownFamilies)].map((chunk) => decoder.decode(chunk)).join('');
}

describe('renderExposition', () => {
  test('prints nothing for no groups and no own families', () => {
    expect([...renderExposition([], [])]).toEqual([]);
  });

  test('orders families by name byte-wise, whichever group holds them', () => {
    // ':' < 'A' < '_' < 'a' in ASCII; "a" < "a:b" < "a_b" because a prefix sorts first.
    const names = ['b', 'a_b', 'a', '_a', 'A', 'a:b'];
    const body = scrape([group('j1', names.slice(0, 3).map((n) => stored(n, [`${n} 1`]))), group('j2', names.slice(3).map((n) => stored(n, [`${n} 2`])))]);
    const order = body.split('\n').filter((line) => line.startsWith('# TYPE')).map((line) => line.split(' ')[2]);
    expect(order).toEqual(['A', '_a', 'a', 'a:b', 'a_b', 'b']);
  });

  test('prints a family’s series group by group, in the order the groups are given (decision D3)', () => {
    const groups = [
      group('j0', [stored('m1', ['m1{a="x",job="j0"} 5'], { type: 'counter' })]),
      group('j1', [stored('m1', ['m1{a="1",b="2",job="j1"} 3', 'm1{a="0",job="j1"} 4'], { type: 'counter' }), stored('zz', ['zz{job="j1"} 1'])]),
      group('j2', [stored('m1', ['m1{a="y",job="j2"} 6'], { type: 'counter' })]),
    ];
    expect(scrape(groups)).toBe(
      '# TYPE m1 counter\n' +
        'm1{a="x",job="j0"} 5\nm1{a="1",b="2",job="j1"} 3\nm1{a="0",job="j1"} 4\nm1{a="y",job="j2"} 6\n' +
        '# TYPE zz untyped\nzz{job="j1"} 1\n',
    );
  });

  test('merges pushed series into the gateway’s own family: own series first, own HELP and type', () => {
    const groups = [group('o1', [stored('go_goroutines', ['go_goroutines{job="o1"} 5'], { type: 'gauge', help: 'pushed help', pushedAt: 9e12 })])];
    const ownFamilies = [own('go_goroutines', 'gauge', 'Number of goroutines that currently exist.', ['go_goroutines 10'])];
    expect(scrape(groups, ownFamilies)).toBe(
      '# HELP go_goroutines Number of goroutines that currently exist.\n# TYPE go_goroutines gauge\ngo_goroutines 10\ngo_goroutines{job="o1"} 5\n',
    );
  });

  test('sorts own families among the pushed ones by name', () => {
    const ownFamilies = [own('pushgateway_build_info', 'gauge', 'build', ['pushgateway_build_info 1'])];
    const body = scrape([group('j', [stored('a', ['a 1']), stored('z', ['z 1'])])], ownFamilies);
    expect(body.split('\n').filter((line) => line.startsWith('# TYPE')).map((line) => line.split(' ')[2])).toEqual(['a', 'pushgateway_build_info', 'z']);
  });

  // [why, HELP and push time of `q` in each group (in group order), the HELP printed]
  test.each<[string, [string | undefined, number][], string | undefined]>([
    ['no group has HELP: no HELP line', [[undefined, 1]], undefined],
    ['the only HELP is printed, even from an older push', [[undefined, 30], ['two', 10]], 'two'],
    ['a newer push without HELP does not erase an older HELP', [['one', 10], [undefined, 20]], 'one'],
    ['the most recently pushed HELP wins', [['one', 10], ['two', 20]], 'two'],
    ['... also when it sits in an earlier group', [['one', 20], ['two', 10]], 'one'],
    ['a tie goes to the earlier group', [['one', 10], ['two', 10]], 'one'],
    ['the newest HELP-carrying push, skipping a newer one without', [['one', 10], [undefined, 30], ['three', 20]], 'three'],
    ['identical HELP in several groups', [['same', 10], ['same', 20]], 'same'],
  ])('HELP choice: %s', (_why, helps, printed) => {
    const groups = helps.map(([help, pushedAt], i) => group(`j${i}`, [stored('q', [`q{job="j${i}"} 1`], { help, pushedAt })]));
    const header = scrape(groups).split('\n').filter((line) => line.startsWith('#'));
    expect(header).toEqual([...(printed === undefined ? [] : [`# HELP q ${printed}`]), '# TYPE q untyped']);
  });

  test('escapes the chosen HELP', () => {
    expect(scrape([group('j', [stored('q', ['q 1'], { help: 'a\\b\nc' })])])).toBe('# HELP q a\\\\b\\nc\n# TYPE q untyped\nq 1\n');
  });

  test('announces a gauge histogram as a histogram', () => {
    expect(scrape([group('j', [stored('h', ['h_count 1'], { type: 'gaugehistogram' })])])).toBe('# TYPE h histogram\nh_count 1\n');
  });

  test('drops a family without series in every group', () => {
    const groups = [group('j1', [stored('empty', [], { help: 'h' }), stored('a', ['a 1'])]), group('j2', [stored('empty', [])])];
    expect(scrape(groups)).toBe('# TYPE a untyped\na 1\n');
  });

  test('keeps a family that has series in some group only, with that group’s series', () => {
    const groups = [group('j1', [stored('f', [], { type: 'gauge' })]), group('j2', [stored('f', ['f{job="j2"} 2'], { type: 'gauge' })])];
    expect(scrape(groups)).toBe('# TYPE f gauge\nf{job="j2"} 2\n');
  });

  test('hands out each group’s stored bytes themselves, not copies', () => {
    const a = stored('a', ['a{job="j"} 1']);
    const chunks = [...renderExposition([group('j', [a])], [])];
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(a.text);
  });

  test('reuses the same header bytes from one scrape to the next', () => {
    const groups = [group('j', [stored('a', ['a 1'], { help: 'help of a', type: 'counter' }), stored('b', ['b 1'])])];
    const ownFamilies = [own('c', 'gauge', 'help of c', ['c 1'])];
    const first = [...renderExposition(groups, ownFamilies)];
    const second = [...renderExposition(groups, ownFamilies)];
    expect(second).toHaveLength(first.length);
    // Chunks 0, 2, 4 are the headers of a, b, c: the same Uint8Array, not an equal one.
    for (const i of [0, 2, 4]) expect(second[i]).toBe(first[i]!);
  });

  test('builds new header bytes when the HELP or type of a name changes', () => {
    const before = [...renderExposition([group('j', [stored('a', ['a 1'], { help: 'one' })])], [])];
    const otherHelp = [...renderExposition([group('j', [stored('a', ['a 1'], { help: 'two' })])], [])];
    const otherType = [...renderExposition([group('j', [stored('a', ['a 1'], { help: 'one', type: 'gauge' })])], [])];
    const noHelp = [...renderExposition([group('j', [stored('a', ['a 1'])])], [])];
    expect(decoder.decode(otherHelp[0])).toBe('# HELP a two\n# TYPE a untyped\n');
    expect(decoder.decode(otherType[0])).toBe('# HELP a one\n# TYPE a gauge\n');
    expect(decoder.decode(noHelp[0])).toBe('# TYPE a untyped\n');
    expect(decoder.decode(before[0])).toBe('# HELP a one\n# TYPE a untyped\n');
  });
});
