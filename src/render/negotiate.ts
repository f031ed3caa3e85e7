// Scrape negotiation: Accept → format (as Go 1.5.1 chooses) and name escaping (as the newest Go), SPEC §6.3; Accept-Encoding → gzip, by the newest Go's rules (SPEC §6.4).
import { NAME_ESCAPINGS, type NameEscaping } from '../model/name-escaping.ts';

export type ContentCoding = 'identity' | 'gzip';

const OFFERS: readonly ContentCoding[] = ['identity', 'gzip'];

/**
 * Picks the coding with the highest q among the offers `identity` and `gzip`; `*` matches either, an
 * offer the header does not name is not chosen, a tie goes to the earlier offer (identity), q=0 refuses.
 * So `gzip` → gzip, `gzip, identity` → identity, `gzip;q=0` → identity, no header → identity.
 */
export function negotiateCoding(acceptEncoding: string | null): ContentCoding {
  if (acceptEncoding === null) return 'identity';
  const specs = parseSpecs(acceptEncoding);
  let best: ContentCoding = 'identity';
  let bestQ = 0;
  for (const offer of OFFERS) {
    for (const spec of specs) {
      if (spec.q > bestQ && (spec.value === '*' || spec.value === offer)) {
        bestQ = spec.q;
        best = offer;
      }
    }
  }
  return best;
}

function parseSpecs(header: string): { value: string; q: number }[] {
  const specs: { value: string; q: number }[] = [];
  for (const entry of header.split(',')) {
    const [value = '', ...params] = entry.split(';');
    let q = 1;
    for (const param of params) {
      const [key, raw] = param.split('=');
      if (key?.trim().toLowerCase() === 'q' && raw !== undefined) {
        const parsed = Number(raw.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    const name = value.trim().toLowerCase();
    if (name !== '') specs.push({ value: name, q });
  }
  return specs;
}

/** What a scrape is encoded as: text 0.0.4, or protobuf MetricFamily messages delimited or in Go's debug text forms. */
export type ScrapeFormat = 'text' | 'protobuf-delimited' | 'protobuf-text' | 'protobuf-compact-text';

const PROTOBUF_MEDIA_TYPE = 'application/vnd.google.protobuf';
const PROTOBUF_MESSAGE = 'io.prometheus.client.MetricFamily';
const PROTOBUF_ENCODINGS: Readonly<Record<string, ScrapeFormat>> = {
  delimited: 'protobuf-delimited',
  text: 'protobuf-text',
  'compact-text': 'protobuf-compact-text',
};

/** The Content-Type of a scrape in each format, as Go 1.5.1 writes it (no `escaping=` parameter, SPEC §6.3). */
export const SCRAPE_CONTENT_TYPES: Readonly<Record<ScrapeFormat, string>> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  'protobuf-delimited': `${PROTOBUF_MEDIA_TYPE}; proto=${PROTOBUF_MESSAGE}; encoding=delimited`,
  'protobuf-text': `${PROTOBUF_MEDIA_TYPE}; proto=${PROTOBUF_MESSAGE}; encoding=text`,
  'protobuf-compact-text': `${PROTOBUF_MEDIA_TYPE}; proto=${PROTOBUF_MESSAGE}; encoding=compact-text`,
};

interface AcceptEntry {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Accept → scrape format, as Go's expfmt.Negotiate over goautoneg (SPEC §6.3): entries ordered by q
 * descending, concrete types before wildcards at equal q, otherwise in header order; the first entry
 * that is `application/vnd.google.protobuf` with `proto=io.prometheus.client.MetricFamily` and a known
 * `encoding`, or `text/plain` with `version=0.0.4` or none, decides; anything else (OpenMetrics, JSON,
 * `*∕*`, no header) gets text. As in Go, names and values are compared exactly (case-sensitive, quotes
 * not removed) and a q of 0 does not exclude an entry.
 */
export function negotiateFormat(accept: string | null): ScrapeFormat {
  return negotiateScrape(accept).format;
}

/** What a scrape sends: its format and, under `--push.enable-utf8-names`, how it shows names that are not legacy. */
export interface ScrapeNegotiation {
  readonly format: ScrapeFormat;
  readonly escaping: NameEscaping;
}

/**
 * The format as negotiateFormat chooses it, and the escaping as the newest Go chooses it: the `escaping=`
 * parameter of the Accept entry that chose the format when it names a scheme (`allow-utf-8`,
 * `underscores`, `dots`, `values`), else `underscores` (also when no entry chose).
 */
export function negotiateScrape(accept: string | null): ScrapeNegotiation {
  if (accept === null) return DEFAULT_NEGOTIATION;
  for (const entry of parseAccept(accept)) {
    let format: ScrapeFormat | undefined;
    if (`${entry.type}/${entry.subtype}` === PROTOBUF_MEDIA_TYPE && entry.params.get('proto') === PROTOBUF_MESSAGE) {
      format = PROTOBUF_ENCODINGS[entry.params.get('encoding') ?? ''];
    }
    const version = entry.params.get('version');
    if (format === undefined && entry.type === 'text' && entry.subtype === 'plain' && (version === undefined || version === '' || version === '0.0.4')) format = 'text';
    if (format === undefined) continue;
    const escaping = NAME_ESCAPINGS.find((scheme) => scheme === entry.params.get('escaping')) ?? DEFAULT_ESCAPING;
    return { format, escaping };
  }
  return DEFAULT_NEGOTIATION;
}

const DEFAULT_ESCAPING: NameEscaping = 'underscores';
const DEFAULT_NEGOTIATION: ScrapeNegotiation = { format: 'text', escaping: DEFAULT_ESCAPING };

/** The Content-Type of a scrape under `--push.enable-utf8-names`: the newest Go adds the escaping it used (SPEC §6.3). */
export function scrapeContentType(negotiation: ScrapeNegotiation): string {
  return `${SCRAPE_CONTENT_TYPES[negotiation.format]}; escaping=${negotiation.escaping}`;
}

// goautoneg.ParseAccept: `type/subtype;k=v;q=…` entries; a bare `*` means `*/*`; other entries without
// exactly one `/` are skipped. Go's comparison is not a consistent order when a wildcard has the higher q,
// but wildcards never decide the format, so sorting by q then concreteness, stably (as Go's insertion sort
// is for the dozen entries a client sends), picks the same entry.
function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...rawParams] = part.trim().split(';');
    const slashed = range.split('/');
    const type = slashed[0]!.trim();
    let subtype: string;
    if (slashed.length === 1 && type === '*') subtype = '*';
    else if (slashed.length === 2) subtype = slashed[1]!.trim();
    else continue;
    let q = 1;
    const params = new Map<string, string>();
    for (const param of rawParams) {
      const equals = param.indexOf('=');
      if (equals < 0) continue;
      const key = param.slice(0, equals).trim();
      const value = param.slice(equals + 1);
      // Go parses q with ParseFloat on the untrimmed text and ignores the error, leaving 0.
      if (key === 'q') q = parseGoQ(value);
      else params.set(key, value.trim());
    }
    entries.push({ type, subtype, q, params });
  }
  return entries.sort((a, b) => b.q - a.q || wildcardRank(a) - wildcardRank(b));
}

function wildcardRank(entry: AcceptEntry): number {
  return entry.type === '*' ? 2 : entry.subtype === '*' ? 1 : 0;
}

function parseGoQ(text: string): number {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : 0;
}
