// negotiateFormat: Accept → text or one of the protobuf scrape formats, by Go 1.5.1's expfmt.Negotiate (SPEC §6.3).
import { describe, expect, test } from 'bun:test';
import { SCRAPE_CONTENT_TYPES, type ScrapeFormat, negotiateFormat } from '../../src/render/negotiate.ts';

const PB = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily';

// [why the case exists, Accept header (null = absent), format].
const CASES: [string, string | null, ScrapeFormat][] = [
  ['no header', null, 'text'],
  ['delimited protobuf', `${PB};encoding=delimited`, 'protobuf-delimited'],
  ['the debug text form', `${PB};encoding=text`, 'protobuf-text'],
  ['the debug compact form', `${PB};encoding=compact-text`, 'protobuf-compact-text'],
  ['parameters in any order, blanks around them', `application/vnd.google.protobuf; encoding=delimited; proto=io.prometheus.client.MetricFamily`, 'protobuf-delimited'],
  // Prometheus with native histograms enabled.
  [
    'Prometheus’ protobuf-first header',
    `${PB};encoding=delimited;q=0.8,application/openmetrics-text;version=1.0.0;q=0.6,text/plain;version=0.0.4;q=0.3,*/*;q=0.1`,
    'protobuf-delimited',
  ],
  // Prometheus 2.x default: OpenMetrics first, which Go does not speak.
  ['Prometheus’ default header', 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'text'],
  ['a higher q for text wins over protobuf', `${PB};encoding=delimited;q=0.5,text/plain;version=0.0.4`, 'text'],
  ['at equal q the earlier entry wins', `text/plain,${PB};encoding=delimited`, 'text'],
  ['at equal q the earlier entry wins (protobuf first)', `${PB};encoding=delimited,text/plain`, 'protobuf-delimited'],
  ['a concrete type before a wildcard at equal q', `*/*,${PB};encoding=delimited`, 'protobuf-delimited'],
  ['q=0 does not exclude an entry (goautoneg keeps it)', `${PB};encoding=delimited;q=0`, 'protobuf-delimited'],
  ['an unknown encoding falls through to the next entry', `${PB};encoding=json,${PB};encoding=text`, 'protobuf-text'],
  ['without proto= it is not protobuf', 'application/vnd.google.protobuf;encoding=delimited', 'text'],
  ['another message type is not protobuf', 'application/vnd.google.protobuf;proto=foo.Bar;encoding=delimited', 'text'],
  ['names are compared case-sensitively, as in Go', 'Application/Vnd.Google.Protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited', 'text'],
  ['quoted values are not unquoted, as in Go', `application/vnd.google.protobuf;proto="io.prometheus.client.MetricFamily";encoding=delimited`, 'text'],
  ['text/plain with another version does not decide', `text/plain;version=1.0.0,${PB};encoding=delimited;q=0.5`, 'protobuf-delimited'],
  ['a q Go cannot parse counts as 0', `text/plain;q=abc,${PB};encoding=delimited;q=0.1`, 'protobuf-delimited'],
  ['an entry without a slash is skipped', `protobuf,${PB};encoding=delimited`, 'protobuf-delimited'],
  ['JSON', 'application/json', 'text'],
  ['garbage', ';;;,,', 'text'],
];

describe('negotiateFormat', () => {
  test.each(CASES)('%s: %p → %s', (_why, header, format) => {
    expect(negotiateFormat(header)).toBe(format);
  });

  test('each format has Go 1.5.1’s Content-Type', () => {
    expect(SCRAPE_CONTENT_TYPES).toEqual({
      text: 'text/plain; version=0.0.4; charset=utf-8',
      'protobuf-delimited': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
      'protobuf-text': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text',
      'protobuf-compact-text': 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=compact-text',
    });
  });
});
