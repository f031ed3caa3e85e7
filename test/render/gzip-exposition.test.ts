// The gzip scrape is one valid gzip stream equal to the text scrape, rebuilt only where groups changed (issue #4).
import { describe, expect, test } from 'bun:test';
import { OWN_TYPES } from '../../src/http/self-metrics.ts';
import { parseText } from '../../src/parse/text-parser.ts';
import { renderExposition } from '../../src/render/exposition.ts';
import { type OwnFamily } from '../../src/render/family-merge.ts';
import { renderGzipExposition } from '../../src/render/gzip-exposition.ts';
import { Store } from '../../src/store/store.ts';

const OWN: OwnFamily[] = [{ name: 'process_open_fds', help: 'Number of open file descriptors.', type: 'gauge', text: new TextEncoder().encode('process_open_fds 7\n') }];

function storeOf(groups: number): Store {
  const store = new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
  for (let i = 0; i < groups; i++) push(store, i, i);
  return store;
}

function push(store: Store, group: number, value: number): void {
  const body = `# HELP a_total A counter.\n# TYPE a_total counter\na_total{x="${group}"} ${value}\n# TYPE b gauge\nb ${value / 7}\n`;
  const result = store.apply({ labels: ['instance', `i${group}`, 'job', 'j'], families: parseText(body), replace: true, timeMs: 1000 + value });
  if (!result.ok) throw new Error(result.error);
}

const gunzip = (parts: Uint8Array[]): string => Buffer.from(Bun.gunzipSync(Buffer.concat(parts))).toString();
const plain = (store: Store): string => Buffer.concat([...renderExposition(store.groups(), OWN)]).toString();

describe('renderGzipExposition', () => {
  // Bun.gunzipSync checks the trailer's CRC-32 and length, so equality also proves the combined CRC.
  test.each([0, 1, 7, 2500])('gunzips to exactly the text exposition with %d groups', (groups) => {
    const store = storeOf(groups);
    expect(gunzip(renderGzipExposition(store.groups(), OWN, 0))).toBe(plain(store));
  });

  test('a scrape after one push recompresses only the runs holding that group', () => {
    const store = storeOf(2500);
    const before = renderGzipExposition(store.groups(), OWN, 0);
    push(store, 1234, 99);
    const after = renderGzipExposition(store.groups(), OWN, 1);
    const reused = new Set(before);
    const rebuilt = after.filter((chunk) => !reused.has(chunk));
    // One run for each family the push replaced (a_total, b and push_time_seconds; the failure gauge is
    // kept as it was), and the trailer. OWN is the same bytes object every time here, so it is reused too.
    expect(rebuilt.length).toBe(3 + 1);
    expect(gunzip(after)).toBe(plain(store));
  });

  test('an unchanged store reuses every cached run', () => {
    const store = storeOf(300);
    const first = new Set(renderGzipExposition(store.groups(), OWN, 0));
    const second = renderGzipExposition(store.groups(), OWN, 1);
    expect(second.filter((chunk) => !first.has(chunk)).length).toBe(1); // the trailer
  });

  // Under constant pushes runs are compressed fast (level 1); once they stop changing they are
  // recompressed small, a few per scrape, and then reused again.
  test('a run compressed fast while churning is recompressed once it has been stable for a while', () => {
    const store = storeOf(50);
    renderGzipExposition(store.groups(), OWN, 0);
    push(store, 7, 1);
    const churned = renderGzipExposition(store.groups(), OWN, 1_000); // rebuilt within 10 s: fast
    const stable = renderGzipExposition(store.groups(), OWN, 60_000); // unchanged for a minute: recompressed
    const again = renderGzipExposition(store.groups(), OWN, 61_000);
    const inChurned = new Set(churned);
    expect(stable.filter((chunk) => !inChurned.has(chunk)).length).toBeGreaterThan(1);
    const inStable = new Set(stable);
    expect(again.filter((chunk) => !inStable.has(chunk)).length).toBe(1); // the trailer
    expect(gunzip(stable)).toBe(plain(store));
  });
});
