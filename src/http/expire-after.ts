// The Pushgateway-Expire-After request header: the TTL a pusher chooses for its group (issue #14).
import { FlagError, formatGoDuration, parseGoDuration } from '../flags.ts';

/** The header's name, as answers and the README spell it (header names are matched in any case). */
export const EXPIRE_AFTER_HEADER = 'Pushgateway-Expire-After';
/** The flag that bounds it, as `pushgateway_push_rejected_total` names it. */
export const MAX_TTL_FLAG = 'metrics.max-ttl';

/**
 * The header read: absent (`ms` undefined), a TTL in ms (0 = never), or why it cannot be taken; `pastBound`
 * when the reason is `--metrics.max-ttl` (counted as a refusal by that flag).
 */
export type ExpireAfter =
  | { readonly ok: true; readonly ms: number | undefined }
  | { readonly ok: false; readonly error: string; readonly pastBound: boolean };

const ABSENT: ExpireAfter = { ok: true, ms: undefined };

/**
 * The request's Pushgateway-Expire-After: a Go duration (`15m`, `1h30m`, `0` = never), 0 or more, and at
 * most `maxTtlMs` (`--metrics.max-ttl`; 0 = no bound), which `0` exceeds. A value past the bound is refused,
 * not cut down to it: a pusher told its group lives 2h must not find it gone after one. The error names
 * the header and, for the bound, the flag.
 */
export function readExpireAfter(headers: Headers, maxTtlMs: number): ExpireAfter {
  const text = headers.get(EXPIRE_AFTER_HEADER);
  if (text === null) return ABSENT;
  const invalid = (reason: string, pastBound = false): ExpireAfter => ({
    ok: false,
    error: `invalid ${EXPIRE_AFTER_HEADER} header ${JSON.stringify(text)}: ${reason}`,
    pastBound,
  });
  let ms: number;
  try {
    ms = parseGoDuration(text.trim());
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    return invalid(error.message);
  }
  if (ms < 0) return invalid('a TTL must not be negative');
  if (maxTtlMs > 0 && (ms === 0 || ms > maxTtlMs)) {
    const asked = ms === 0 ? 'never to expire' : `for ${formatGoDuration(ms)}`;
    return invalid(`it asks ${asked}, but --${MAX_TTL_FLAG} allows at most ${formatGoDuration(maxTtlMs)}`, true);
  }
  return { ok: true, ms };
}
