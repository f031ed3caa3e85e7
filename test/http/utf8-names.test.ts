// --push.enable-utf8-names over real sockets: U__ label names in push and delete URLs, quoted names in text bodies, UTF-8 protobuf
// names, and scrapes in each escaping scheme (SPEC §2.3, §4.3, §4.4, §6.2, §6.3; U1–U3, D5/D6); without the flag all of it is refused as in 1.5.1.
import { describe, expect, test } from 'bun:test';
import { gunzipSync } from 'node:zlib';
import { send } from '../helpers/http.ts';
import { PROTOBUF_CONTENT_TYPE, decodeDelimited, delimited, labels } from '../helpers/metrics-proto.ts';
import type { Gateway } from '../helpers/start-server.ts';
import { useUtf8Gateways } from '../helpers/utf8-gateways.ts';

const gateways = useUtf8Gateways();

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const TEXT_ACCEPT = (scheme: string) => `text/plain; version=0.0.4; escaping=${scheme}`;
const PROTOBUF_ACCEPT = (scheme: string) => `${PROTOBUF_CONTENT_TYPE}; escaping=${scheme}`;
const U1_PATH = '/metrics/job/testjob/U__dotted_2e_label_2e_name/mylabelvalue';
const U1_BODY = '# TYPE "another.metric" counter\n{"another.metric",instance="",job="testjob","dotted.label.name"="mylabelvalue"} 42\n';

/** The raw bytes of a scrape, without fetch's own decompression, and its headers. */
async function scrape(gw: Gateway, accept: string, gzip = false): Promise<{ contentType: string | null; encoding: string | null; bytes: Uint8Array }> {
  const response = await fetch(`${gw.url}/metrics`, {
    headers: { Accept: accept, 'Accept-Encoding': gzip ? 'gzip' : 'identity' },
    decompress: false,
  } as RequestInit);
  const raw = new Uint8Array(await response.arrayBuffer());
  const encoding = response.headers.get('content-encoding');
  return { contentType: response.headers.get('content-type'), encoding, bytes: encoding === 'gzip' ? gunzipSync(raw) : raw };
}

/** The sample and header lines of a text scrape that mention `word`. */
async function linesWith(gw: Gateway, accept: string, word: string, gzip = false): Promise<string[]> {
  const { bytes } = await scrape(gw, accept, gzip);
  return new TextDecoder().decode(bytes).split('\n').filter((line) => line.includes(word));
}

/** The pushed groups as the JSON API lists them: grouping labels and family names. */
async function apiGroups(gw: Gateway): Promise<{ labels: Record<string, string>; families: string[] }[]> {
  const { body } = await send(gw, 'GET', '/api/v1/metrics');
  const data = JSON.parse(body).data as Record<string, unknown>[];
  return data.map((group) => ({
    labels: group.labels as Record<string, string>,
    families: Object.keys(group).filter((key) => !['labels', 'last_push_successful', 'push_time_seconds', 'push_failure_time_seconds'].includes(key)).sort(),
  }));
}

describe('with --push.enable-utf8-names', () => {
  test('U1: an escaped label name in the path and quoted names in the body', async () => {
    expect((await send(gateways.utf8, 'PUT', U1_PATH, U1_BODY)).status).toBe(200);
    expect(await apiGroups(gateways.utf8)).toContainEqual({ labels: { 'dotted.label.name': 'mylabelvalue', job: 'testjob' }, families: ['another.metric'] });
  });

  test('U2: a base64 job and base64 values under an escaped name', async () => {
    const path = `/metrics/job@base64/${b64('test/job')}/instance@base64/${b64('inst/1')}/U__dotted_2e_label_2e_name@base64/${b64('a/b')}`;
    expect((await send(gateways.utf8, 'PUT', path, 'plain 1\n')).status).toBe(200);
    expect(await apiGroups(gateways.utf8)).toContainEqual({ labels: { 'dotted.label.name': 'a/b', instance: 'inst/1', job: 'test/job' }, families: ['plain'] });
  });

  test('U3: protobuf families with UTF-8 names keep them', async () => {
    const body = delimited(
      { name: 'some.metric', type: 'COUNTER', metric: [{ label: labels(['label.name', 'v']), counter: { value: 1 } }] },
      { name: 'another.metric', type: 'COUNTER', metric: [{ counter: { value: 2 } }] },
      { name: 'histogram.metric', type: 'HISTOGRAM', metric: [{ histogram: { sampleCount: 1, sampleSum: 2, bucket: [{ upperBound: 1, cumulativeCount: 1 }] } }] },
    );
    expect((await send(gateways.utf8, 'PUT', '/metrics/job/u3', body, { 'Content-Type': PROTOBUF_CONTENT_TYPE })).status).toBe(200);
    expect(await apiGroups(gateways.utf8)).toContainEqual({ labels: { job: 'u3' }, families: ['another.metric', 'histogram.metric', 'some.metric'] });
    const families = decodeDelimited((await scrape(gateways.utf8, PROTOBUF_ACCEPT('allow-utf-8'))).bytes).map((f) => f.name);
    expect(families).toEqual(expect.arrayContaining(['some.metric', 'another.metric', 'histogram.metric']));
  });

  test('m{a.b="1"} and m{a_b="1"} are two series, not a duplicate', async () => {
    expect((await send(gateways.utf8, 'PUT', '/metrics/job/dup', 'm{"a.b"="1"} 1\nm{a_b="1"} 2\n')).status).toBe(200);
    expect(await linesWith(gateways.utf8, TEXT_ACCEPT('allow-utf-8'), 'job="dup"')).toEqual(expect.arrayContaining(['m{"a.b"="1",instance="",job="dup"} 1', 'm{a_b="1",instance="",job="dup"} 2']));
    // A real duplicate is still refused.
    const again = await send(gateways.utf8, 'PUT', '/metrics/job/dup2', 'm{"a.b"="1"} 1\nm{"a.b"="1"} 2\n');
    expect(again.status).toBe(400);
    expect(again.body).toContain('was collected before with the same name and label values');
  });

  test('a label name starting with __ is refused in the body, also quoted', async () => {
    const reply = await send(gateways.utf8, 'PUT', '/metrics/job/reserved', 'm{"__x"="1"} 1\n');
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('has a label with an invalid name: __x');
  });

  test.each<[string, string[]]>([
    ['allow-utf-8', ['# TYPE "another.metric" counter', '{"another.metric","dotted.label.name"="mylabelvalue",instance="",job="testjob"} 42', '{"another.metric",instance="",job="u3"} 2']],
    ['underscores', ['# TYPE another_metric counter', 'another_metric{dotted_label_name="mylabelvalue",instance="",job="testjob"} 42', 'another_metric{instance="",job="u3"} 2']],
    ['dots', ['# TYPE another_dot_metric counter', 'another_dot_metric{dotted_dot_label_dot_name="mylabelvalue",instance="",job="testjob"} 42', 'another_dot_metric{instance="",job="u3"} 2']],
    ['values', ['# TYPE U__another_2e_metric counter', 'U__another_2e_metric{U__dotted_2e_label_2e_name="mylabelvalue",instance="",job="testjob"} 42', 'U__another_2e_metric{instance="",job="u3"} 2']],
  ])('a text scrape in %s shows the names its way (U1’s group and U3’s), with and without gzip', async (scheme, expected) => {
    const { contentType } = await scrape(gateways.utf8, TEXT_ACCEPT(scheme));
    expect(contentType).toBe(`text/plain; version=0.0.4; charset=utf-8; escaping=${scheme}`);
    expect(await linesWith(gateways.utf8, TEXT_ACCEPT(scheme), 'another')).toEqual(expected);
    const gzipped = await scrape(gateways.utf8, TEXT_ACCEPT(scheme), true);
    expect(gzipped.encoding).toBe('gzip');
    expect(await linesWith(gateways.utf8, TEXT_ACCEPT(scheme), 'another', true)).toEqual(expected);
  });

  test.each<[string, string, string]>([
    ['allow-utf-8', 'another.metric', 'dotted.label.name'],
    ['underscores', 'another_metric', 'dotted_label_name'],
    ['dots', 'another_dot_metric', 'dotted_dot_label_dot_name'],
    ['values', 'U__another_2e_metric', 'U__dotted_2e_label_2e_name'],
  ])('a protobuf scrape in %s shows %s and %s', async (scheme, family, label) => {
    for (const gzip of [false, true]) {
      const { contentType, bytes } = await scrape(gateways.utf8, PROTOBUF_ACCEPT(scheme), gzip);
      expect(contentType).toBe(`${PROTOBUF_CONTENT_TYPE}; escaping=${scheme}`);
      const found = decodeDelimited(bytes).find((f) => f.name === family) as { metric: { label: { name: string }[] }[] } | undefined;
      expect(found?.metric.flatMap((m) => m.label.map((l) => l.name))).toContain(label);
    }
  });

  test('no Accept header: underscores, and the Content-Type says so', async () => {
    const response = await fetch(`${gateways.utf8.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8; escaping=underscores');
    expect(await response.text()).toContain('another_metric{dotted_label_name="mylabelvalue",instance="",job="testjob"} 42\n');
  });

  test('D5/D6: DELETE with an escaped label name, plain and base64 value', async () => {
    expect((await send(gateways.utf8, 'PUT', '/metrics/job/del/U__a_2e_b/v1', 'x 1\n')).status).toBe(200);
    expect((await send(gateways.utf8, 'PUT', '/metrics/job/del/U__a_2e_b/v2', 'x 1\n')).status).toBe(200);
    expect((await send(gateways.utf8, 'DELETE', '/metrics/job/del/U__a_2e_b/v1')).status).toBe(202);
    expect((await send(gateways.utf8, 'DELETE', `/metrics/job/del/U__a_2e_b@base64/${b64('v2')}`)).status).toBe(202);
    expect((await apiGroups(gateways.utf8)).filter((g) => g.labels.job === 'del')).toEqual([]);
  });

  test('/api/v1/status shows the flag on', async () => {
    const { body } = await send(gateways.utf8, 'GET', '/api/v1/status');
    expect(JSON.parse(body).data.flags['push.enable-utf8-names']).toBe('true');
  });

  test('the web UI shows the real names, a non-legacy label name quoted', async () => {
    const { body } = await send(gateways.utf8, 'GET', '/');
    expect(body).toContain('<span class="badge">&#34;dotted.label.name&#34;="mylabelvalue"</span>');
  });
});

describe('without the flag (1.5.1)', () => {
  test('U__ names in the path are ordinary legacy names', async () => {
    expect((await send(gateways.legacy, 'PUT', U1_PATH, 'plain 1\n')).status).toBe(200);
    expect(await apiGroups(gateways.legacy)).toContainEqual({ labels: { U__dotted_2e_label_2e_name: 'mylabelvalue', job: 'testjob' }, families: ['plain'] });
  });

  test('a dotted name in the path is improper', async () => {
    const reply = await send(gateways.legacy, 'PUT', '/metrics/job/j/a.b/1', 'plain 1\n');
    expect(reply).toMatchObject({ status: 400, body: 'improper label name "a.b"\n' });
  });

  test.each([
    ['{"some.metric"} 1\n', 'invalid metric name'],
    ['m{"a.b"="1"} 1\n', 'invalid label name for metric "m"'],
  ])('the quoted body %j is refused', async (body, message) => {
    const reply = await send(gateways.legacy, 'PUT', '/metrics/job/j', body);
    expect(reply.status).toBe(400);
    expect(reply.body).toContain(message);
  });

  test('a protobuf family with a UTF-8 name is refused', async () => {
    const body = delimited({ name: 'some.metric', type: 'GAUGE', metric: [{ gauge: { value: 1 } }] });
    expect((await send(gateways.legacy, 'PUT', '/metrics/job/j', body, { 'Content-Type': PROTOBUF_CONTENT_TYPE })).status).toBe(400);
  });

  test('scrapes keep 1.5.1’s Content-Type, whatever escaping is asked for', async () => {
    expect((await scrape(gateways.legacy, TEXT_ACCEPT('allow-utf-8'))).contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect((await scrape(gateways.legacy, PROTOBUF_ACCEPT('values'))).contentType).toBe(PROTOBUF_CONTENT_TYPE);
  });

  test('/api/v1/status shows the flag off', async () => {
    const { body } = await send(gateways.legacy, 'GET', '/api/v1/status');
    expect(JSON.parse(body).data.flags['push.enable-utf8-names']).toBe('false');
  });
});
