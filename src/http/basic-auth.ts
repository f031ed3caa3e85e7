// HTTP basic credentials checked against the web config's bcrypt hashes, each verdict remembered per exact credential.

/** Verdicts remembered; past this the oldest is forgotten (exporter-toolkit keeps 100, evicted at random). */
const REMEMBERED_VERDICTS = 1024;
// bcrypt reads at most 72 bytes of a password (Go's x/crypto and htpasswd ignore the rest); Bun.password
// pre-hashes longer ones with SHA-512 instead, so the same password would not match a Go-made hash.
const BCRYPT_PASSWORD_BYTES = 72;
const BASIC = /^basic /i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decides whether an `Authorization` header names a user of the config with their password. A verdict is
 * computed once per (user, hash, password) and then looked up, so a scrape storm costs one bcrypt, not one
 * per request. The key is a SHA-256 of the three exactly — never of the user alone, the flaw of
 * CVE-2022-46146 — so a wrong password is never answered from a right one's entry, and a changed hash in a
 * re-read config misses the old entries. bcrypt runs one at a time, off the event loop, as exporter-toolkit
 * serialises it: a flood of new passwords queues instead of taking every core.
 */
export class BasicAuth {
  readonly #verdicts = new Map<string, Promise<boolean>>();
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * The user whose valid credentials `authorization` carries, among `users` (user → bcrypt hash, not empty);
   * undefined for none.
   */
  async authenticate(authorization: string | null, users: ReadonlyMap<string, string>): Promise<string | undefined> {
    const credentials = authorization === null ? undefined : parseBasic(authorization);
    if (credentials === undefined) return undefined;
    const hash = users.get(credentials.user);
    // An unknown user is checked against a real user's hash and refused whatever bcrypt says: answering
    // costs the same as for a known user with a wrong password, so timing does not tell which users exist.
    const checkedHash = hash ?? users.values().next().value!;
    const key = verdictKey(credentials.user, checkedHash, credentials.password);
    let verdict = this.#verdicts.get(key);
    if (verdict === undefined) {
      verdict = this.#verify(credentials.password, checkedHash);
      if (this.#verdicts.size >= REMEMBERED_VERDICTS) this.#verdicts.delete(this.#verdicts.keys().next().value!);
      this.#verdicts.set(key, verdict);
    }
    return hash !== undefined && (await verdict) ? credentials.user : undefined;
  }

  #verify(password: Uint8Array, hash: string): Promise<boolean> {
    const verdict = this.#queue.then(() => Bun.password.verify(password.subarray(0, BCRYPT_PASSWORD_BYTES), hash, 'bcrypt'));
    // Hashes were checked at start; a verify that still throws is a refusal, and must not stop the queue.
    const settled = verdict.catch(() => false);
    this.#queue = settled;
    return settled;
  }
}

/** Go's Request.BasicAuth: `Basic ` (any case), padded base64, then user and password split at the first `:`. */
function parseBasic(header: string): { user: string; password: Uint8Array } | undefined {
  if (!BASIC.test(header)) return undefined;
  const encoded = header.slice(6);
  if (!BASE64.test(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  const colon = bytes.indexOf(0x3a);
  if (colon < 0) return undefined;
  let user: string;
  try {
    // Config user names are text; bytes that are not UTF-8 can name none of them.
    user = utf8.decode(bytes.subarray(0, colon));
  } catch {
    return undefined;
  }
  return { user, password: bytes.subarray(colon + 1) };
}

/** SHA-256 of user, hash and password, each length-prefixed so no two triples share a key. */
function verdictKey(user: string, hash: string, password: Uint8Array): string {
  const hasher = new Bun.CryptoHasher('sha256');
  for (const part of [Buffer.from(user), Buffer.from(hash), password]) hasher.update(`${part.length}:`).update(part);
  return hasher.digest('hex');
}
