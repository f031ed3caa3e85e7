// http_server_config: the response headers an operator may add, and the http2 switch, as exporter-toolkit allows them.
import { WebConfigProblem, booleanAt, mappingAt, refuseUnknownKeys, stringMapAt } from './yaml-fields.ts';

export interface HttpServerConfig {
  /** Header name → value, added to every response that does not set the header itself. */
  readonly headers: ReadonlyMap<string, string>;
}

const WHERE = 'http_server_config';

/**
 * The headers exporter-toolkit lets a config add, with the values it allows (empty: any value). Private to
 * the toolkit "to ensure consistency in the Prometheus ecosystem"; we keep the same list.
 */
const ALLOWED_HEADERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Strict-Transport-Security', []],
  ['X-Content-Type-Options', ['nosniff']],
  ['X-Frame-Options', ['deny', 'sameorigin']],
  ['X-XSS-Protection', []],
  ['Content-Security-Policy', []],
]);

/** Reads the section; throws WebConfigProblem with exporter-toolkit's wording for a header it does not allow. */
export function readHttpServerConfig(value: unknown): HttpServerConfig {
  const section = mappingAt(value, WHERE);
  refuseUnknownKeys(section, ['http2', 'headers'], WHERE);
  const headers = stringMapAt(section, 'headers', WHERE);
  for (const [name, headerValue] of headers) {
    const allowed = ALLOWED_HEADERS.get(name);
    if (allowed === undefined) throw new WebConfigProblem(`HTTP header ${JSON.stringify(name)} can not be configured`);
    if (allowed.length > 0 && !allowed.includes(headerValue)) {
      throw new WebConfigProblem(`invalid value for ${name}. Expected one of: ${JSON.stringify(allowed)}, but got: ${JSON.stringify(headerValue)}`);
    }
  }
  // `http2` is checked for its type only: Bun.serve speaks HTTP/1.1 alone, so whatever it says, clients settle
  // on HTTP/1.1 through ALPN (README, Security).
  booleanAt(section, 'http2', WHERE, true);
  return Object.freeze({ headers });
}
