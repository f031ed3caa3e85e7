// /metrics/job/<job>{/<label>/<value>} (and the @base64 forms) → grouping labels, or Go's message for what is wrong.
import { sortLabels } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';
import { unescapeValuesName } from '../model/name-escaping.ts';
import { isReservedLabelName, isValidLabelName, isValidUtf8Name } from '../model/names.ts';
import { quoteBytes } from '../parse/go-quote.ts';
import { decodeBase64 } from './base64.ts';

const BASE64_SUFFIX = '@base64';
/** U+FFFD, the replacement character, as UTF-8 bytes held one char per byte. */
const REPLACEMENT = '\xef\xbf\xbd';
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type GroupingResult = { ok: true; labels: Labels } | { ok: false; error: string };

/**
 * Decodes the job segment and the label path of a push or delete URL, in Go's order (SPEC §2.2–2.4).
 * Inputs are percent-decoded already and hold one char per byte (latin1), so bytes that are not UTF-8
 * can be reported as Go reports them. Unlike Go, a job or value that is not valid UTF-8 is refused here:
 * Go stores it and then fails every later push and scrape (SPEC §5.7). So is a U+FFFD in a job or
 * value not sent in base64: Bun's URL parser puts it in place of raw path bytes that are not UTF-8
 * (`\xff`, which Go refuses), so every such path would land in one group (issue 11, finding 4; README).
 * With `utf8Names` (`--push.enable-utf8-names`) a label name may be any valid UTF-8 and one starting
 * `U__` is un-escaped first (SPEC §2.3). Returns labels sorted by name.
 */
export function parseGroupingPath(jobSegment: string, jobIsBase64: boolean, labelPath: string, utf8Names: boolean): GroupingResult {
  let job = jobSegment;
  if (jobIsBase64) {
    const decoded = decodeBase64(jobSegment);
    if (!decoded.ok) {
      return fail(`invalid base64 encoding in job name ${quoteLatin1(bytesToLatin1(decoded.partial))}: illegal base64 data at input byte ${decoded.offset}`);
    }
    job = bytesToLatin1(decoded.bytes);
  } else if (job.includes(REPLACEMENT)) {
    return replacementFailure('job', job);
  }
  const pairs = new Map<string, string>();
  if (labelPath !== '' && labelPath !== '/') {
    const components = labelPath.slice(1).split('/');
    if (components.length % 2 !== 0) return fail(`odd number of components in label string ${quoteLatin1(labelPath)}`);
    for (let i = 0; i < components.length; i += 2) {
      const name = components[i]!;
      const value = components[i + 1]!;
      const trimmed = name.endsWith(BASE64_SUFFIX) ? name.slice(0, -BASE64_SUFFIX.length) : name;
      const labelName = utf8Names ? utf8LabelName(trimmed) : isValidLabelName(trimmed) ? trimmed : undefined;
      if (labelName === undefined || isReservedLabelName(trimmed)) return fail(`improper label name ${quoteLatin1(trimmed)}`);
      if (trimmed === name) {
        if (value.includes(REPLACEMENT)) return replacementFailure(labelName, value);
        pairs.set(labelName, value);
        continue;
      }
      const decoded = decodeBase64(value);
      if (!decoded.ok) {
        return fail(`invalid base64 encoding for label ${labelName}=${quoteLatin1(value)}: illegal base64 data at input byte ${decoded.offset}`);
      }
      pairs.set(labelName, bytesToLatin1(decoded.bytes));
    }
  }
  if (job === '') return fail('job name is required');
  pairs.set('job', job);

  const labels: Labels = [];
  for (const [name, raw] of pairs) {
    const value = latin1ToUtf8(raw);
    if (value === undefined) return fail(`label value ${quoteLatin1(raw)} for label ${name} is not valid UTF-8`);
    labels.push(name, value);
  }
  return { ok: true, labels: sortLabels(labels) };
}

// A label name of the path under --push.enable-utf8-names: its bytes as UTF-8, `U__` un-escaped; undefined
// when that is empty or not valid UTF-8. A malformed escape leaves the name as sent, as in Go.
function utf8LabelName(latin1: string): string | undefined {
  const text = latin1ToUtf8(latin1);
  if (text === undefined) return undefined;
  const name = unescapeValuesName(text);
  return isValidUtf8Name(name) ? name : undefined;
}

function fail(error: string): GroupingResult {
  return { ok: false, error };
}

function replacementFailure(name: string, value: string): GroupingResult {
  return fail(
    `label value ${quoteLatin1(value)} for label ${name} contains U+FFFD, which stands for path bytes that are not valid UTF-8; ` +
      'send the character itself in @base64',
  );
}

/** The bytes of a latin1 string as UTF-8 text, or undefined when they are not valid UTF-8. */
function latin1ToUtf8(s: string): string | undefined {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) if (s.charCodeAt(i) > 0x7f) ascii = false;
  if (ascii) return s;
  try {
    return utf8.decode(latin1ToBytes(s));
  } catch {
    return undefined;
  }
}

function latin1ToBytes(s: string): Uint8Array {
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

function bytesToLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** Go's %q of a byte string held one char per byte. */
function quoteLatin1(s: string): string {
  const bytes = latin1ToBytes(s);
  return quoteBytes(bytes, 0, bytes.length);
}
