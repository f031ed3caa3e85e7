// A scrape body is streamed part by part: complete, the store as it was when asked, whatever the client does.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Gateway, startOurs } from '../helpers/start-server.ts';

let gateway: Gateway;
const GROUPS = 300;
// ~4 KB per group, ~1.2 MB in all: more than the socket buffers hold, so a slow reader really holds the
// server's writes back.
const bodyOf = (value: number): string =>
  Array.from({ length: 40 }, (_, i) => `stream_test_series{index="${i}",pad="${'x'.repeat(60)}"} ${value}\n`).join('');

async function putAll(value: number): Promise<void> {
  for (let start = 0; start < GROUPS; start += 50) {
    const batch = Array.from({ length: 50 }, (_, k) => start + k);
    const statuses = await Promise.all(
      batch.map(async (g) => (await fetch(`${gateway.url}/metrics/job/stream/instance/i${g}`, { method: 'PUT', body: bodyOf(value) })).status),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
}

/** The pushed sample lines of a scrape body, as `instance value` pairs counted. */
function pushedValues(body: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of body.split('\n')) {
    if (!line.startsWith('stream_test_series{')) continue;
    const value = line.slice(line.lastIndexOf(' ') + 1);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

beforeAll(async () => {
  gateway = await startOurs();
  await putAll(1);
});
afterAll(async () => {
  await gateway?.stop();
});

describe('the scrape body stream', () => {
  test('a client that hangs up mid-body leaves the gateway serving complete scrapes', async () => {
    for (let i = 0; i < 5; i++) {
      const { hostname, port } = new URL(gateway.url);
      const socket = await Bun.connect({ hostname, port: Number(port), socket: { data() {} } });
      socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: identity\r\n\r\n');
      socket.flush();
      await Bun.sleep(20);
      socket.end();
    }
    const body = await (await fetch(`${gateway.url}/metrics`, { headers: { 'Accept-Encoding': 'identity' } })).text();
    expect(pushedValues(body)).toEqual(new Map([['1', 40 * GROUPS]]));
    expect(body.endsWith('\n')).toBe(true);
  });

  test('a slow reader gets the store as it was when it asked, while pushes go on', async () => {
    const response = await fetch(`${gateway.url}/metrics`, { headers: { 'Accept-Encoding': 'identity' } });
    const reader = response.body!.getReader();
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    chunks.push(first.value!);
    // Every group is replaced while the rest of the body is still unread.
    await putAll(2);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      await Bun.sleep(1);
    }
    const body = new TextDecoder().decode(Buffer.concat(chunks));
    expect(pushedValues(body)).toEqual(new Map([['1', 40 * GROUPS]]));
    const after = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(pushedValues(after)).toEqual(new Map([['2', 40 * GROUPS]]));
  });
});
