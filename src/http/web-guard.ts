// What the web config puts in front of every endpoint: rate limit, configured headers, basic auth (SPEC §10).
import type { WatchedWebConfig } from '../web-config/watch.ts';
import { BasicAuth } from './basic-auth.ts';
import { textError } from './errors.ts';
import { tokenBucket } from './token-bucket.ts';

/** A request handler that may be told the authenticated user (for scopes). */
type Handler = (req: Request, user?: string) => Promise<Response>;

/**
 * Wraps `handle` in the order exporter-toolkit's handler applies them: a broken re-read file → 500; the rate
 * limit → 429 (before the configured headers, as in Go); then the configured headers go on every answer
 * (the handler's own header of the same name wins, as Go's handlers overwrite it); then basic auth → Go's
 * 401 `Unauthorized` with `WWW-Authenticate: Basic`. Nothing is counted in the gateway's request metrics for
 * the answers given here, as in Go, whose instrumentation sits inside this wrapper.
 */
export function guardWithWebConfig(handle: Handler, watched: WatchedWebConfig): (req: Request) => Promise<Response> {
  const limit = watched.initial.rateLimit;
  const take = limit === undefined ? undefined : tokenBucket(limit);
  const auth = new BasicAuth();
  return async (req) => {
    const config = watched.current();
    if (config === undefined) return textError(500, 'Internal Server Error');
    if (take !== undefined && !take()) return textError(429, 'Too Many Requests');
    const { headers } = config.http;
    const user = config.users.size === 0 ? undefined : await auth.authenticate(req.headers.get('authorization'), config.users);
    const allowed = config.users.size === 0 || user !== undefined;
    const response = allowed ? await handle(req, user) : textError(401, 'Unauthorized', { 'WWW-Authenticate': 'Basic' });
    for (const [name, value] of headers) if (!response.headers.has(name)) response.headers.set(name, value);
    return response;
  };
}
