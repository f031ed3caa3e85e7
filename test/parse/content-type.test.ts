// bodyFormatOf: the push Content-Type → protobuf or text, by Go's mime.ParseMediaType rules (SPEC §4.2).
import { describe, expect, test } from 'bun:test';
import { type BodyFormat, bodyFormatOf } from '../../src/parse/content-type.ts';

const PB = 'application/vnd.google.protobuf';
const PROTO = 'proto=io.prometheus.client.MetricFamily';

// [why the case exists, Content-Type (null = absent), format].
const CASES: [string, string | null, BodyFormat][] = [
  ['no header', null, 'text'],
  ['the Go client’s header', `${PB}; ${PROTO}; encoding=delimited`, 'protobuf'],
  ['§11.1 P9: encoding before proto', `${PB}; encoding=delimited; ${PROTO}`, 'protobuf'],
  ['no blanks around the semicolons', `${PB};${PROTO};encoding=delimited`, 'protobuf'],
  ['blanks around = are allowed', `${PB}; proto = io.prometheus.client.MetricFamily ; encoding = delimited`, 'protobuf'],
  ['the media type in any case', `Application/Vnd.Google.Protobuf; ${PROTO}; encoding=delimited`, 'protobuf'],
  ['parameter names in any case', `${PB}; PROTO=io.prometheus.client.MetricFamily; Encoding=delimited`, 'protobuf'],
  ['quoted values', `${PB}; proto="io.prometheus.client.MetricFamily"; encoding="delimited"`, 'protobuf'],
  ['an extra parameter, as newer clients send escaping=', `${PB}; ${PROTO}; encoding=delimited; escaping=underscores`, 'protobuf'],
  ['a trailing semicolon', `${PB}; ${PROTO}; encoding=delimited;`, 'protobuf'],
  ['values are case-sensitive', `${PB}; proto=io.prometheus.client.metricfamily; encoding=delimited`, 'text'],
  ['encoding=DELIMITED is not delimited', `${PB}; ${PROTO}; encoding=DELIMITED`, 'text'],
  ['§4.2: without proto= it is text', `${PB}; encoding=delimited`, 'text'],
  ['without encoding= it is text', `${PB}; ${PROTO}`, 'text'],
  ['another encoding is text', `${PB}; ${PROTO}; encoding=text`, 'text'],
  ['another protobuf message is text', `${PB}; proto=foo.Bar; encoding=delimited`, 'text'],
  ['a repeated parameter makes the header unreadable', `${PB}; ${PROTO}; encoding=delimited; encoding=delimited`, 'text'],
  ['a parameter without value makes the header unreadable', `${PB}; ${PROTO}; encoding=delimited; bogus`, 'text'],
  ['an unterminated quote makes the header unreadable', `${PB}; ${PROTO}; encoding="delimited`, 'text'],
  ['a media type without subtype token is unreadable', `application/; ${PROTO}; encoding=delimited`, 'text'],
  ['text/plain', 'text/plain; version=0.0.4', 'text'],
  ['OpenMetrics', 'application/openmetrics-text; version=1.0.0', 'text'],
  ['JSON', 'application/json', 'text'],
  ['garbage', ';;;bogus', 'text'],
  ['an empty header', '', 'text'],
];

describe('bodyFormatOf', () => {
  test.each(CASES)('%s: %p → %s', (_why, header, format) => {
    expect(bodyFormatOf(header)).toBe(format);
  });
});
