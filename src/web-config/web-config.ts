// The exporter-toolkit web config file (--web.config.file) read into one frozen, validated WebConfig (SPEC §10).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readBasicAuthUsers } from './basic-auth-users.ts';
import { findDuplicateKey } from './duplicate-keys.ts';
import { type HttpServerConfig, readHttpServerConfig } from './http-server-config.ts';
import { type RateLimit, readRateLimit } from './rate-limit.ts';
import { type TlsSettings, readTlsServerConfig } from './tls-server-config.ts';
import { WebConfigProblem, mappingAt, refuseUnknownKeys } from './yaml-fields.ts';

export type { RateLimit } from './rate-limit.ts';
export type { TlsSettings } from './tls-server-config.ts';

/** Everything the web config file asks for, after validation. Frozen. */
export interface WebConfig {
  /** The file it was read from, as given. */
  readonly file: string;
  /** undefined = plain HTTP. */
  readonly tls?: TlsSettings;
  readonly http: HttpServerConfig;
  /** User → bcrypt hash; empty = no authentication. */
  readonly users: ReadonlyMap<string, string>;
  /** undefined = no rate limit. */
  readonly rateLimit?: RateLimit;
  /** The tls_server_config and rate_limit sections as read, to tell a re-read that changed them (applied at start only). */
  readonly startOnly: string;
}

/** A web config the gateway cannot honour: the message names the file and the problem. */
export class WebConfigError extends Error {
  override name = 'WebConfigError';
}

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'rate_limit', 'basic_auth_users'];

/**
 * Reads and validates `file` strictly: unknown or repeated keys, bad YAML, unreadable or mismatched
 * certificates, hashes that are not bcrypt, and every setting Bun.serve cannot apply throw WebConfigError.
 * An empty file is an empty config (plain HTTP, no authentication), as in Go.
 */
export function readWebConfig(file: string): WebConfig {
  const fail = (problem: string) => new WebConfigError(`web config file ${JSON.stringify(file)}: ${problem}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fail((error as Error).message);
  }
  let document: unknown;
  try {
    document = Bun.YAML.parse(text);
  } catch (error) {
    throw fail(`not valid YAML: ${(error as Error).message}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) throw fail(`line ${duplicate.line}: key ${JSON.stringify(duplicate.key)} already set in map`);
  try {
    // Bun.YAML gives an array for a file of several documents; Go reads the first and ignores the rest.
    if (Array.isArray(document)) throw new WebConfigProblem('the file must hold one YAML mapping, not a list or several documents');
    const top = mappingAt(document, '');
    refuseUnknownKeys(top, TOP_KEYS, '');
    const tls = readTlsServerConfig(top.tls_server_config, dirname(file));
    const rateLimit = readRateLimit(top.rate_limit);
    return Object.freeze({
      file,
      ...(tls === undefined ? {} : { tls }),
      http: readHttpServerConfig(top.http_server_config),
      users: readBasicAuthUsers(top),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      startOnly: JSON.stringify([top.tls_server_config ?? null, top.rate_limit ?? null]),
    });
  } catch (error) {
    if (error instanceof WebConfigProblem) throw fail(error.message);
    throw error;
  }
}
