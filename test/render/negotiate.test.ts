// negotiateCoding: Accept-Encoding → identity or gzip for a scrape, by the newest Go gateway's rules (SPEC §6.4).
import { describe, expect, test } from 'bun:test';
import { type ContentCoding, negotiateCoding } from '../../src/render/negotiate.ts';

// [why the case exists, Accept-Encoding header (null = absent), chosen coding]. The rules are those of
// the gddo NegotiateContentEncoding that client_golang's promhttp runs over the offers identity, gzip:
// highest q wins, `*` matches either offer, a tie goes to the earlier offer (identity), and a best q of
// 0 means nothing acceptable, which promhttp answers uncompressed.
const CASES: [string, string | null, ContentCoding][] = [
  ['no header', null, 'identity'],
  ['an empty header', '', 'identity'],
  ['gzip alone', 'gzip', 'gzip'],
  ['what curl --compressed and Prometheus send', 'gzip, deflate, br', 'gzip'],
  ['an unknown coding only', 'br', 'identity'],
  ['§6.4: a tie goes to identity', 'gzip, identity', 'identity'],
  ['the tie does not depend on header order', 'identity, gzip', 'identity'],
  ['§6.4: gzip;q=0 refuses gzip (1.5.1 gzipped it)', 'gzip;q=0', 'identity'],
  ['a higher q for gzip wins', 'gzip;q=0.5, identity;q=0.4', 'gzip'],
  ['a higher q for identity wins', 'gzip;q=0.5, identity', 'identity'],
  ['a refused identity leaves gzip', 'identity;q=0, gzip', 'gzip'],
  ['a refused identity with a low gzip', 'identity;q=0, gzip;q=0.001', 'gzip'],
  ['everything refused is answered uncompressed', 'identity;q=0, gzip;q=0', 'identity'],
  ['* alone ties, so identity', '*', 'identity'],
  ['* below gzip', '*;q=0.5, gzip', 'gzip'],
  ['* above gzip counts for identity first', 'gzip;q=0.5, *', 'identity'],
  ['* counts for identity even when identity is refused by name (gddo matches * first)', 'identity;q=0, *', 'identity'],
  ['*;q=0 refuses everything', '*;q=0', 'identity'],
  ['q with three decimals', 'gzip;q=0.001', 'gzip'],
  ['q=1.0 is full weight', 'gzip;q=1.0, identity;q=0.999', 'gzip'],
  ['spaces around the parts', '  gzip ; q=0.8 ,  identity ; q=0.7 ', 'gzip'],
  ['a q that is not a number counts as refusal', 'gzip;q=abc', 'identity'],
];

describe('negotiateCoding', () => {
  test.each(CASES)('%s: %p → %s', (_why, header, coding) => {
    expect(negotiateCoding(header)).toBe(coding);
  });
});
