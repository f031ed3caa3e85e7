// Seeded fuzz requests for the HTTP suite: hostile bodies to fixed groups, and odd grouping paths with a plain body.
import { gzipSync } from 'node:zlib';
import { type BodyFormat, type Random, below, hostileBody, mutate, pick } from '../helpers/fuzz-mutations.ts';
import { PROTOBUF_CONTENT_TYPE, snappyFramed } from '../helpers/metrics-proto.ts';
import type { FuzzRequest } from './http-session.ts';

/** The `--push.max-body-bytes` the fuzzed gateway runs with: small, so that 413 is cheap to reach. */
export const FUZZ_MAX_BODY = '2MiB';
const MAX_BODY_BYTES = 2 * 2 ** 20;

/** Groups the body fuzz pushes to: plain, with an instance, and with a base64 job (`fz_b`). */
const BODY_TARGETS = ['/metrics/job/fz', '/metrics/job/fz/instance/i1', '/metrics/job@base64/ZnpfYg'];
/** Any body may be refused (400), be too large (413) or be stored (200; 202 only without the consistency check). */
const BODY_ALLOWED = [200, 400, 413];

/**
 * A push of a hostile body (hostileBody) in text or protobuf, one time in five gzipped or snappy-framed
 * (and then one time in three with the compressed bytes mutated too), one time in 200 larger than
 * FUZZ_MAX_BODY.
 */
export function bodyRequest(random: Random, extremeRate: number): FuzzRequest {
  const format: BodyFormat = random() < 0.6 ? 'text' : 'protobuf';
  let body = hostileBody(random, format, extremeRate);
  const headers: Record<string, string> = format === 'protobuf' ? { 'Content-Type': PROTOBUF_CONTENT_TYPE } : {};
  let kind = `${format} body`;
  if (random() < 0.005) {
    body = new Uint8Array(MAX_BODY_BYTES + 1 + below(random, 1000)).fill(0x31);
    kind = 'oversized body';
  } else if (random() < 0.2) {
    // Both codings a push may carry (SPEC §4.1): gzip, and snappy's framing format (newest Go).
    const coding = random() < 0.6 ? 'gzip' : 'snappy';
    body = coding === 'gzip' ? gzipSync(body) : snappyFramed(body, { uncompressed: random() < 0.3 });
    if (random() < 1 / 3) body = mutate(random, body, 'protobuf');
    headers['Content-Encoding'] = coding;
    kind = `${coding} ${format} body`;
  }
  const target = pick(random, BODY_TARGETS);
  return { kind, method: random() < 0.5 ? 'PUT' : 'POST', target, body, headers, allowed: BODY_ALLOWED, cleanup: target };
}

/** Job values for `/metrics/job/<job>`: escapes (`%2F` splits, `%00` is a NUL), dots, a bad escape. */
const JOBS = ['fz_p', 'a+b', 'x%20y', '%C3%A9', '%2F', 'a%2Fb', '%00', '.', '..', '%zz', '%', '%2e%2e', 'U__a_2e_b', '=', '%3D'];
/** Base64 job values (SPEC §2.4): padding rules, the empty job, bad alphabets, a decode to invalid UTF-8. */
const BASE64_VALUES = ['=', '==', '', 'YQ', 'YQ=', 'YQ==', 'YQ===', 'a', 'ab', '!!!', 'YQ=YQ', '_-8', 'L3Zhci90bXA', 'dGVzdC9qb2I+', 'YW%0AJj', '%3D', 'Zg%3D%3D', '8J-YgA'];
/** Label names: valid, reserved, invalid, the base64 suffix once and twice, escaped. */
const LABEL_NAMES = ['a', 'b', 'instance', 'job', 'le', 'quantile', 'a-b', '__a', '__name__', '1a', 'l@base64', 'l@base64@base64', 'U__a_2e_b', '%61', 'a%2Fb', ''];
const LABEL_VALUES = ['v', '', '%2F', '%20', '%00', '%FF', '%C3%A9', '%ED%A0%80', '+', '%zz', '..', '.', '%0A', '%0D', '%22', '%5C'];
/** Long label values: the request line stays under Bun's ~16 KiB bound with the first, passes it with the last. */
const LONG_VALUES = [1000, 4000, 12_000, 20_000];

/**
 * Raw bytes in a path, as curl or a hand-written client might send them (README's table of differences
 * says what each gets): space, tab, NUL and other control bytes (505 from Bun's HTTP parser), DEL (read
 * as `%7F`), a raw 0xFF and a Latin-1 é, which are not UTF-8 (400), a raw backslash (read as `/`).
 */
const RAW_BYTES = [' ', '\t', '\0', '\x01', '\x7f', '\xff', '\xe9', '\\'];

/**
 * A push (or DELETE) of `fz_path 1` to a random grouping path: a job (plain or base64), up to four label
 * pairs with duplicate names, trailing slashes, odd counts, long values and raw bytes. Allowed: see
 * `allowedFor`.
 */
export function pathRequest(random: Random): FuzzRequest {
  const base64Job = random() < 0.35;
  let target = base64Job ? `/metrics/job@base64/${pick(random, BASE64_VALUES)}` : `/metrics/job/${segment(random, JOBS)}`;
  const pairs = below(random, 5);
  const names: string[] = [];
  for (let i = 0; i < pairs; i++) {
    // One pair in four repeats an earlier name: the last one wins (SPEC §2.3).
    const name = names.length > 0 && random() < 0.25 ? pick(random, names) : segment(random, LABEL_NAMES);
    names.push(name);
    target += `/${name}/${name.endsWith('@base64') && random() < 0.8 ? pick(random, BASE64_VALUES) : labelValue(random)}`;
  }
  const tail = random();
  if (tail < 0.1) target += '/';
  else if (tail < 0.2) target += `/${pick(random, LABEL_NAMES)}`;
  else if (tail < 0.25) target += '//';
  const method = pick(random, ['PUT', 'POST', 'DELETE']);
  return {
    kind: 'grouping path',
    method,
    target,
    body: new TextEncoder().encode('fz_path 1\n'),
    allowed: allowedFor(target, method === 'DELETE' ? 202 : 200),
    cleanup: method === 'DELETE' ? undefined : target,
  };
}

/** Bun's bound on the request line and headers, in chars of the target with rawRequest's few headers (measured ~16 300). */
const LINE_BOUND = { surelyUnder: 16_200, surelyOver: 16_400 };

/**
 * The statuses a path may get. Normally 200 (202 for DELETE) when stored, 301 (`//`, `%2e%2e` cleaned), 307
 * (`/metrics/job/`), 400 (a bad path), 404 (no route). A raw control byte: only Bun's 505. A raw byte that is
 * not UTF-8: never stored, unless a raw `.`/`..` segment (which Bun resolves before routing) may have
 * removed it. Past Bun's line bound: only 431 (around it, either).
 */
function allowedFor(target: string, stored: number): number[] {
  const normal = [stored, 301, 307, 400, 404];
  let allowed = normal;
  if (/[\x00-\x1f ]/.test(target)) allowed = [505];
  else if (/[\x80-\xff]/.test(target) && !/\/\.\.?(\/|$)/.test(target)) allowed = [301, 307, 400, 404];
  if (target.length > LINE_BOUND.surelyOver) return [431, ...(allowed.includes(505) ? [505] : [])];
  return target.length > LINE_BOUND.surelyUnder ? [...allowed, 431] : allowed;
}

function labelValue(random: Random): string {
  if (random() < 0.04) return 'x'.repeat(pick(random, LONG_VALUES));
  return segment(random, LABEL_VALUES);
}

// One of `choices`, one time in twelve with a raw byte inserted.
function segment(random: Random, choices: readonly string[]): string {
  const chosen = pick(random, choices);
  if (random() >= 1 / 12) return chosen;
  const at = below(random, chosen.length + 1);
  return chosen.slice(0, at) + pick(random, RAW_BYTES) + chosen.slice(at);
}
