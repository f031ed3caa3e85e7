// One fuzz input through every in-process parser: what each made of it, and which of the parsers' promises it broke.
import type { MetricFamily } from '../../src/model/metric.ts';
import { ParseError } from '../../src/parse/parse-error.ts';
import { PushLimitError } from '../../src/parse/push-limit-error.ts';
import { ProtobufParser } from '../../src/parse/protobuf-parser.ts';
import { TextParser } from '../../src/parse/text-parser.ts';
import { transcodeText } from '../../src/parse/text-transcoder.ts';
import type { BodyFormat } from '../helpers/fuzz-mutations.ts';

/** How one parse ended: families, or the message of the parse room's own error (ParseError or PushLimitError). */
type Outcome = { readonly ok: true; readonly families: MetricFamily[] } | { readonly ok: false; readonly message: string; readonly limit: boolean };

export type Verdict = 'accepted' | 'refused' | 'over a limit';

/** What the parsers made of one input: `accepted`, `refused` (ParseError) or `over a limit` (PushLimitError), and any broken promise. */
export interface ParserVerdict {
  readonly verdict: Verdict;
  /** Empty when every promise held; else one sentence per broken promise. */
  readonly problems: string[];
}

// Grouping labels as the store keeps them: name, value pairs flattened, sorted by name.
const GROUPING = ['job', 'fz'];

/**
 * Parses `body` whole and cut into chunks at `cuts` (sorted offsets), and for text also with the
 * transcoder (the fast path of a push), all with the default push limits. The promises: nothing but
 * ParseError and PushLimitError is thrown (413 and 400; anything else would be a 500); the chunked parse
 * ends exactly as the whole one (same families or same message), since chunk boundaries are arbitrary on
 * the wire; and the transcoder answers only for bodies the full parser accepts (it claims to store the
 * same bytes), never throwing.
 */
export function parseEveryWay(body: Uint8Array, format: BodyFormat, cuts: readonly number[]): ParserVerdict {
  const problems: string[] = [];
  const whole = outcome(() => feed(format, [body]), problems, 'whole');
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, body.length]) {
    chunks.push(body.subarray(from, cut));
    from = cut;
  }
  const chunked = outcome(() => feed(format, chunks), problems, 'chunked');
  if (whole !== undefined && chunked !== undefined && !sameOutcome(whole, chunked)) {
    problems.push(`chunked at ${cuts.join(',')} ended as ${describe(chunked)}, whole as ${describe(whole)}`);
  }
  if (format === 'text') {
    try {
      const fast = transcodeText(body, GROUPING);
      if (fast !== undefined && whole !== undefined && !whole.ok) problems.push(`transcoder accepted what the parser refused: ${whole.message}`);
    } catch (error) {
      problems.push(`transcoder threw ${String(error)}`);
    }
  }
  return { verdict: whole === undefined || whole.ok ? 'accepted' : whole.limit ? 'over a limit' : 'refused', problems };
}

function feed(format: BodyFormat, chunks: readonly Uint8Array[]): MetricFamily[] {
  const parser = format === 'text' ? new TextParser() : new ProtobufParser();
  for (const chunk of chunks) parser.push(chunk);
  return parser.end();
}

function outcome(parse: () => MetricFamily[], problems: string[], how: string): Outcome | undefined {
  try {
    return { ok: true, families: parse() };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, message: error.message, limit: false };
    if (error instanceof PushLimitError) return { ok: false, message: error.message, limit: true };
    problems.push(`${how} parse threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return undefined;
  }
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (!a.ok || !b.ok) return !a.ok && !b.ok && a.message === b.message;
  return Bun.deepEquals(a.families, b.families, true);
}

function describe(o: Outcome): string {
  return o.ok ? `${o.families.length} families` : JSON.stringify(o.message);
}
