// --web.systemd-socket: the listening sockets systemd passes (LISTEN_FDS from fd 3), relayed byte for byte to the gateway's own server on a private unix socket.
import type { Socket, SocketHandler, SocketListener } from 'bun';
import { ListenError } from './listen-address.ts';

/** sd_listen_fds(3): the first passed descriptor. */
const FIRST_FD = 3;

/**
 * The descriptors systemd passed to this process, as sd_listen_fds(3) reads them: `LISTEN_FDS` of them from
 * fd 3, if `LISTEN_PID` names this process. Throws ListenError when there are none, as Go's exporter-toolkit
 * refuses to start then.
 */
export function systemdListenFds(env: Readonly<Record<string, string | undefined>>, pid: number): number[] {
  const count = Number(env.LISTEN_FDS);
  if (env.LISTEN_PID !== String(pid) || !Number.isInteger(count) || count < 1) {
    throw new ListenError('no socket activation file descriptors found');
  }
  return Array.from({ length: count }, (_, i) => FIRST_FD + i);
}

/**
 * Bun.serve cannot serve an inherited descriptor (oven-sh/bun#22559: it ignores `fd` and binds a port of its
 * own), but Bun.listen can accept on one. So each connection systemd's socket accepts is relayed to the HTTP
 * server listening on `upstream` (a unix socket path): bytes both ways, TLS included, with backpressure (a side
 * that cannot take more pauses the other) and each side's end or close passed on. A client silent for
 * `idleTimeoutSeconds` is closed (--web.idle-timeout, which Bun.serve does not apply on a unix socket).
 * Returns the listener; stop it to stop accepting.
 */
export function relayInheritedSocket(fd: number, upstream: string, idleTimeoutSeconds: number): SocketListener<Relay> {
  return listenOnDescriptor({
    fd,
    socket: {
      open(client) {
        const relay: Relay = { peer: undefined, pending: [], ended: false };
        client.data = relay;
        client.timeout(idleTimeoutSeconds);
        // Until the upstream connection is open, what the client sends waits in `pending`.
        client.pause();
        Bun.connect<Relay>({
          unix: upstream,
          socket: {
            open(server) {
              server.data = { peer: client, pending: [], ended: false };
              relay.peer = server;
              // Writes what the client sent so far, then lets it read on (or passes its end on).
              flush(client, server);
            },
            data: (server, chunk) => forward(server, chunk),
            // The server can take more: write what the client sent meanwhile.
            drain: (server) => flush(client, server),
            // A server that answered and closed (Connection: close) may still have bytes waiting for the client.
            end: (server) => endAfterFlush(server),
            close: (server) => endAfterFlush(server),
            error: (server) => endAfterFlush(server),
          },
        }).catch(() => client.end());
      },
      data: (client, chunk) => forward(client, chunk),
      // The client can take more: write what the server sent meanwhile.
      drain: (client) => {
        if (client.data.peer !== undefined) flush(client.data.peer, client);
      },
      end: (client) => endAfterFlush(client),
      timeout: (client) => void client.end(),
      close: (client) => endAfterFlush(client),
      error: (client) => endAfterFlush(client),
    },
  });
}

// Bun.listen accepts on an inherited listening descriptor given as `fd` (Bun 1.4.5, checked by
// test/http/systemd-socket.test.ts), but its types do not say so.
const listenOnDescriptor = Bun.listen as unknown as (options: { fd: number; socket: SocketHandler<Relay> }) => SocketListener<Relay>;

/** One side of a relayed connection: the other side, and the bytes that side could not take yet. */
interface Relay {
  peer: Socket<Relay> | undefined;
  /** Bytes for the peer that it has not accepted yet, oldest first. */
  pending: Uint8Array[];
  /** This side sent its end: pass it on once `pending` is written. */
  ended: boolean;
}

/** Bytes read from `from` go to its peer; if the peer cannot take them all, `from` pauses until it can. */
function forward(from: Socket<Relay>, chunk: Uint8Array): void {
  const relay = from.data;
  // Copied: Bun reuses the buffer of a data event for the next one.
  if (relay.peer === undefined || relay.pending.length > 0) {
    relay.pending.push(chunk.slice());
    from.pause();
    return;
  }
  const written = relay.peer.write(chunk);
  if (written < chunk.length) {
    relay.pending.push(chunk.slice(Math.max(written, 0)));
    from.pause();
  }
}

/** Writes what `from` holds for `to`; once all is written, `from` reads again (or its end is passed on). */
function flush(from: Socket<Relay>, to: Socket<Relay>): void {
  const pending = from.data.pending;
  while (pending.length > 0) {
    const chunk = pending[0]!;
    const written = to.write(chunk);
    if (written < chunk.length) {
      pending[0] = chunk.subarray(Math.max(written, 0));
      return;
    }
    pending.shift();
  }
  if (from.data.ended) to.end();
  else from.resume();
}

/** `side` sent its end or closed: the peer gets the end after the bytes still waiting for it. */
function endAfterFlush(side: Socket<Relay>): void {
  side.data.ended = true;
  const peer = side.data.peer;
  if (peer !== undefined && side.data.pending.length === 0) peer.end();
}
