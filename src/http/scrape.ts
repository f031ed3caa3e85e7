// GET /metrics: the exposition of the gateway's own metrics and every group, in the negotiated format, optionally gzipped.
import type { Logger } from '../log.ts';
import { renderExposition } from '../render/exposition.ts';
import { renderGzipExposition } from '../render/gzip-exposition.ts';
import { SCRAPE_CONTENT_TYPES, negotiateCoding, negotiateFormat } from '../render/negotiate.ts';
import { renderGzipProtobufExposition, renderProtobufExposition } from '../render/protobuf.ts';
import { renderProtobufTextExposition } from '../render/protobuf-text.ts';
import type { Store } from '../store/store.ts';
import { partsStream } from './body-stream.ts';
import { textError } from './errors.ts';
import type { SelfMetrics } from './self-metrics.ts';

/**
 * Builds the body in the format `Accept` asks for (SPEC §6.3): text 0.0.4 from the cached per-group
 * bytes (render/exposition.ts), delimited protobuf from cached per-family bytes (render/protobuf.ts), or
 * one of the protobuf debug text forms (families held only as text are read back from their stored
 * lines). Gzip when Accept-Encoding asks for it, whatever the format. A store made inconsistent by pushes
 * with the consistency check disabled is answered with Go's 500 page instead (SPEC §6.7), and logged at error
 * as Go's promhttp does.
 */
export function handleScrape(req: Request, store: Store, metrics: SelfMetrics, log: Logger): Response {
  const problem = store.inconsistency();
  if (problem !== undefined) {
    log.error('error gathering metrics', { err: problem });
    return textError(500, `An error has occurred while serving metrics:\n\n${problem}`);
  }
  const format = negotiateFormat(req.headers.get('accept'));
  const gzip = negotiateCoding(req.headers.get('accept-encoding')) === 'gzip';
  const groups = store.groups();
  const nowMs = Date.now();
  const own = metrics.families(nowMs);
  const headers: Record<string, string> = { 'Content-Type': SCRAPE_CONTENT_TYPES[format] };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  if (format === 'text') {
    // The common scrape: gzip comes from cached deflate blocks, identity from the stored bytes themselves.
    return new Response(partsStream(gzip ? renderGzipExposition(groups, own, nowMs) : renderExposition(groups, own)), { headers });
  }
  if (format === 'protobuf-delimited') {
    const parts = gzip ? renderGzipProtobufExposition(groups, own, nowMs) : renderProtobufExposition(groups, own);
    return new Response(partsStream(parts), { headers });
  }
  // The debug text forms are rare and uncached: gzip them whole.
  const parts = renderProtobufTextExposition(groups, own, format === 'protobuf-compact-text');
  return new Response(gzip ? Bun.gzipSync(Buffer.concat(parts), { level: 1 }) : partsStream(parts), { headers });
}
