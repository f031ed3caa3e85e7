// basic_auth_users: user → bcrypt hash, each hash checked at start as Go's bcrypt.Cost checks it.
import { WebConfigProblem, stringMapAt, type YamlMapping } from './yaml-fields.ts';

// `$2a$`, `$2b$` or `$2y$`, a two-digit cost, then 22 characters of salt and 31 of hash in bcrypt's base64.
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
// bcrypt's cost bounds (golang.org/x/crypto/bcrypt MinCost and MaxCost).
const MIN_COST = 4;
const MAX_COST = 31;

/**
 * The users of `basic_auth_users`, frozen; empty when there are none (no authentication, as in Go). Throws
 * WebConfigProblem naming the user whose hash is not a bcrypt hash: Go refuses those at start too, and
 * Bun.password would otherwise accept argon2 hashes Go cannot read.
 */
export function readBasicAuthUsers(top: YamlMapping): ReadonlyMap<string, string> {
  const users = stringMapAt(top, 'basic_auth_users', '');
  for (const [user, hash] of users) {
    const match = BCRYPT_HASH.exec(hash);
    if (match === null) {
      throw new WebConfigProblem(`basic_auth_users: the password of user ${JSON.stringify(user)} is not a bcrypt hash ($2a$, $2b$ or $2y$ and 53 characters)`);
    }
    const cost = Number(match[1]);
    if (cost < MIN_COST || cost > MAX_COST) {
      throw new WebConfigProblem(`basic_auth_users: user ${JSON.stringify(user)}: crypto/bcrypt: cost ${cost} is outside allowed range (${MIN_COST},${MAX_COST})`);
    }
  }
  return users;
}
