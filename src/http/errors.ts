// Error → Response: the one place that chooses status codes and the shape of error answers.
import { ParseError } from '../parse/parse-error.ts';
import { PushLimitError } from '../parse/push-limit-error.ts';
import { escapeHtml } from '../ui/html.ts';
import { BodyTimeoutError } from './body-bounds.ts';

const TEXT_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };

/** A plain-text answer as Go's http.Error writes it: the message plus a newline, never sniffed. */
export function textError(status: number, message: string, headers?: Record<string, string>): Response {
  return new Response(message + '\n', { status, headers: { ...TEXT_HEADERS, ...headers } });
}

/** 400 for a body or URL the gateway cannot accept, 413 past a push limit, 408 for a body too slow; anything else is a bug and rethrown. */
export function requestError(error: unknown): Response {
  if (error instanceof ParseError) return textError(400, error.message);
  if (error instanceof PushLimitError) return textError(413, error.message);
  // The body is unread: the connection cannot carry another request.
  if (error instanceof BodyTimeoutError) return textError(408, error.message, { Connection: 'close' });
  throw error;
}

export const notFound = (): Response => textError(404, '404 page not found');

export const methodNotAllowed = (allow: string): Response => textError(405, 'Method Not Allowed', { Allow: allow });

/** Answer to OPTIONS on a known path: 200, empty, the methods it takes. */
export const options = (allow: string): Response => new Response(null, { status: 200, headers: { Allow: allow } });

/** Go's redirect: 301 carries a small HTML body for GET, other methods an empty one. */
export function redirect(status: number, location: string, method: string): Response {
  const headers: Record<string, string> = { Location: location };
  if (method !== 'GET' && method !== 'HEAD') return new Response(null, { status, headers });
  headers['Content-Type'] = 'text/html; charset=utf-8';
  const text = status === 301 ? 'Moved Permanently' : 'Temporary Redirect';
  return new Response(`<a href="${escapeHtml(location)}">${text}</a>.\n\n`, { status, headers });
}
