// A push whose client goes away mid-body changes nothing and the gateway keeps serving (issue #3).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type Gateway, startOurs } from '../helpers/start-server.ts';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startOurs();
});
afterAll(async () => {
  await gateway?.stop();
});

/** Sends `head` and the start of a body over a raw socket, then closes it before the body is complete. */
async function sendAndHangUp(raw: string): Promise<void> {
  const { hostname, port } = new URL(gateway.url);
  const socket = await Bun.connect({ hostname, port: Number(port), socket: { data() {} } });
  socket.write(raw);
  socket.flush();
  await Bun.sleep(100);
  socket.end();
  await Bun.sleep(100);
}

describe('a push cut off mid-body', () => {
  test.each([
    // A declared length the body never reaches (read whole, the small-body path).
    ['with Content-Length', 'PUT /metrics/job/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\ncut_metric 1\ncut_other 2\n'],
    // Chunked framing that stops inside a chunk (read as a stream).
    ['chunked', 'PUT /metrics/job/cut HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\ncut_metric 1\ncut_oth'],
    // Half of a large declared body (streamed into the parser, holding a place at the large-body gate; issue #11).
    ['half a large body', `PUT /metrics/job/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n${Array.from({ length: 5000 }, (_, i) => `cut_metric{i="${i}"} 1\n`).join('')}`],
  ])('%s: nothing is stored and the gateway keeps answering', async (_why, raw) => {
    await sendAndHangUp(raw);
    const health = await fetch(`${gateway.url}/-/healthy`);
    expect(health.status).toBe(200);
    const scrape = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(scrape).not.toContain('cut_');
    expect(scrape).not.toContain('job="cut"');
  });
});
