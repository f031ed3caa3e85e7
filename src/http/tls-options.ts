// The web config's TLS settings as Bun.serve's `tls` option for each listener.
import type { TLSOptions } from 'bun';
import type { TlsSettings } from '../web-config/web-config.ts';

/** Bun.serve's `tls` for `settings`; only settings Bun applies get this far (web-config refuses the rest). */
export function tlsOptionsOf(settings: TlsSettings): TLSOptions {
  const { cert, key, ca, requestCert, rejectUnauthorized, secureOptions, ciphers } = settings;
  return { cert, key, ca, requestCert, rejectUnauthorized, secureOptions, ciphers };
}
