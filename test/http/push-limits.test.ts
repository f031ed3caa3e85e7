// Each --push.max-… limit refuses a push past it with 413 naming the limit, the flag and where, and changes nothing (issue #11, SPEC D5).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { scrapePushed, send } from '../helpers/http.ts';
import { PROTOBUF_CONTENT_TYPE, delimited, labels, snappyFramed } from '../helpers/metrics-proto.ts';
import { type Gateway, startOurGateway } from '../helpers/start-server.ts';

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startOurGateway([
    '--push.max-body-bytes=1KiB',
    '--push.max-line-bytes=100',
    '--push.max-series=5',
    '--push.max-labels-per-series=3',
    '--push.max-label-name-bytes=8',
    '--push.max-label-value-bytes=10',
  ]);
  // Something stored before, which every refusal must leave as it is.
  expect((await send(gateway, 'PUT', '/metrics/job/kept', 'kept_metric{a="1"} 1\n')).status).toBe(200);
});
afterAll(async () => {
  await gateway?.stop();
});

const encoder = new TextEncoder();
const TEXT = { 'Content-Type': 'text/plain; version=0.0.4' };
const GZIP = { 'Content-Encoding': 'gzip' };
const PROTOBUF = { 'Content-Type': PROTOBUF_CONTENT_TYPE };

/** A protobuf body of one gauge family `p` holding `series` (label pairs per series). */
function gauges(...series: [string, string][][]): Uint8Array {
  return delimited({ name: 'p', type: 'GAUGE', metric: series.map((pairs) => ({ label: labels(...pairs), gauge: { value: 1 } })) });
}

describe('push limits', () => {
  test.each<[string, string | Uint8Array, Record<string, string>, string]>([
    ['body bytes', `a 1\n${'# padding\n'.repeat(120)}`, TEXT, 'request body is larger than the limit of 1024 bytes (--push.max-body-bytes)'],
    // A gzip bomb is counted as it inflates: refused at the limit, however small the compressed body.
    ['body bytes, gzip', Bun.gzipSync(encoder.encode('# comment\n'.repeat(10_000))), GZIP, 'request body is larger than the limit of 1024 bytes (--push.max-body-bytes)'],
    ['body bytes, snappy', snappyFramed(encoder.encode('# comment\n'.repeat(10_000))), { 'Content-Encoding': 'snappy' }, 'request body is larger than the limit of 1024 bytes (--push.max-body-bytes)'],
    ['line bytes', `a 1\nb{x="${'y'.repeat(100)}"} 1\n`, TEXT, 'line 2 is longer than the limit of 100 bytes (--push.max-line-bytes)'],
    ['samples', 'a 1\nb 1\nc 1\nd 1\ne 1\nf 1\n', TEXT, 'line 6: more samples than the limit of 5 per push (--push.max-series)'],
    ['samples, gzip', Bun.gzipSync(encoder.encode('a 1\n'.repeat(200))), GZIP, 'line 6: more samples than the limit of 5 per push (--push.max-series)'],
    ['labels per series', 'a{w="1",x="1",y="1"} 1\nb{w="1",x="1",y="1",z="1"} 1\n', TEXT, 'line 2: 4 labels on one series, more than the limit of 3 (--push.max-labels-per-series)'],
    ['label name bytes', 'a{abcdefghi="1"} 1\n', TEXT, 'line 1: label name of 9 bytes, longer than the limit of 8 (--push.max-label-name-bytes)'],
    ['label value bytes', 'a{x="0123456789"} 1\na{x="0123456789a"} 1\n', TEXT, 'line 2: label value of 11 bytes, longer than the limit of 10 (--push.max-label-value-bytes)'],
    ['protobuf samples', gauges([['i', '1']], [['i', '2']], [['i', '3']], [['i', '4']], [['i', '5']], [['i', '6']]), PROTOBUF, 'family "p": more samples than the limit of 5 per push (--push.max-series)'],
    ['protobuf labels per series', gauges([['w', '1'], ['x', '1'], ['y', '1'], ['z', '1']]), PROTOBUF, 'family "p": 4 labels on one series, more than the limit of 3 (--push.max-labels-per-series)'],
    ['protobuf label value bytes', gauges([['x', 'é'.repeat(6)]]), PROTOBUF, 'family "p": label value of 12 bytes, longer than the limit of 10 (--push.max-label-value-bytes)'],
  ])('%s: 413 naming the limit, and nothing changes', async (_limit, body, headers, message) => {
    const before = await scrapePushed(gateway);
    for (const method of ['PUT', 'POST']) {
      const reply = await send(gateway, method, '/metrics/job/limited', body, headers);
      expect({ status: reply.status, body: reply.body }).toEqual({ status: 413, body: message + '\n' });
    }
    expect(await scrapePushed(gateway)).toEqual(before);
  });

  test('a push exactly at every limit is stored', async () => {
    const body = 'a{w="0123456789",abcdefgh="1",y="1"} 1\nb 1\nc 1\nd 1\ne 1\n';
    expect((await send(gateway, 'PUT', '/metrics/job/at-limit', body, TEXT)).status).toBe(200);
    const scrape = await scrapePushed(gateway);
    expect(scrape.samples).toContain('a{abcdefgh="1",instance="",job="at-limit",w="0123456789",y="1"} 1');
  });

  test('a declared length past the body limit is refused before the body is read', async () => {
    const reply = await send(gateway, 'PUT', '/metrics/job/limited', new Uint8Array(2000), TEXT);
    expect(reply.status).toBe(413);
    expect((await send(gateway, 'GET', '/-/healthy')).status).toBe(200);
  });
});
