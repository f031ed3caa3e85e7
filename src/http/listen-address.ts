// --web.listen-address → the host and port Bun.serve binds, and why an address cannot be bound, worded with the address as Go's `listen tcp` errors are.
import { isIP } from 'node:net';

/** An address that cannot be listened on; the message names the address and the reason. */
export class ListenError extends Error {
  override name = 'ListenError';
}

/** Where one listener binds. `hostname` is an IP literal, resolved already. */
export interface ListenTarget {
  readonly address: string;
  readonly hostname: string;
  readonly port: number;
}

/**
 * The unspecified IPv6 address: Bun.serve binds it dual-stack (IPv6 and IPv4-mapped), as Go binds `:9091`.
 * Checked on Linux with a request to [::1] and to 127.0.0.1 (test/http/listeners.test.ts).
 */
const EVERY_INTERFACE = '::';
/** Where a host without IPv6 listens instead, as Go falls back to IPv4 there. */
const EVERY_IPV4_INTERFACE = '0.0.0.0';

/**
 * Splits `host:port`, `:port` (every interface) or `[v6]:port` and resolves a host name, as Go's `net.Listen`
 * does before it binds. Throws ListenError for a missing or bad port and for a name that does not resolve.
 */
export async function listenTargetOf(address: string): Promise<ListenTarget> {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new ListenError(`listen tcp: address ${address}: missing port in address`);
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = address.slice(colon + 1);
  if (!/^\d+$/.test(portText)) throw new ListenError(`listen tcp: address tcp/${portText}: unknown port`);
  const port = Number(portText);
  if (port > 65535) throw new ListenError(`listen tcp: address ${portText}: invalid port`);
  if (host === '' || isIP(host) !== 0) return { address, hostname: host === '' ? EVERY_INTERFACE : host, port };
  try {
    // Go listens on the first address a name resolves to; so does this.
    const [first] = await Bun.dns.lookup(host, { port });
    return { address, hostname: first!.address, port };
  } catch (error) {
    // Go's words for the common case; Bun says `getaddrinfo ENOTFOUND` (code DNS_ENOTFOUND).
    const reason = (error as { code?: string }).code === 'DNS_ENOTFOUND' ? 'no such host' : (error as Error).message;
    throw new ListenError(`listen tcp: lookup ${host}: ${reason}`);
  }
}

/**
 * Runs `bind` for `target` and turns Bun's errors into ListenError with the address and the reason (Bun's own
 * message for a port in use is a question, "Is port N in use?"). Where `::` is not available (a host
 * without IPv6), binds every IPv4 interface instead.
 */
export function bindOrExplain<T>(target: ListenTarget, bind: (hostname: string) => T): T {
  try {
    return bind(target.hostname);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (target.hostname === EVERY_INTERFACE && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
      return bindOrExplain({ ...target, hostname: EVERY_IPV4_INTERFACE }, bind);
    }
    const reason = code === undefined ? (error as Error).message : (BIND_REASONS[code] ?? code);
    throw new ListenError(`listen tcp ${target.address}: bind: ${reason}`);
  }
}

/** Go's wording (the C library's strerror) for the codes Bun reports. */
const BIND_REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
};
