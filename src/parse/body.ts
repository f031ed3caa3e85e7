// A push's request body → families: undoes Content-Encoding, enforces the size limit, streams into the parser.
import type { EncodedFamily } from '../model/group.ts';
import type { Labels, MetricFamily } from '../model/metric.ts';
import type { PushLimits } from '../model/push-limits.ts';
import { bodyFormatOf } from './content-type.ts';
import { ParseError } from './parse-error.ts';
import { ProtobufParser } from './protobuf-parser.ts';
import { bodyTooLarge, checkFamilies } from './push-limit-error.ts';
import { SnappyFrameReader } from './snappy-frames.ts';
import { TextParser } from './text-parser.ts';
import { transcodeText } from './text-transcoder.ts';

export interface BodyOptions {
  /** The request's Content-Type header: delimited protobuf or text, see bodyFormatOf (SPEC §4.2); absent = text. */
  readonly contentType?: string | null;
  /** The request's Content-Encoding header; `gzip` and `snappy` (any case) are undone, anything else is read raw (SPEC §4.1). */
  readonly contentEncoding: string | null;
  /** What the body may hold: its bytes once decompressed, its lines, samples and labels. */
  readonly limits: PushLimits;
  /** `--push.enable-utf8-names`: quoted names in text, any UTF-8 family name in protobuf (SPEC §4.3, §4.4); absent = off. */
  readonly utf8Names?: boolean;
}

const GZIP_HEADER_BYTES = 10;
/**
 * How long a body is parsed before other requests get a turn. A turn is not free: measured in-process, a
 * turn every 10 ms made a 60 000-series streamed parse 3x slower (35 → 118 ms; each turn seems to let the
 * collector walk the parse's young objects); every 50 ms costs within the noise (~10 %).
 */
const PARSE_SLICE_MS = 50;

/** A parser of one body format, fed the (decompressed) body chunk by chunk: TextParser or ProtobufParser. */
interface BodyParser {
  push(chunk: Uint8Array): void;
  end(): MetricFamily[];
}

/**
 * Reads and parses a push body chunk by chunk as it arrives; the whole body is never held at once, and
 * neither is its decompressed form. A body already in hand may be passed as bytes. Throws ParseError
 * (400) for a bad body, a bad gzip or snappy stream or a body cut off mid-way, and PushLimitError (413)
 * past a limit: a compressed body is counted as it inflates, so a bomb stops at `maxBodyBytes` (or earlier,
 * at `maxSeries`) instead of costing memory. Resolves to the families in first-seen order.
 */
export async function parseBody(body: ReadableStream<Uint8Array> | Uint8Array | null, options: BodyOptions): Promise<MetricFamily[]> {
  const limits = options.limits;
  const isProtobuf = bodyFormatOf(options.contentType) === 'protobuf';
  const parser: BodyParser = isProtobuf ? new ProtobufParser({ maxMessageBytes: limits.maxBodyBytes, maxSamples: limits.maxSeries, utf8Names: options.utf8Names })
    : new TextParser(limits, options.utf8Names);
  // The parsers stop at the sample limit as they go; protobuf families get the per-label limits once decoded.
  const finish = (): MetricFamily[] => {
    const families = parser.end();
    if (isProtobuf) checkFamilies(families, limits);
    return families;
  };
  const coding = contentCodingOf(options.contentEncoding);
  if (body instanceof Uint8Array && coding === 'identity') {
    // A body in hand needs no stream machinery, which costs more than parsing a small push.
    if (body.length > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
    parser.push(body);
    return finish();
  }
  let total = 0;
  const raw = readChunks(body);
  const chunks = coding === 'gzip' ? gunzip(raw) : coding === 'snappy' ? unsnappy(raw) : raw;
  let sliceStart = performance.now();
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limits.maxBodyBytes) throw bodyTooLarge(limits.maxBodyBytes);
    parser.push(chunk);
    // Chunks already received (or inflated) arrive without a turn of the event loop in between: a large
    // body would hold every other request for as long as it parses (2.2 M samples: seconds). Past a
    // slice, give the loop a turn; a push parsed within one slice pays nothing.
    if (performance.now() - sliceStart > PARSE_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return finish();
}

/**
 * The fast path of a push whose uncompressed text body is in hand: its families already in stored form
 * for these grouping labels (see transcodeText), or undefined when the body is for parseBody — another
 * format or coding, over the limit, or anything transcodeText leaves to the full parser.
 */
export function encodeTextBody(body: Uint8Array, options: BodyOptions, grouping: Labels): EncodedFamily[] | undefined {
  if (bodyFormatOf(options.contentType) !== 'text' || contentCodingOf(options.contentEncoding) !== 'identity') return undefined;
  if (body.length > options.limits.maxBodyBytes) return undefined;
  return transcodeText(body, grouping, options.limits);
}

/**
 * Checks a gzip body on a request whose body is otherwise ignored (a DELETE or a GET): Go opens the
 * gzip reader for every such request and refuses it when the header is bad (SPEC §4.1).
 */
export async function checkGzipHeader(body: ReadableStream<Uint8Array> | null, contentEncoding: string | null): Promise<void> {
  if (contentCodingOf(contentEncoding) !== 'gzip') return;
  const head = await readHead(readChunks(body)[Symbol.asyncIterator]());
  gzipHeaderProblem(head.bytes, head.ended);
}

// Matched case-insensitively as the newest Go does (1.5.1 knew only exact `gzip`, and no snappy).
function contentCodingOf(contentEncoding: string | null): 'gzip' | 'snappy' | 'identity' {
  const coding = contentEncoding?.trim().toLowerCase();
  return coding === 'gzip' || coding === 'snappy' ? coding : 'identity';
}

// Go's snappy reader reads nothing until the body is read, so unlike gzip an empty body is an empty stream.
async function* unsnappy(raw: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const frames = new SnappyFrameReader();
  for await (const chunk of raw) yield* frames.push(chunk);
  frames.end();
}

async function* readChunks(body: ReadableStream<Uint8Array> | Uint8Array | null): AsyncGenerator<Uint8Array> {
  if (body === null) return;
  if (body instanceof Uint8Array) {
    if (body.length > 0) yield body;
    return;
  }
  yield* untilEof(body);
}

// Yields the non-empty chunks of `source`. A failure to read (the client went away, the chunked framing or
// the compressed data broke) means the body is incomplete: `unexpected EOF`, and nothing is applied.
async function* untilEof(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  try {
    while (true) {
      let result: IteratorResult<Uint8Array>;
      try {
        result = await it.next();
      } catch {
        throw ParseError.withoutLine('unexpected EOF');
      }
      if (result.done) return;
      if (result.value.length > 0) yield result.value;
    }
  } finally {
    await it.return?.();
  }
}

// Collects at least the gzip header's bytes (or all there is) from the front of the stream.
async function readHead(it: AsyncIterator<Uint8Array>): Promise<{ bytes: Uint8Array; ended: boolean }> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < GZIP_HEADER_BYTES) {
    const next = await it.next();
    if (next.done) return { bytes: concat(parts, length), ended: true };
    parts.push(next.value);
    length += next.value.length;
  }
  return { bytes: concat(parts, length), ended: false };
}

// Go's gzip.NewReader errors, by what the first bytes look like.
function gzipHeaderProblem(head: Uint8Array, ended: boolean): void {
  if (head.length === 0) throw ParseError.withoutLine('EOF');
  if (head.length < GZIP_HEADER_BYTES && ended) throw ParseError.withoutLine('unexpected EOF');
  if (head[0] !== 0x1f || head[1] !== 0x8b || head[2] !== 8) throw ParseError.withoutLine('gzip: invalid header');
}

async function* gunzip(raw: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = raw[Symbol.asyncIterator]();
  const head = await readHead(it);
  gzipHeaderProblem(head.bytes, head.ended);
  const stream = new DecompressionStream('gzip');
  const writer = stream.writable.getWriter();
  const pump = (async () => {
    await writer.write(head.bytes as Uint8Array<ArrayBuffer>);
    for (let next = await it.next(); !next.done; next = await it.next()) await writer.write(next.value as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  // A failure of the pump shows up as an error of the readable side below; keep it from going unhandled.
  pump.catch(() => undefined);
  yield* untilEof(stream.readable);
  await pump.catch((error: unknown) => {
    throw error instanceof ParseError ? error : ParseError.withoutLine('unexpected EOF');
  });
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
