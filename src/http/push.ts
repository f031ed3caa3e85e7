// PUT and POST /metrics/job/…: path → grouping labels, body → families, the writer → status.
import type { Logger } from '../log.ts';
import type { Labels } from '../model/metric.ts';
import { type BodyOptions, encodeTextBody, parseBody } from '../parse/body.ts';
import { ParseError } from '../parse/parse-error.ts';
import { BODY_TIMEOUT_FLAG, LARGE_BODIES_FLAG, LIMIT_FLAGS, type PushLimits } from '../model/push-limits.ts';
import { QUOTA_FLAGS, jobOf } from '../model/quotas.ts';
import { PushLimitError, bodyTooLarge } from '../parse/push-limit-error.ts';
import { parseText } from '../parse/text-parser.ts';
import type { WriteRequest } from '../store/store.ts';
import type { Writer } from '../store/writer.ts';
import { BodyTimeoutError, type LargeBodyGate, withinBodyTimeout } from './body-bounds.ts';
import { MAX_TTL_FLAG, readExpireAfter } from './expire-after.ts';
import { requestError, textError } from './errors.ts';
import { type GroupingRoute, hostStart } from './routes.ts';
import { parseGroupingPath } from './grouping-path.ts';
import { type JobRateLimit, tooManyPushes } from './job-rate-limit.ts';
import type { SelfMetrics } from './self-metrics.ts';

export interface PushDeps {
  /** Where the push is decided and made (this store, with the journal, or Redis for replicas). */
  readonly writer: Writer;
  readonly metrics: SelfMetrics;
  readonly checkConsistency: boolean;
  /** `--push.enable-utf8-names`: UTF-8 label names in the path and metric and label names in the body. */
  readonly utf8Names: boolean;
  /** What one push may hold (`--push.max-…`, SPEC D5). */
  readonly limits: PushLimits;
  /** `--metrics.max-ttl`: the longest TTL a pusher may choose with Pushgateway-Expire-After; 0 = no bound. */
  readonly maxTtlMs: number;
  /** `--push.max-pushes-per-second-per-job`, when set. The size quotas are the store's. */
  readonly jobRates: JobRateLimit | undefined;
  /** Large bodies (over 64 KiB, compressed, or of unknown length) read at once, at most its `max` (SPEC D5). */
  readonly largeBodies: LargeBodyGate;
  /** How long a body may take to arrive (`--push.body-timeout`). */
  readonly bodyTimeoutMs: number;
  /** Told the declared size of every body read (see youngCollector). */
  readonly pushed: (bodyBytes: number) => void;
  /** Refused pushes at debug (the client's mistake), inconsistent ones at error (a clash in the store), as Go. */
  readonly log: Logger;
}

/**
 * Parses the whole body before touching the store, so a bad body changes nothing (not even the failure
 * time, as in Go). With the consistency check on, answers 200 or 400 with the store's verdict; with it
 * off, 202 whatever the store says (SPEC §3.1 step 6).
 */
export async function handlePush(req: Request, route: GroupingRoute, deps: PushDeps): Promise<Response> {
  const started = performance.now();
  const grouping = parseGroupingPath(route.job, route.jobIsBase64, route.labelPath, deps.utf8Names);
  if (!grouping.ok) {
    deps.log.debug('failed to parse URL', { method: req.method, job: route.job, url: route.labelPath, err: grouping.error });
    return textError(400, grouping.error);
  }
  // Before the body is read: a bad header changes nothing, not even the group's failure time.
  const expireAfter = readExpireAfter(req.headers, deps.maxTtlMs);
  if (!expireAfter.ok) {
    if (expireAfter.pastBound) deps.metrics.countRejected(MAX_TTL_FLAG);
    deps.log.debug('push refused', { method: req.method, grouping: labelsRecord(grouping.labels), err: expireAfter.error });
    return textError(400, expireAfter.error);
  }
  // Before the body is read: a job flooding the gateway is refused for the price of its headers.
  const jobRates = deps.jobRates;
  if (jobRates !== undefined) {
    const job = jobOf(grouping.labels);
    const wait = jobRates.take(job);
    if (wait > 0) {
      deps.metrics.countRejected(QUOTA_FLAGS.maxPushesPerSecondPerJob);
      return tooManyPushes(job, wait, jobRates);
    }
  }
  // NaN when undeclared (chunked): then neither refused up front nor read whole.
  const declared = Number(req.headers.get('content-length') ?? NaN);
  // A declared length past the limit is refused before reading; compressed bodies are counted as they inflate.
  if (declared > deps.limits.maxBodyBytes) {
    deps.metrics.countRejected(LIMIT_FLAGS.maxBodyBytes);
    return requestError(bodyTooLarge(deps.limits.maxBodyBytes));
  }
  const options = {
    contentType: req.headers.get('content-type'),
    contentEncoding: req.headers.get('content-encoding'),
    limits: deps.limits,
    utf8Names: deps.utf8Names,
  };
  // A small uncompressed body costs at most its 64 KiB; any other may stream or inflate up to the limits,
  // so it needs a place at the gate.
  const large = !(declared <= SMALL_BODY_BYTES) || options.contentEncoding !== null;
  if (large && !deps.largeBodies.enter()) {
    deps.metrics.countRejected(LARGE_BODIES_FLAG);
    return tooManyLargeBodies(deps.largeBodies.max);
  }
  let write: Pick<WriteRequest, 'families' | 'encoded'>;
  try {
    write = await withinBodyTimeout(readWrite(req, declared, options, grouping.labels), deps.bodyTimeoutMs);
  } catch (error) {
    const refusal = requestError(error);
    if (error instanceof PushLimitError) deps.metrics.countRejected(LIMIT_FLAGS[error.limit]);
    else if (error instanceof BodyTimeoutError) deps.metrics.countRejected(BODY_TIMEOUT_FLAG);
    // Go's words for a body that does not parse (whatever its format); ours for one past a limit or too slow.
    // Checked first so that with debug off (the default) a refusal builds nothing for the log.
    if (deps.log.enabled('debug')) {
      const msg = error instanceof ParseError ? 'failed to parse text' : 'push body refused';
      deps.log.debug(msg, { method: req.method, grouping: labelsRecord(grouping.labels), status: refusal.status, err: (error as Error).message });
    }
    return refusal;
  } finally {
    if (large) deps.largeBodies.leave();
  }
  if (declared > 0) deps.pushed(declared);
  const timeMs = Date.now();
  const request = { ...write, labels: grouping.labels, replace: req.method === 'PUT', timeMs, expireAfterMs: expireAfter.ms };
  const outcome = await deps.writer.write({ kind: 'group', request });
  // Nothing was applied that the client could rely on: the journal or Redis could not take it.
  if (outcome.kind === 'unavailable') return textError(503, outcome.reason);
  const result = outcome.decision.result;
  // Over a size quota nothing changed, whether the consistency check is on or off.
  if (!result.ok && result.quota !== undefined) {
    deps.metrics.countRejected(QUOTA_FLAGS[result.quota]);
    deps.log.debug('push refused by a quota', { method: req.method, grouping: labelsRecord(grouping.labels), err: result.error });
    return textError(413, result.error);
  }
  deps.metrics.observePush(req.method, (performance.now() - started) / 1000, approximateRequestSize(req, declared), timeMs);
  if (!deps.checkConsistency) return new Response(null, { status: 202 });
  if (result.ok) return new Response(null, { status: 200 });
  deps.log.error('pushed metrics are invalid or inconsistent with existing metrics', { method: req.method, grouping: labelsRecord(grouping.labels), err: result.error });
  return textError(400, result.error);
}

/** Flat label pairs as a name → value object, which the log writes as one JSON value. */
export function labelsRecord(labels: Labels): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i < labels.length; i += 2) record[labels[i]!] = labels[i + 1]!;
  return record;
}

// The body as the store takes it: in stored form when the text fast path can (see encodeTextBody), else parsed.
async function readWrite(req: Request, declared: number, options: BodyOptions, grouping: Labels): Promise<Pick<WriteRequest, 'families' | 'encoded'>> {
  const body = declared <= SMALL_BODY_BYTES ? await bodyBytes(req) : req.body;
  const encoded = body instanceof Uint8Array ? encodeTextBody(body, options, grouping) : undefined;
  return encoded !== undefined
    ? { encoded: { families: encoded, structured: () => parseText(body as Uint8Array, options.limits, options.utf8Names) } }
    : { families: await parseBody(body, options) };
}

// The body is left unread, so the connection cannot carry another request.
function tooManyLargeBodies(max: number): Response {
  const headers = { 'Retry-After': '1', Connection: 'close' };
  return textError(429, `too many large push bodies being read at once: the limit is ${max} (--${LARGE_BODIES_FLAG})`, headers);
}

// Bodies up to this size are read whole: Bun has them in hand when the handler runs, and its stream
// machinery costs more per push than parsing them (measured ~15 µs of a ~100 µs push). Larger or
// undeclared bodies stream chunk by chunk into the parser.
const SMALL_BODY_BYTES = 64 * 1024;

async function bodyBytes(req: Request): Promise<Uint8Array> {
  try {
    return await req.bytes();
  } catch {
    // The client went away before the body was complete: nothing is applied.
    throw ParseError.withoutLine('unexpected EOF');
  }
}

// client_golang's computeApproximateRequestSize: URL, method, protocol, header names and values, host
// and the declared body length.
function approximateRequestSize(req: Request, declared: number): number {
  // The request URL is absolute (`http://host/path?query`, or only the path without a Host): host and
  // path+query are its parts after the scheme.
  const url = req.url;
  let size = url.length - hostStart(url) + req.method.length + 'HTTP/1.1'.length;
  for (const [name, value] of req.headers) if (name !== 'host') size += name.length + value.length;
  return Number.isFinite(declared) ? size + declared : size;
}
