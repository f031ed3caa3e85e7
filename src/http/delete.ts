// DELETE /metrics/job/…: drops exactly that group, before answering 202.
import type { Logger } from '../log.ts';
import { checkGzipHeader } from '../parse/body.ts';
import type { Writer } from '../store/writer.ts';
import { readExpireAfter } from './expire-after.ts';
import { requestError, textError } from './errors.ts';
import { parseGroupingPath } from './grouping-path.ts';
import type { GroupingRoute } from './routes.ts';

/**
 * Go queues the delete and answers at once, so a scrape right after may still show the group; ours is
 * applied before the 202 goes out ([Rec] of SPEC §3.1), and with the journal on it is durable then too.
 * Deleting a group that does not exist is a no-op. A bad grouping path is logged at debug, as Go does.
 * `utf8Names` is `--push.enable-utf8-names`: label names of the path as a push reads them. A
 * Pushgateway-Expire-After header is checked as on a push (a malformed one is refused, deleting nothing),
 * not against --metrics.max-ttl, and has nothing more to do: the group goes now. Clients that send one
 * header with every request (client_golang's Pusher.Header) can delete with it.
 */
export async function handleDelete(req: Request, route: GroupingRoute, writer: Writer, log: Logger, utf8Names: boolean): Promise<Response> {
  const grouping = parseGroupingPath(route.job, route.jobIsBase64, route.labelPath, utf8Names);
  if (!grouping.ok) {
    log.debug('failed to parse URL', { method: req.method, job: route.job, url: route.labelPath, err: grouping.error });
    return textError(400, grouping.error);
  }
  const expireAfter = readExpireAfter(req.headers, 0);
  if (!expireAfter.ok) return textError(400, expireAfter.error);
  try {
    await checkGzipHeader(req.body, req.headers.get('content-encoding'));
  } catch (error) {
    return requestError(error);
  }
  const outcome = await writer.write({ kind: 'group', request: { labels: grouping.labels, replace: false, timeMs: Date.now() } });
  return outcome.kind === 'unavailable' ? textError(503, outcome.reason) : new Response(null, { status: 202 });
}
