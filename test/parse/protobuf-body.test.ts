// parseBody with protobuf: Content-Type picks the parser, gzip and framed snappy are undone as streams; fuzzed bodies end in 400.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { type BodyOptions, parseBody } from '../../src/parse/body.ts';
import { ParseError } from '../../src/parse/parse-error.ts';
import { DEFAULT_PUSH_LIMITS } from '../../src/model/push-limits.ts';
import { parseProtobuf } from '../../src/parse/protobuf-parser.ts';
import { type PushedScrape, scrapePushed, send } from '../helpers/http.ts';
import { PROTOBUF_CONTENT_TYPE, delimited, labels, snappyFramed } from '../helpers/metrics-proto.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { type Gateway, startOurs } from '../helpers/start-server.ts';

const encoder = new TextEncoder();
const BODY = delimited(
  { name: 'c', help: 'A counter.', type: 'COUNTER', metric: [{ label: labels(['a', '1']), counter: { value: 3 } }] },
  { name: 'h', type: 'HISTOGRAM', metric: [{ histogram: { sampleCount: 2, sampleSum: 1, schema: 0, positiveSpan: [{ offset: 0, length: 1 }], positiveDelta: [2] } }] },
);

/** A request body stream delivering `bytes` in chunks of `size`. */
function streamOf(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

/** parseBody's families, or the ParseError message. */
async function parse(bytes: Uint8Array, options: Partial<BodyOptions>, size = 7): Promise<unknown> {
  try {
    return await parseBody(streamOf(bytes, size), { contentEncoding: null, limits: { ...DEFAULT_PUSH_LIMITS, maxBodyBytes: 1 << 20 }, ...options });
  } catch (error) {
    if (error instanceof ParseError) return `error: ${error.message}`;
    throw error;
  }
}

describe('parseBody with protobuf bodies', () => {
  const expected = parseProtobuf(BODY);

  test('the protobuf Content-Type selects the protobuf parser; anything else parses text', async () => {
    expect(await parse(BODY, { contentType: PROTOBUF_CONTENT_TYPE })).toEqual(expected);
    expect(await parse(encoder.encode('a 1\n'), { contentType: 'text/plain' })).toEqual([
      { name: 'a', help: undefined, type: 'untyped', metrics: [{ labels: [], value: 1 }] },
    ]);
    // Without a Content-Type (e.g. callers that do not pass one) a body is text.
    expect(await parse(encoder.encode('a 1\n'), {})).toHaveLength(1);
  });

  test.each(['gzip', 'GZIP', ' Gzip '])('Content-Encoding %p is gunzipped, streaming', async (coding) => {
    expect(await parse(Bun.gzipSync(BODY), { contentType: PROTOBUF_CONTENT_TYPE, contentEncoding: coding })).toEqual(expected);
  });

  test.each(['snappy', 'SNAPPY'])('Content-Encoding %p is unframed, streaming', async (coding) => {
    for (const size of [1, 5, 100]) {
      expect(await parse(snappyFramed(BODY, { blockSize: 16 }), { contentType: PROTOBUF_CONTENT_TYPE, contentEncoding: coding }, size)).toEqual(expected);
    }
    expect(await parse(snappyFramed(encoder.encode('a 1\n')), { contentEncoding: 'snappy' })).toHaveLength(1);
  });

  test('an empty snappy body is an empty push (Go reads nothing before the body)', async () => {
    expect(await parse(new Uint8Array(0), { contentType: PROTOBUF_CONTENT_TYPE, contentEncoding: 'snappy' })).toEqual([]);
  });

  test('a body that is not framed snappy is refused', async () => {
    expect(await parse(BODY, { contentType: PROTOBUF_CONTENT_TYPE, contentEncoding: 'snappy' })).toBe('error: snappy: corrupt input');
  });

  test('other encodings are ignored', async () => {
    expect(await parse(BODY, { contentType: PROTOBUF_CONTENT_TYPE, contentEncoding: 'deflate' })).toEqual(expected);
  });

  test('a snappy stream that decompresses past the limit is too large', async () => {
    const big = snappyFramed(new Uint8Array(200_000));
    await expect(parseBody(streamOf(big, 4096), { contentEncoding: 'snappy', limits: { ...DEFAULT_PUSH_LIMITS, maxBodyBytes: 100_000 } })).rejects.toThrow('request body is larger');
  });
});

describe('fuzzed protobuf pushes', () => {
  let ours: Gateway;
  beforeAll(async () => {
    ours = await startOurs();
  });
  afterAll(() => ours?.stop());

  // Deterministic mutations of a valid body, keeping those the decoder refuses.
  function refusedMutations(count: number): { body: Uint8Array; message: string }[] {
    const next = seededRandom(1234);
    const refused: { body: Uint8Array; message: string }[] = [];
    while (refused.length < count) {
      const body = BODY.slice();
      for (let e = 0; e < 3; e++) body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      try {
        parseProtobuf(body);
      } catch (error) {
        if (error instanceof ParseError) refused.push({ body, message: error.message });
      }
    }
    return refused;
  }

  test('end in 400 with the decoder’s message and leave the store as it was', async () => {
    expect((await send(ours, 'PUT', '/metrics/job/f', 'kept 1\n')).status).toBe(200);
    const before: PushedScrape = await scrapePushed(ours);
    for (const { body, message } of refusedMutations(40)) {
      for (const method of ['PUT', 'POST']) {
        const reply = await send(ours, method, '/metrics/job/f', body, { 'Content-Type': PROTOBUF_CONTENT_TYPE });
        expect({ status: reply.status, body: reply.body }).toEqual({ status: 400, body: `${message}\n` });
      }
    }
    // Not even the failure time changed: a body that does not parse never reaches the store.
    expect(await scrapePushed(ours)).toEqual(before);
  });
});
