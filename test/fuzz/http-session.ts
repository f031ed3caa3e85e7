// Fuzz inputs sent over real HTTP to one gateway, each checked: still alive, an allowed status, and a refusal changes nothing.
import { scrapePushedBytes } from '../helpers/http.ts';
import { showBytes } from '../helpers/fuzz-mutations.ts';
import { type RawRequest, rawRequest } from '../helpers/raw-http.ts';
import type { Gateway } from '../helpers/start-server.ts';

/** One fuzz request and the statuses its kind of input may get. */
export interface FuzzRequest extends RawRequest {
  /** Names the kind of input in figures and failure messages, e.g. `text body`. */
  readonly kind: string;
  readonly allowed: readonly number[];
  /** A DELETE target that removes what a 2xx stored, keeping the store (and each scrape) small. */
  readonly cleanup?: string;
}

/** A group every fuzz session starts with, so that fuzz pushes can clash with stored families and types. */
const BASELINE = {
  target: '/metrics/job/fz_base',
  body: '# TYPE fz_c counter\nfz_c{a="1"} 3\n# TYPE fz_g gauge\nfz_g 1\n# TYPE fz_h histogram\nfz_h_bucket{le="+Inf"} 1\nfz_h_sum 1\nfz_h_count 1\nfz_plain 1\n',
};
/** A push that must keep succeeding whatever the fuzz did to the store (SPEC §5.7: no poisoning). */
const CANARY = { target: '/metrics/job/fz_canary', body: 'fz_canary 1\n' };
const CANARY_EVERY = 25;
/** Above this many bytes of pushed scrape, a 2xx is always cleaned up: scrapes stay cheap. */
const CLEANUP_ABOVE_BYTES = 64 * 1024;

const utf8 = new TextEncoder();

/**
 * Sends fuzz requests one at a time to `gw` and checks each. Holds the scrape (pushed families, text) as it
 * was before the request; after a non-2xx answer the scrape must be byte-identical to it except where
 * SPEC §3.1 lets a refused push record its failure time (see `refusalDiff`).
 */
export class HttpFuzzSession {
  readonly #gw: Gateway;
  #before = '';
  #sent = 0;
  /** Body bytes of the last answer (error answers must stay small: issue #11 item 2). */
  lastBodyBytes = 0;
  /** Answers per kind of input and status, e.g. `text body` → `400` → 812. */
  readonly statuses = new Map<string, Map<number, number>>();

  constructor(gw: Gateway) {
    this.#gw = gw;
  }

  /** Pushes the baseline group and takes the first scrape. */
  async start(): Promise<void> {
    const reply = await rawRequest(this.#gw, { method: 'PUT', target: BASELINE.target, body: utf8.encode(BASELINE.body) });
    if (reply.status !== 200) throw new Error(`baseline push answered ${reply.status}: ${reply.head}`);
    this.#before = await this.#scrape();
  }

  /**
   * Sends `request` and returns the promises it broke (empty when all held): an answer at all; a status
   * in `allowed` and never 5xx; `/-/healthy` still 200; after a non-2xx, a scrape unchanged but for the
   * failure time; after a 2xx, a scrape that still answers 200; and every CANARY_EVERY requests, a
   * normal push to another group still 200.
   */
  async check(request: FuzzRequest): Promise<string[]> {
    const problems: string[] = [];
    const reply = await rawRequest(this.#gw, request);
    this.#count(request.kind, reply.status);
    this.lastBodyBytes = reply.bodyBytes;
    if (reply.status === 0) problems.push('no answer: the connection closed (or timed out) before a status line');
    else if (!request.allowed.includes(reply.status)) problems.push(`status ${reply.status} not in ${request.allowed.join('/')}: ${reply.head.split('\r\n')[0]}`);
    const health = await fetch(`${this.#gw.url}/-/healthy`, { signal: AbortSignal.timeout(15_000) }).catch((error: unknown) => error);
    if (!(health instanceof Response) || health.status !== 200) problems.push(`/-/healthy failed afterwards: ${String(health instanceof Response ? health.status : health)}`);
    let after: string;
    try {
      after = await this.#scrape();
    } catch (error) {
      problems.push(`scrape failed afterwards: ${String(error)}`);
      return problems;
    }
    const success = reply.status >= 200 && reply.status < 300;
    if (!success) {
      const diff = refusalDiff(this.#before, after);
      if (diff !== undefined) problems.push(`a ${reply.status} changed the scrape: ${diff}`);
    } else if (request.cleanup !== undefined && (after.length > CLEANUP_ABOVE_BYTES || this.#sent % 4 === 0)) {
      const removed = await rawRequest(this.#gw, { method: 'DELETE', target: request.cleanup });
      if (removed.status !== 202) problems.push(`DELETE ${request.cleanup} after the 2xx answered ${removed.status}`);
      after = await this.#scrape();
    }
    this.#before = after;
    if (++this.#sent % CANARY_EVERY === 0) {
      const canary = await rawRequest(this.#gw, { method: 'PUT', target: CANARY.target, body: utf8.encode(CANARY.body) });
      if (canary.status !== 200) problems.push(`the canary push answered ${canary.status} afterwards: the store is poisoned`);
      this.#before = await this.#scrape();
    }
    return problems;
  }

  async #scrape(): Promise<string> {
    return new TextDecoder().decode(await scrapePushedBytes(this.#gw, 'text'));
  }

  #count(kind: string, status: number): void {
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.statuses.set(kind, byStatus);
  }
}

/** A request as a failure message shows it: method, target and body with unprintable bytes escaped. */
export function showRequest(request: FuzzRequest): string {
  const target = showBytes(Buffer.from(request.target, 'latin1'), 200);
  const headers = Object.entries(request.headers ?? {}).map(([name, value]) => ` ${name}: ${value}`).join('');
  return `${request.kind}: ${request.method} ${target}${headers}\nbody: ${showBytes(request.body ?? new Uint8Array(0))}`;
}

const FAILURE_GAUGE = 'push_failure_time_seconds{';
const PUSH_GAUGE = 'push_time_seconds{';

/**
 * Why `after` is not what a refused request may leave behind, or undefined when it is. SPEC §3.1 step 5:
 * a push refused by the store sets its group's push_failure_time_seconds to now, and creates the group if
 * missing (with push_time_seconds 0). So, beside identical other lines, allowed are: one failure line
 * changed or added, and — only with an added one — one `push_time_seconds … 0` line of the same labels.
 */
export function refusalDiff(before: string, after: string): string | undefined {
  const b = splitGauges(before);
  const a = splitGauges(after);
  if (b.rest !== a.rest) return `lines other than the failure time changed:\n${firstDifference(b.rest, a.rest)}`;
  const addedFailures = missingFrom(a.failures, b.failures);
  const removedFailures = missingFrom(b.failures, a.failures);
  const addedZeros = missingFrom(a.zeroPushes, b.zeroPushes);
  if (addedFailures.length > 1 || removedFailures.length > 1 || removedFailures.length > addedFailures.length) {
    return `failure times changed beyond one group: -${removedFailures.join(' -')} +${addedFailures.join(' +')}`;
  }
  if (removedFailures.length === 1 && labelsOf(removedFailures[0]!) !== labelsOf(addedFailures[0]!)) {
    return `a failure time moved to other labels: ${removedFailures[0]} → ${addedFailures[0]}`;
  }
  if (missingFrom(b.zeroPushes, a.zeroPushes).length > 0) return 'a push_time_seconds 0 line disappeared';
  if (addedZeros.length > 0) {
    const created = addedFailures.length === 1 && removedFailures.length === 0;
    if (addedZeros.length > 1 || !created || labelsOf(addedZeros[0]!) !== labelsOf(addedFailures[0]!)) {
      return `push_time_seconds 0 appeared without a new failed group: +${addedZeros.join(' +')}`;
    }
  }
  return undefined;
}

function splitGauges(text: string): { rest: string; failures: string[]; zeroPushes: string[] } {
  const rest: string[] = [];
  const failures: string[] = [];
  const zeroPushes: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(FAILURE_GAUGE)) failures.push(line);
    else if (line.startsWith(PUSH_GAUGE) && line.endsWith(' 0')) zeroPushes.push(line);
    else rest.push(line);
  }
  return { rest: rest.join('\n'), failures, zeroPushes };
}

// The lines of `lines` that `other` lacks (as multisets).
function missingFrom(lines: readonly string[], other: readonly string[]): string[] {
  const pool = new Map<string, number>();
  for (const line of other) pool.set(line, (pool.get(line) ?? 0) + 1);
  return lines.filter((line) => {
    const left = pool.get(line) ?? 0;
    pool.set(line, left - 1);
    return left <= 0;
  });
}

function labelsOf(line: string): string {
  return line.slice(line.indexOf('{'), line.lastIndexOf('}') + 1);
}

function firstDifference(a: string, b: string): string {
  const al = a.split('\n');
  const bl = b.split('\n');
  for (let i = 0; i < Math.max(al.length, bl.length); i++) {
    if (al[i] !== bl[i]) return `line ${i + 1}: ${JSON.stringify(al[i]?.slice(0, 200))} → ${JSON.stringify(bl[i]?.slice(0, 200))}`;
  }
  return '(no line differs)';
}
