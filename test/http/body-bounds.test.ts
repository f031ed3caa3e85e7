// Slow, stalled and too many large push bodies are bounded: 429 past --push.max-concurrent-large-bodies, 408 past
// --push.body-timeout, silent connections closed after --web.idle-timeout; none of them changes anything (issue #11).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { scrapePushed, send } from '../helpers/http.ts';
import { type Gateway, startOurGateway } from '../helpers/start-server.ts';

/** A connection under the test's control: what it received so far, and whether the server closed it. */
interface HeldConnection {
  write(text: string): void;
  received(): string;
  readonly closed: Promise<void>;
  isClosed(): boolean;
  end(): void;
}

async function connect(gateway: Gateway, first: string): Promise<HeldConnection> {
  const { hostname, port } = new URL(gateway.url);
  let text = '';
  let isClosed = false;
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  const onClose = () => {
    isClosed = true;
    resolve();
  };
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: { data: (_s, data) => void (text += Buffer.from(data).toString('latin1')), close: onClose, end: onClose, error: onClose },
  });
  socket.write(first);
  socket.flush();
  return {
    write: (more) => {
      socket.write(more);
      socket.flush();
    },
    received: () => text,
    closed,
    isClosed: () => isClosed,
    end: () => socket.end(),
  };
}

/** Waits until `check` holds, polling every 50 ms; fails with `what` if it does not within `polls` (10 s by default). */
async function eventually(what: string, check: () => boolean | Promise<boolean>, polls = 200): Promise<void> {
  for (let i = 0; i < polls; i++) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`never happened: ${what}`);
}

const LARGE_HEAD = 'PUT /metrics/job/held HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\nheld_metric 1\n';
// Over 64 KiB, so it needs a place at the gate.
const LARGE_BODY = 'large_metric 1\n' + '# padding to make the body large\n'.repeat(3000);

describe('--push.max-concurrent-large-bodies', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startOurGateway(['--push.max-concurrent-large-bodies=2']);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('a large push past the limit gets 429 naming it; small pushes still pass; places come back when bodies end', async () => {
    const held = [await connect(gateway, LARGE_HEAD), await connect(gateway, LARGE_HEAD)];
    // Both held bodies have their places once a large push is refused.
    let refused = { status: 0, body: '' };
    await eventually('a large push refused while two bodies are held', async () => {
      refused = await send(gateway, 'PUT', '/metrics/job/large', LARGE_BODY);
      if (refused.status === 200) await send(gateway, 'DELETE', '/metrics/job/large');
      return refused.status === 429;
    });
    expect(refused.body).toBe('too many large push bodies being read at once: the limit is 2 (--push.max-concurrent-large-bodies)\n');
    expect((await send(gateway, 'GET', '/metrics')).body).toMatch(/^pushgateway_push_rejected_total\{reason="push.max-concurrent-large-bodies"\} [1-9]/m);
    expect((await send(gateway, 'PUT', '/metrics/job/small', 'small_metric 1\n')).status).toBe(200);
    // A client that disconnects mid-body gives its place back and leaves nothing behind.
    for (const connection of held) connection.end();
    await eventually('a large push accepted once the held bodies are gone', async () => (await send(gateway, 'PUT', '/metrics/job/large', LARGE_BODY)).status === 200);
    const scrape = await scrapePushed(gateway);
    expect(scrape.samples.filter((line) => !line.startsWith('push_'))).toEqual([
      'large_metric{instance="",job="large"} 1',
      'small_metric{instance="",job="small"} 1',
    ]);
  });
});

describe('--push.body-timeout and --web.idle-timeout', () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startOurGateway(['--push.body-timeout=1s', '--web.idle-timeout=2s']);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test.each([
    ['read whole (declared, small)', 'PUT /metrics/job/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nslow_metric 1\n'],
    ['streamed (chunked)', 'PUT /metrics/job/slow HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\ne\r\nslow_metric 1\n\r\n'],
  ])('a body trickled slower than the timeout gets 408 naming it, %s', async (_how, head) => {
    const connection = await connect(gateway, head);
    // A byte every 200 ms keeps the connection from being idle, never completing the body.
    const trickle = setInterval(() => connection.write(head.includes('chunked') ? '2\r\n#\n\r\n' : '#'), 200);
    try {
      await eventually('an answer to the trickled push', () => connection.received().includes('\r\n\r\n') || connection.isClosed());
    } finally {
      clearInterval(trickle);
      connection.end();
    }
    expect(connection.received()).toStartWith('HTTP/1.1 408');
    expect(connection.received()).toEndWith('\r\n\r\nrequest body not received within 1s (--push.body-timeout)\n');
    expect((await scrapePushed(gateway)).samples.filter((line) => line.includes('slow'))).toEqual([]);
    expect((await send(gateway, 'GET', '/metrics')).body).toMatch(/^pushgateway_push_rejected_total\{reason="push.body-timeout"\} [1-9]/m);
  });

  // Bun closes a connection whose headers are incomplete after ~10 s whatever the flag says (measured: 12 s);
  // the flag governs a connection once a request has begun and between keep-alive requests.
  test('a keep-alive connection left silent after its answer is closed by the server', async () => {
    const connection = await connect(gateway, 'GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n');
    // With Bun's default of 10 s this would not happen within the bound (8 s at most here).
    await eventually('the silent connection closed by the server', () => connection.isClosed(), 160);
    expect(connection.received()).toStartWith('HTTP/1.1 200');
  }, 20_000);
});
