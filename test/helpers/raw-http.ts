// HTTP/1.1 over a raw loopback socket: requests with exactly the bytes a test chooses (paths fetch would escape or clean), read back whole.
import type { Gateway } from './start-server.ts';

/** The parts of a response the raw tests look at. */
export interface RawReply {
  /** The status code of the status line; 0 when the connection closed (or timed out) before one arrived. */
  readonly status: number;
  /** Bytes received after the header block (still chunk-framed if the server chunked it). */
  readonly bodyBytes: number;
  /** The header block as text, for failure messages. */
  readonly head: string;
}

/** What to send: `target` is written into the request line byte for byte (Latin-1 chars = bytes). */
export interface RawRequest {
  readonly method: string;
  readonly target: string;
  readonly body?: Uint8Array;
  readonly headers?: Record<string, string>;
  /** How long to wait for the whole answer before giving up (status 0); RAW_TIMEOUT_MS by default. */
  readonly timeoutMs?: number;
  /** false: an HTTP/1.0 request without a Host header, as old clients and probes send. */
  readonly host?: boolean;
}

/** How long a raw request may take before it counts as unanswered (status 0). */
const RAW_TIMEOUT_MS = 15_000;

/** The request's bytes: request line, Host (unless `host` is false), `Connection: close`, Content-Length, `headers`, body. */
export function requestBytes(request: RawRequest): Uint8Array {
  const body = request.body ?? new Uint8Array(0);
  const start = request.host === false ? `${request.method} ${request.target} HTTP/1.0\r\n` : `${request.method} ${request.target} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  let head = `${start}Connection: close\r\nContent-Length: ${body.length}\r\n`;
  for (const [name, value] of Object.entries(request.headers ?? {})) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  // Latin-1, so that a target's chars 0x80-0xff go out as single raw bytes.
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * Sends `request` on a fresh connection and reads until the server closes it (the request asks it to with
 * `Connection: close`). Never throws for what the server does: a reset or a timeout is status 0.
 */
export async function rawRequest(gw: Gateway, request: RawRequest): Promise<RawReply> {
  const { hostname, port } = new URL(gw.url);
  const received: Buffer[] = [];
  const { promise: closed, resolve } = Promise.withResolvers<void>();
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, data) {
        received.push(Buffer.from(data));
      },
      close: () => resolve(),
      error: () => resolve(),
      end: () => resolve(),
    },
  });
  writeAll(socket, requestBytes(request));
  const timer = setTimeout(() => {
    socket.terminate();
    resolve();
  }, request.timeoutMs ?? RAW_TIMEOUT_MS);
  await closed;
  clearTimeout(timer);
  return parseReply(Buffer.concat(received));
}

/** Writes `bytes` in full: Bun's socket.write may take only part of a large buffer at once. */
export async function writeAllAsync(socket: Bun.Socket<undefined>, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const written = socket.write(bytes.subarray(at));
    if (written < 0) return;
    at += written;
    if (at < bytes.length) await Bun.sleep(1);
  }
}

function writeAll(socket: Bun.Socket<undefined>, bytes: Uint8Array): void {
  void writeAllAsync(socket, bytes);
}

/** Status and body size of a response read to its end. */
export function parseReply(bytes: Buffer): RawReply {
  const end = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return { status: match ? Number(match[1]) : 0, bodyBytes: end < 0 ? 0 : bytes.length - end - 4, head };
}
