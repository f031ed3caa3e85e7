// A free TCP port on the loopback interface, for gateways started by the tests.

/**
 * Returns a port that was free a moment ago on 127.0.0.1: binds port 0, reads the
 * port the kernel chose, and closes the listener again.
 *
 * The port is not reserved: another process may take it before the caller binds
 * it, so callers that start a server retry with a fresh port when the bind fails
 * (see `startServer` in server-process.ts).
 */
export function freePort(): number {
  const listener = Bun.listen({
    hostname: "127.0.0.1",
    port: 0,
    socket: { data() {} },
  });
  const port = listener.port;
  listener.stop(true);
  return port;
}
