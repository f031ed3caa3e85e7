// GET /metrics: the exposition of the gateway's own metrics and every group, in the negotiated format, optionally gzipped.
import type { Logger } from '../log.ts';
import { renderExposition } from '../render/exposition.ts';
import { renderGzipExposition } from '../render/gzip-exposition.ts';
import { groupsAsShown } from '../render/escaped-groups.ts';
import { SCRAPE_CONTENT_TYPES, negotiateCoding, negotiateScrape, scrapeContentType } from '../render/negotiate.ts';
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
 *
 * With `utf8Names` (`--push.enable-utf8-names`) names that are not legacy-valid are shown in the escaping
 * the Accept header asks for, and the Content-Type says which (SPEC §6.3); without it, groups that hold
 * such names (restored from a file written with the flag) show them as `underscores` escapes, under 1.5.1's
 * headers. A store without them is sent as stored, at no cost per group.
 */
export function handleScrape(req: Request, store: Store, metrics: SelfMetrics, log: Logger, utf8Names = false): Response {
  const problem = store.inconsistency();
  if (problem !== undefined) {
    log.error('error gathering metrics', { err: problem });
    return textError(500, `An error has occurred while serving metrics:\n\n${problem}`);
  }
  const negotiation = negotiateScrape(req.headers.get('accept'));
  const format = negotiation.format;
  const escaping = utf8Names ? negotiation.escaping : 'underscores';
  const gzip = negotiateCoding(req.headers.get('accept-encoding')) === 'gzip';
  const groups = groupsAsShown(store.groups(), store.utf8Groups, escaping);
  const nowMs = Date.now();
  const own = metrics.families(nowMs);
  const headers: Record<string, string> = { 'Content-Type': utf8Names ? scrapeContentType(negotiation) : SCRAPE_CONTENT_TYPES[format] };
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
