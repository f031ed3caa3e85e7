// GET /metrics: the exposition of the gateway's own metrics and every group, optionally gzipped.
import { negotiateCoding } from '../render/negotiate.ts';
import { renderExposition } from '../render/exposition.ts';
import type { Store } from '../store/store.ts';
import type { SelfMetrics } from './self-metrics.ts';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Builds the body from cached per-group bytes (see render/exposition.ts). Every format request gets text
 * 0.0.4 for now (SPEC §6.3); gzip when Accept-Encoding asks for it. A store made inconsistent by pushes
 * with the consistency check disabled is answered with Go's 500 page instead (SPEC §6.7).
 */
export function handleScrape(req: Request, store: Store, metrics: SelfMetrics): Response {
  const problem = store.inconsistency();
  if (problem !== undefined) {
    return new Response(`An error has occurred while serving metrics:\n\n${problem}\n`, {
      status: 500,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
    });
  }
  const parts = renderExposition(store.groups(), metrics.families(Date.now()));
  const headers: Record<string, string> = { 'Content-Type': TEXT_CONTENT_TYPE };
  if (negotiateCoding(req.headers.get('accept-encoding')) === 'gzip') {
    headers['Content-Encoding'] = 'gzip';
    return new Response(Bun.gzipSync(Buffer.concat(parts), { level: 1 }), { headers });
  }
  return new Response(new Blob(parts), { headers });
}
