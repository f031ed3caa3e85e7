// Accept-Encoding → whether a scrape is gzipped, by the newest Go gateway's rules (SPEC §6.4).

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
