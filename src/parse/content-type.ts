// Which parser a push body gets: Go's reading of the Content-Type header (mime.ParseMediaType, SPEC §4.2).

/** The push body formats: text 0.0.4, or varint-delimited protobuf `MetricFamily` messages. */
export type BodyFormat = 'text' | 'protobuf';

const PROTOBUF_MEDIA_TYPE = 'application/vnd.google.protobuf';
const PROTOBUF_MESSAGE = 'io.prometheus.client.MetricFamily';

// RFC 2045 token characters, as Go's mime package defines them: printable ASCII except tspecials.
const TSPECIALS = '()<>@,;:\\"/[]?=';
const TOKEN = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) TOKEN[c] = TSPECIALS.includes(String.fromCharCode(c)) ? 0 : 1;

/**
 * Protobuf iff the header parses as a media type `application/vnd.google.protobuf` whose parameters
 * include `proto=io.prometheus.client.MetricFamily` and `encoding=delimited`; text otherwise, whatever
 * the header says (no header, `text/plain`, OpenMetrics, JSON, garbage). As in Go: the media type and
 * parameter names are case-insensitive, values case-sensitive and may be quoted, parameters come in any
 * order and extra ones are allowed, but a malformed or repeated parameter makes the whole header
 * unreadable, hence text.
 */
export function bodyFormatOf(contentType: string | null | undefined): BodyFormat {
  if (contentType === null || contentType === undefined) return 'text';
  // A client sends the same header on every push: remember the last answer.
  if (contentType === lastHeader) return lastFormat;
  lastFormat = parseFormat(contentType);
  lastHeader = contentType;
  return lastFormat;
}

let lastHeader: string | undefined;
let lastFormat: BodyFormat = 'text';

function parseFormat(contentType: string): BodyFormat {
  const parsed = parseMediaType(contentType);
  if (parsed === undefined || parsed.mediaType !== PROTOBUF_MEDIA_TYPE) return 'text';
  const params = parsed.params;
  return params.get('proto') === PROTOBUF_MESSAGE && params.get('encoding') === 'delimited' ? 'protobuf' : 'text';
}

/**
 * Go's `mime.ParseMediaType`: the lower-cased media type and the parameters by lower-cased name, or
 * undefined where Go returns an error. RFC 2231 continuations (`name*0=…`) are not decoded: such
 * parameters are left out, which only matters for names Go would reassemble into `proto` or `encoding`.
 */
function parseMediaType(header: string): { mediaType: string; params: Map<string, string> } | undefined {
  const semicolon = header.indexOf(';');
  const base = semicolon < 0 ? header : header.slice(0, semicolon);
  const mediaType = base.toLowerCase().trim();
  if (!isMediaType(mediaType)) return undefined;
  const params = new Map<string, string>();
  let rest = header.slice(base.length);
  for (;;) {
    rest = rest.trimStart();
    if (rest === '') break;
    const param = consumeParam(rest);
    if (param === undefined) {
      if (rest.trim() === ';') break; // a trailing semicolon is allowed
      return undefined;
    }
    if (params.has(param.name)) return undefined; // Go: "mime: duplicate parameter name"
    if (!param.name.includes('*')) params.set(param.name, param.value);
    rest = param.rest;
  }
  return { mediaType, params };
}

// `type/subtype` (or a lone token) made of token characters.
function isMediaType(text: string): boolean {
  const type = tokenEnd(text, 0);
  if (type === 0) return false;
  if (type === text.length) return true;
  if (text[type] !== '/') return false;
  const subtype = tokenEnd(text, type + 1);
  return subtype > type + 1 && subtype === text.length;
}

// `; name = value` at the start of `text` (leading blanks already trimmed).
function consumeParam(text: string): { name: string; value: string; rest: string } | undefined {
  if (text[0] !== ';') return undefined;
  let rest = text.slice(1).trimStart();
  const nameEnd = tokenEnd(rest, 0);
  if (nameEnd === 0) return undefined;
  const name = rest.slice(0, nameEnd).toLowerCase();
  rest = rest.slice(nameEnd).trimStart();
  if (rest[0] !== '=') return undefined;
  rest = rest.slice(1).trimStart();
  const value = consumeValue(rest);
  if (value === undefined) return undefined;
  return { name, value: value.value, rest: value.rest };
}

// A token, or a quoted string in which a backslash escapes only a tspecial (Go keeps other backslashes).
function consumeValue(text: string): { value: string; rest: string } | undefined {
  if (text[0] !== '"') {
    const end = tokenEnd(text, 0);
    return end === 0 ? undefined : { value: text.slice(0, end), rest: text.slice(end) };
  }
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"') return { value, rest: text.slice(i + 1) };
    if (char === '\\' && i + 1 < text.length && TSPECIALS.includes(text[i + 1]!)) {
      value += text[++i];
      continue;
    }
    if (char === '\r' || char === '\n') return undefined;
    value += char;
  }
  return undefined; // no closing quote
}

function tokenEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code >= 128 || TOKEN[code] === 0) break;
    i++;
  }
  return i;
}
