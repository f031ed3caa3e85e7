// A protobuf series without its family type's value is refused with Go's exact words, quoting what it carried instead (issue 11, finding 6).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { send } from '../helpers/http.ts';
import { type FamilyObject, PROTOBUF_CONTENT_TYPE, delimited, labels } from '../helpers/metrics-proto.ts';
import { type Gateway, startReference } from '../helpers/reference.ts';
import { startOurs } from '../helpers/start-server.ts';

let go: Gateway;
let ours: Gateway;
beforeAll(async () => {
  [go, ours] = await Promise.all([startReference(), startOurs()]);
});
afterAll(async () => {
  await Promise.all([go?.stop(), ours?.stop()]);
});

// Fields client_model 0.3.0 did not know yet (created timestamps, a histogram's native exemplars) are left
// out: Go 1.5.1 prints them as raw unknown fields (`3:"\bd\x10\x01"`), ours by name.
const CASES: [string, FamilyObject][] = [
  ['a gauge value in a counter family', { name: 'k1', type: 'COUNTER', metric: [{ label: labels(['a', '1']), gauge: { value: 1 } }] }],
  ['an untyped value in a gauge family', { name: 'k2', type: 'GAUGE', metric: [{ untyped: { value: 2.5 } }] }],
  ['no value at all', { name: 'k3', type: 'GAUGE', metric: [{ label: labels(['a', '1']) }] }],
  ['an empty gauge message in a counter family', { name: 'k4', type: 'COUNTER', metric: [{ gauge: {} }] }],
  ['a summary in a counter family', { name: 'k5', type: 'COUNTER', metric: [{ summary: { sampleCount: 4, sampleSum: 10, quantile: [{ quantile: 0.5, value: 1.5 }] } }] }],
  ['a classic histogram in a gauge family', { name: 'k6', type: 'GAUGE', metric: [{ histogram: { sampleCount: 3, sampleSum: 2.5, bucket: [{ cumulativeCount: 1, upperBound: 0.5 }] } }] }],
  [
    'a counter with an exemplar in a gauge family',
    { name: 'k7', type: 'GAUGE', metric: [{ counter: { value: 3, exemplar: { label: labels(['t', 'x']), value: 0.5, timestamp: { seconds: 5, nanos: 7 } } } }] },
  ],
  ['a gauge and an untyped value in a counter family', { name: 'k8', type: 'COUNTER', metric: [{ gauge: { value: 1 }, untyped: { value: 2 } }] }],
  ['a counter in a histogram family', { name: 'k9', type: 'HISTOGRAM', metric: [{ counter: { value: 1e6 } }] }],
  ['special values', { name: 'k10', type: 'SUMMARY', metric: [{ gauge: { value: -0 } }, { gauge: { value: -Infinity } }, { gauge: { value: NaN } }, { gauge: { value: 1e-7 } }] }],
  ['label values Go quotes in octal', { name: 'k11', type: 'GAUGE', metric: [{ label: labels(['a', 'x"y\\z\n\u00e9\u0001']), counter: { value: 1 } }] }],
  ['an empty summary in a counter family', { name: 'k12', type: 'COUNTER', metric: [{ summary: {} }] }],
  [
    'a native histogram in a gauge family',
    {
      name: 'k13',
      type: 'GAUGE',
      metric: [{
        histogram: {
          sampleCount: 20, sampleCountFloat: 2.5, sampleSum: 99.23, schema: -2, zeroThreshold: 0.001, zeroCount: 2, zeroCountFloat: 0.5,
          bucket: [{ cumulativeCount: 5, cumulativeCountFloat: 1.5, upperBound: 1 }],
          negativeSpan: [{ offset: -1, length: 2 }], negativeDelta: [3, -1], negativeCount: [1.5],
          positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [4], positiveCount: [2],
        },
      }],
    },
  ],
];

describe('a series whose value does not match its family type', () => {
  test.each(CASES)('%s: refused with Go’s message, word for word', async (_why, family) => {
    const path = `/metrics/job/${family.name as string}`;
    const body = delimited(family);
    const headers = { 'Content-Type': PROTOBUF_CONTENT_TYPE };
    const [goReply, oursReply] = await Promise.all([send(go, 'PUT', path, body, headers), send(ours, 'PUT', path, body, headers)]);
    expect(goReply.status).toBe(400);
    expect({ status: oursReply.status, body: oursReply.body }).toEqual({ status: 400, body: goReply.body });
  });
});
