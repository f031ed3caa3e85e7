// How the web UI writes values, times and a group's identity: Go's UI notation where there is one.
import type { Labels } from '../model/metric.ts';
import { escapeName } from '../model/name-escaping.ts';

/**
 * A sample value as Go's UI prints it (`strconv.FormatFloat(v, 'f', -1, 64)`): the shortest digits that
 * read back as `v`, never in exponent form (`0.00001`, `1000000000000000000000`), and `NaN`, `+Inf`,
 * `-Inf`, `-0`. JavaScript's toString gives the same digits but switches to exponent form below 1e-6 and
 * from 1e21; there the decimal point is moved instead.
 */
export function formatValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const text = String(v);
  const e = text.indexOf('e');
  if (e < 0) return text;
  // Exponent form is `d[.ddd]e±n`: one digit before the point.
  const sign = v < 0 ? '-' : '';
  const digits = text.slice(sign.length, e).replace('.', '');
  const point = 1 + Number(text.slice(e + 1));
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Unix milliseconds as RFC 3339 in UTC to the second, as Go's UI shows "last pushed" (`2026-12-06T22:46:18Z`). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

/** How long ago `ms` was at `nowMs`, in the largest whole unit: `12 s ago`, `3 m ago`, `5 h ago`, `2 d ago`. */
export function formatAge(ms: number, nowMs: number): string {
  return `${formatSpan(nowMs - ms)} ago`;
}

/** When a group expires (`ms`), seen at `nowMs`: `expires in 5 m`, or `expired` once past (issue #14). */
export function formatExpiry(ms: number, nowMs: number): string {
  return ms > nowMs ? `expires in ${formatSpan(ms - nowMs)}` : 'expired';
}

/** A span of `ms` in its largest whole unit: `12 s`, `3 m`, `5 h`, `2 d`; less than none is `0 s`. */
function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

/**
 * A group's grouping labels as the path after `metrics/` that deletes it, in Go's UI scheme (SPEC §7.5):
 * `job@base64/<job>` then `<name>@base64/<value>=` for every other label, values UTF-8 in unpadded URL-safe
 * base64 with one `=` appended so that an empty value still makes a segment. The page also names groups
 * by it when it asks for a group's body or filters. Labels must be sorted pairs with `job` among them. A
 * name that is not legacy (`--push.enable-utf8-names`) goes `U__`-escaped, as the URL takes it (SPEC §2.3).
 */
export function groupPath(labels: Labels): string {
  let job = '';
  let rest = '';
  for (let i = 0; i < labels.length; i += 2) {
    const value = Buffer.from(labels[i + 1]!).toString('base64url');
    if (labels[i] === 'job') job = `job@base64/${value}`;
    else rest += `/${escapeName(labels[i]!, 'values')}@base64/${value}=`;
  }
  return job + rest;
}
