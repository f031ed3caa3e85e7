// Hostile and heavy clients on loopback, each scenario bounded and ending by itself: many pushers and scrapers, idle sockets, slowloris, aborted uploads, a gzip bomb.
import { createGzip } from 'node:zlib';
import { type RawReply, rawRequest, requestBytes, writeAllAsync } from '../helpers/raw-http.ts';
import type { Gateway } from '../helpers/start-server.ts';

/** Answers by status (0 = none: the connection closed or timed out first). */
export type StatusCounts = Record<number, number>;

function tally(replies: readonly RawReply[]): StatusCounts {
  const counts: StatusCounts = {};
  for (const { status } of replies) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function connect(gw: Gateway, onClose: () => void = () => undefined): Promise<Bun.Socket<undefined>> {
  const { hostname, port } = new URL(gw.url);
  return Bun.connect({ hostname, port: Number(port), socket: { data() {}, close: onClose, error: onClose } });
}

/** A push body of `series` gauges, like one batch job's. */
function loadBody(series: number): Uint8Array {
  let text = '# TYPE load_gauge gauge\n';
  for (let i = 0; i < series; i++) text += `load_gauge{shard="${i}"} ${i}\n`;
  return new TextEncoder().encode(text);
}

/**
 * `connections` connections at once, half PUTting 20 series each to a group of their own, half scraping
 * `/metrics`; `rounds` times. Then every group is deleted again, so memory can return. Returns the
 * answers of the pushes and of the scrapes.
 */
export async function concurrentPushAndScrape(gw: Gateway, connections: number, rounds: number): Promise<{ pushes: StatusCounts; scrapes: StatusCounts }> {
  const body = loadBody(20);
  const pushes: RawReply[] = [];
  const scrapes: RawReply[] = [];
  const pushers = Math.ceil(connections / 2);
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: connections }, async (_, i) => {
      if (i < pushers) pushes.push(await rawRequest(gw, { method: 'PUT', target: `/metrics/job/load/instance/i${i}`, body }));
      else scrapes.push(await rawRequest(gw, { method: 'GET', target: '/metrics' }));
    }));
  }
  await Promise.all(Array.from({ length: pushers }, (_, i) => rawRequest(gw, { method: 'DELETE', target: `/metrics/job/load/instance/i${i}` })));
  return { pushes: tally(pushes), scrapes: tally(scrapes) };
}

/** `count` connections that send nothing for `holdMs`; returns how many the gateway closed meanwhile. */
export async function idleConnections(gw: Gateway, count: number, holdMs: number): Promise<{ opened: number; closedByServer: number }> {
  let closedByServer = 0;
  let holding = true;
  const sockets = await Promise.all(Array.from({ length: count }, () => connect(gw, () => {
    if (holding) closedByServer++;
  })));
  await Bun.sleep(holdMs);
  holding = false;
  for (const socket of sockets) socket.terminate();
  return { opened: sockets.length, closedByServer };
}

/**
 * `count` slowloris clients for `holdMs`: half send a push's header block one byte every `byteEveryMs`,
 * half send the whole header block (declaring a 4 KiB body) and then the body one byte every
 * `byteEveryMs`. Returns how many got an answer or were closed by the gateway before the end.
 */
export async function slowloris(gw: Gateway, count: number, holdMs: number, byteEveryMs: number): Promise<{ answered: number; closedByServer: number }> {
  let closedByServer = 0;
  let answered = 0;
  let holding = true;
  const head = requestBytes({ method: 'PUT', target: '/metrics/job/slow', body: new Uint8Array(4096) });
  const headEnd = head.length - 4096;
  const clients = Array.from({ length: count }, async (_, i) => {
    const { hostname, port } = new URL(gw.url);
    let closed = false;
    const socket = await Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        data() {
          answered++;
        },
        close() {
          closed = true;
          if (holding) closedByServer++;
        },
      },
    });
    // Body-drippers first send the whole header block; header-drippers start at byte 0.
    let at = i % 2 === 0 ? 0 : headEnd;
    if (at > 0) socket.write(head.subarray(0, at));
    while (holding && !closed && at < head.length) {
      socket.write(head.subarray(at, ++at));
      await Bun.sleep(byteEveryMs);
    }
    if (!closed) socket.terminate();
  });
  await Bun.sleep(holdMs);
  holding = false;
  await Promise.all(clients);
  return { answered, closedByServer };
}

/**
 * `count` clients that declare `declaredBytes` of push body, send `sentBytes` of valid lines (metric
 * `aborted_upload`) and hang up. Nothing of them may be stored.
 */
export async function abortedUploads(gw: Gateway, count: number, declaredBytes: number, sentBytes: number): Promise<{ clients: number; sentMiB: number }> {
  const line = new TextEncoder().encode('aborted_upload{shard="xxxxxxxxxxxxxxxx"} 1\n');
  const body = new Uint8Array(declaredBytes);
  for (let at = 0; at + line.length <= declaredBytes; at += line.length) body.set(line, at);
  const request = requestBytes({ method: 'PUT', target: '/metrics/job/aborted', body });
  const cut = request.length - declaredBytes + sentBytes;
  await Promise.all(Array.from({ length: count }, async () => {
    const socket = await connect(gw);
    await writeAllAsync(socket, request.subarray(0, cut));
    socket.terminate();
  }));
  return { clients: count, sentMiB: (count * sentBytes) / 2 ** 20 };
}

/**
 * A gzip bomb: `inflatedBytes` of `a 1\n` lines (every one the same series), compressed to about a
 * thousandth. Made before a scenario starts: compressing costs the test process time that would show
 * in the probe's latencies.
 */
export function gzipBombBody(inflatedBytes: number): Promise<Uint8Array> {
  return gzipRepeated(new TextEncoder().encode('a 1\n'.repeat(2 ** 18)), inflatedBytes);
}

/** Pushes a gzip bomb (gzipBombBody) once: 413 past the body limit, or 400 for its duplicate series. */
export function pushGzipBomb(gw: Gateway, bomb: Uint8Array): Promise<RawReply> {
  // Minutes, not seconds: today a bomb can hold the gateway's event loop for tens of seconds (issue #11 item 1).
  return rawRequest(gw, { method: 'PUT', target: '/metrics/job/bomb', body: bomb, headers: { 'Content-Encoding': 'gzip' }, timeoutMs: 180_000 });
}

// `block` repeated until `total` bytes, gzipped as a stream (the inflated form is never held whole).
async function gzipRepeated(block: Uint8Array, total: number): Promise<Uint8Array> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  for (let written = 0; written < total; written += block.length) {
    if (!gzip.write(block.subarray(0, Math.min(block.length, total - written)))) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(parts);
}
