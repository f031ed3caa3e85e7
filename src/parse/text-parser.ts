// The text exposition format 0.0.4 parser: Go expfmt 1.5.1's grammar and messages, fed chunk by chunk.

import { MANY_LABELS, hasLabel } from '../model/group.ts';
import type { Labels, Metric, MetricFamily } from '../model/metric.ts';
import { goUint64, parseGoFloat, parseGoInt64 } from '../model/parse-float.ts';
import { TokenStrings, hashStep } from '../model/token-strings.ts';
import { FamilyTable, type FamilyState, type SampleRole } from './family-table.ts';
import { charOfByte, quoteByte, quoteBytes } from './go-quote.ts';
import { LineReader } from './line-reader.ts';
import { ParseError } from './parse-error.ts';
import { DEFAULT_PUSH_LIMITS, type PushLimits } from '../model/push-limits.ts';
import { PushLimitError, checkLabel, tooManyLabels, tooManySamples } from './push-limit-error.ts';
import {
  BACKSLASH, BRACE_CLOSE, BRACE_OPEN, COMMA, EQUALS, HASH, LABEL_REST, LABEL_START, LETTER_N, METRIC_REST, METRIC_START,
  NAME_CLASS, NEWLINE, QUOTE, contains, isBlank, matches, metricTypeOf, skipBlanks,
} from './text-syntax.ts';
import { isValidUtf8 } from './utf8.ts';

/**
 * An incremental parser for one text-format push body (SPEC §4.3). Feed the body's chunks in order with
 * `push`, then call `end`; chunks may be cut anywhere, even inside a UTF-8 character. Memory is bounded
 * per line: only an unfinished line is copied between chunks. What the body may hold is bounded by
 * `limits` (PushLimits: line length, samples, labels per series, label name and value length): the parse
 * holds an object per sample, so past `maxSeries` it stops with PushLimitError instead of growing.
 *
 * Behaves like Go expfmt as shipped in Pushgateway 1.5.1, message for message, except for two product
 * decisions: an unterminated last line is complete when the body ends (D1), and `\r\n` ends a line (D2).
 * Samples with timestamps and duplicate series are accepted here; the store refuses them later.
 * With `utf8Names` (`--push.enable-utf8-names`) the newest Go's quoted names are read too (SPEC §4.3):
 * `{"some.metric",a="1"} 1`, `"some.metric" 1`, `m{"a.b"="1"} 1`, `# HELP "x.y" text`; a quoted name
 * takes the escapes of a label value and must be non-empty valid UTF-8.
 *
 * Not reusable: after `end()` or after an error, every call throws.
 */
export class TextParser {
  readonly #reader: LineReader;
  readonly #families = new FamilyTable();
  readonly #strings = new TokenStrings();
  readonly #limits: PushLimits;
  readonly #utf8Names: boolean;
  #samples = 0;
  #line = 0;
  #failure: ParseError | PushLimitError | undefined;
  #ended = false;
  // Where escaped label values and HELP texts are unescaped into; grows to the longest such line.
  #scratch = new Uint8Array(256);
  // The label value just read: bytes `[#valueStart, #valueEnd)` of `#valueBuf` (the line or #scratch),
  // the OR of those bytes (≥ 0x80 means not ASCII) and their intern hash, gathered while scanning.
  #valueBuf: Uint8Array = this.#scratch;
  #valueStart = 0;
  #valueEnd = 0;
  #valueHighBits = 0;
  #valueHash = 0;
  #nameHash = 0; // intern hash of the name #scanName found last
  #quoted = ''; // the name #quotedName read last, unescaped
  #quotedEnd = 0; // where the label name #quotedLabelName read ends
  // The current line's quantile (summary) or le (histogram) bound; NaN when it has none, as in Go,
  // which is also why a `quantile="NaN"` sample is silently dropped.
  #bound = NaN;

  /**
   * `limits` (DEFAULT_PUSH_LIMITS when absent) bound what the body may hold; `maxBodyBytes` is the caller's.
   * `utf8Names` reads quoted names (`--push.enable-utf8-names`).
   */
  constructor(limits: PushLimits = DEFAULT_PUSH_LIMITS, utf8Names = false) {
    this.#limits = limits;
    this.#utf8Names = utf8Names;
    this.#reader = new LineReader(limits.maxLineBytes, (buf, start, end, line) => {
      this.#line = line;
      this.#parseLine(buf, start, end);
    });
  }

  /** Feeds the next chunk of the body. Throws ParseError or PushLimitError as soon as one is certain. The chunk is not kept. */
  push(chunk: Uint8Array): void {
    this.#checkUsable();
    try {
      this.#reader.push(chunk);
    } catch (error) {
      throw this.#remember(error);
    }
  }

  /**
   * The body ended cleanly: parses a last line that lacks `\n` and returns the families that got at
   * least one sample, in first-seen order, with series in body order. Throws ParseError.
   * The caller owns the returned objects.
   */
  end(): MetricFamily[] {
    this.#checkUsable();
    try {
      this.#reader.end();
    } catch (error) {
      throw this.#remember(error);
    }
    this.#ended = true;
    return this.#families.result();
  }

  #checkUsable(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#ended) throw new Error('TextParser: used after end()');
  }

  #remember(error: unknown): unknown {
    if (error instanceof ParseError || error instanceof PushLimitError) this.#failure = error;
    return error;
  }

  #fail(detail: string): ParseError {
    return new ParseError(this.#line, detail);
  }

  #parseLine(buf: Uint8Array, start: number, end: number): void {
    const i = skipBlanks(buf, start, end);
    if (i === end) return;
    if (buf[i] === HASH) this.#comment(buf, i + 1, end);
    else this.#sample(buf, i, end);
  }

  // `# HELP name text`, `# TYPE name type`; anything else after '#' is ignored, and so are these two
  // keywords with no name or nothing after the name (Go's startComment).
  #comment(buf: Uint8Array, start: number, end: number): void {
    let i = skipBlanks(buf, start, end);
    const keywordStart = i;
    while (i < end && !isBlank(buf[i]!)) i++;
    if (i === end || i - keywordStart !== 4) return;
    const isHelp = matches(buf, keywordStart, 'HELP');
    if (!isHelp && !matches(buf, keywordStart, 'TYPE')) return;
    i = skipBlanks(buf, i, end);
    const nameStart = i;
    const quoted = this.#utf8Names && i < end && buf[i] === QUOTE;
    i = quoted ? this.#quotedName(buf, i, end, 'metric', 'invalid metric name in comment') : this.#scanName(buf, i, end, METRIC_START, METRIC_REST);
    if (i === end) return;
    if (!isBlank(buf[i]!)) throw this.#fail('invalid metric name in comment');
    const { family } = this.#families.resolve(quoted ? this.#quoted : this.#strings.ascii(buf, nameStart, i, this.#nameHash));
    i = skipBlanks(buf, i, end);
    if (i === end) return; // so `# HELP x` leaves x without HELP, never with ''
    if (isHelp) this.#help(family, buf, i, end);
    else this.#type(family, buf, i, end);
  }

  #help(family: FamilyState, buf: Uint8Array, start: number, end: number): void {
    if (family.help !== undefined) throw this.#fail(`second HELP line for metric name "${family.name}"`);
    // HELP knows only the escapes \\ and \n (not \" as label values do).
    if (!contains(buf, start, end, BACKSLASH)) {
      family.help = this.#strings.text(buf, start, end);
      return;
    }
    const scratch = this.#scratchFor(end - start);
    let length = 0;
    for (let i = start; i < end; i++) {
      let b = buf[i]!;
      if (b === BACKSLASH) {
        const next = ++i < end ? buf[i]! : NEWLINE;
        if (next === BACKSLASH) b = BACKSLASH;
        else if (next === LETTER_N) b = NEWLINE;
        else throw this.#fail(`invalid escape sequence '\\${charOfByte(next)}'`);
      }
      scratch[length++] = b;
    }
    family.help = this.#strings.utf8(scratch, 0, length);
  }

  #type(family: FamilyState, buf: Uint8Array, start: number, end: number): void {
    if (family.type !== undefined) {
      throw this.#fail(`second TYPE line for metric name "${family.name}", or TYPE reported after samples`);
    }
    // Go reads the type word with its escape handling half switched off: every backslash is dropped.
    const scratch = this.#scratchFor(end - start);
    let length = 0;
    for (let i = start; i < end; i++) {
      if (buf[i] !== BACKSLASH) scratch[length++] = buf[i]!;
    }
    const type = metricTypeOf(this.#strings.utf8(scratch, 0, length));
    if (type === undefined) throw this.#fail(`unknown metric type ${quoteBytes(scratch, 0, length)}`);
    // Go 1.5.1 takes the word, loses every sample's value and then cuts every scrape short at this
    // family ([Rec] of SPEC §4.6): refused here, so nothing changes.
    if (type === 'gaugehistogram') throw this.#fail(`gauge histograms are not supported: push "${family.name}" as a histogram`);
    family.type = type;
  }

  #sample(buf: Uint8Array, start: number, end: number): void {
    // `{"name",…}`: the name is the first item inside the braces, and the label list goes on after it.
    const insideBraces = this.#utf8Names && buf[start] === BRACE_OPEN;
    let i = insideBraces ? skipBlanks(buf, start + 1, end) : start;
    const nameStart = i;
    const quoted = this.#utf8Names && i < end && buf[i] === QUOTE;
    i = quoted ? this.#quotedName(buf, i, end, 'metric', 'invalid metric name') : this.#scanName(buf, i, end, METRIC_START, METRIC_REST);
    if (i === nameStart) throw this.#fail('invalid metric name');
    if (++this.#samples > this.#limits.maxSeries) throw tooManySamples(this.#limits.maxSeries, `line ${this.#line}`);
    const { family, role } = this.#families.resolve(quoted ? this.#quoted : this.#strings.ascii(buf, nameStart, i, this.#nameHash));
    family.type ??= 'untyped'; // from now on a TYPE line for this family is an error
    if (i < end && isBlank(buf[i]!)) i = skipBlanks(buf, i, end);
    const labels: Labels = [];
    this.#bound = NaN;
    if (insideBraces) {
      const next = i < end ? buf[i]! : NEWLINE;
      if (next === BRACE_CLOSE) i = skipBlanks(buf, i + 1, end);
      else if (next === COMMA) i = this.#labels(family, buf, i, end, labels);
      else throw this.#fail(next === EQUALS ? 'invalid metric name' : `unexpected end of metric name ${quoteByte(next)}`);
    } else if (i < end && buf[i] === BRACE_OPEN) {
      i = this.#labels(family, buf, i, end, labels);
    }
    const valueStart = i;
    while (i < end && !isBlank(buf[i]!)) i++;
    const value = parseGoFloat(buf, valueStart, i);
    if (value === undefined) throw this.#fail(`expected float as value, got ${quoteBytes(buf, valueStart, i)}`);
    const timestampMs = i < end ? this.#timestamp(buf, i, end) : undefined;
    const metric = this.#record(family, role, labels, value);
    if (timestampMs !== undefined) metric.timestampMs = timestampMs;
  }

  // `{name="value",…}` starting at the '{' (or at the ',' after a name inside the braces); returns where the
  // value starts. Fills `labels` and #bound.
  #labels(family: FamilyState, buf: Uint8Array, start: number, end: number, labels: Labels): number {
    const boundName = family.type === 'summary' ? 'quantile' : family.type === 'histogram' ? 'le' : undefined;
    let names: Set<string> | undefined;
    let i = start;
    for (;;) {
      i = skipBlanks(buf, i + 1, end); // past '{' or ','
      if (i < end && buf[i] === BRACE_CLOSE) return skipBlanks(buf, i + 1, end);
      const nameStart = i;
      const quoted = this.#utf8Names && i < end && buf[i] === QUOTE ? this.#quotedLabelName(family, buf, i, end) : undefined;
      i = quoted === undefined ? this.#scanName(buf, i, end, LABEL_START, LABEL_REST) : this.#quotedEnd;
      if (i === nameStart) throw this.#fail(`invalid label name for metric "${family.name}"`);
      const nameEnd = i;
      if (i < end && isBlank(buf[i]!)) i = skipBlanks(buf, i, end);
      if (i === end || buf[i] !== EQUALS) {
        throw this.#fail(`expected '=' after label name, found ${quoteByte(i < end ? buf[i]! : NEWLINE)}`);
      }
      if (quoted === undefined ? nameEnd - nameStart === 8 && matches(buf, nameStart, '__name__') : quoted === '__name__') {
        throw this.#fail('label name "__name__" is reserved');
      }
      const isBound = boundName !== undefined &&
        (quoted === undefined ? nameEnd - nameStart === boundName.length && matches(buf, nameStart, boundName) : quoted === boundName);
      const name = isBound ? '' : quoted ?? this.#strings.ascii(buf, nameStart, nameEnd, this.#nameHash);
      if (!isBound) {
        // A scan while the series is narrow; a set once it is wide (see MANY_LABELS).
        if (names === undefined && labels.length >= 2 * MANY_LABELS) names = new Set(labels.filter((_, k) => k % 2 === 0));
        if (names === undefined ? hasLabel(labels, name) : names.has(name)) throw this.#fail(`duplicate label names for metric "${family.name}"`);
      }
      i = skipBlanks(buf, i + 1, end);
      if (i === end || buf[i] !== QUOTE) {
        throw this.#fail(`expected '"' at start of label value, found ${quoteByte(i < end ? buf[i]! : NEWLINE)}`);
      }
      i = this.#labelValue(buf, i + 1, end);
      const valueBuf = this.#valueBuf;
      const valueStart = this.#valueStart;
      const valueEnd = this.#valueEnd;
      checkLabel(nameEnd - nameStart, valueEnd - valueStart, this.#limits, this.#line);
      if (this.#valueHighBits >= 0x80 && !isValidUtf8(valueBuf, valueStart, valueEnd)) {
        throw this.#fail(`invalid label value ${quoteBytes(valueBuf, valueStart, valueEnd)}`);
      }
      if (isBound) {
        const bound = parseGoFloat(valueBuf, valueStart, valueEnd);
        if (bound === undefined) {
          throw this.#fail(`expected float as value for '${boundName}' label, got ${quoteBytes(valueBuf, valueStart, valueEnd)}`);
        }
        this.#bound = bound;
      } else {
        const value = this.#valueHighBits < 0x80
          ? this.#strings.ascii(valueBuf, valueStart, valueEnd, this.#valueHash)
          : this.#strings.utf8(valueBuf, valueStart, valueEnd);
        if (labels.length / 2 >= this.#limits.maxLabels) throw tooManyLabels(this.#limits, labels.length / 2 + 1, `line ${this.#line}`);
        labels.push(name, value);
        names?.add(name);
      }
      i = skipBlanks(buf, i + 1, end); // past the closing quote
      if (i < end && buf[i] === COMMA) continue;
      if (i < end && buf[i] === BRACE_CLOSE) return skipBlanks(buf, i + 1, end);
      throw this.#fail(`unexpected end of label value ${quoteBytes(valueBuf, valueStart, valueEnd)}`);
    }
  }

  // Reads a label value (or, with `what` naming it, a quoted name) whose first byte is at `start` (after
  // the opening quote) into the #value* fields; returns the index of the closing quote.
  #labelValue(buf: Uint8Array, start: number, end: number, what = 'label value'): number {
    // Most values hold no backslash: point at them where they are.
    let highBits = 0;
    let hash = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b === QUOTE) {
        this.#setValue(buf, start, i, highBits, hash);
        return i;
      }
      if (b === BACKSLASH) return this.#escapedLabelValue(buf, start, end, what);
      highBits |= b;
      hash = hashStep(hash, b);
    }
    throw this.#fail(`${what} ${quoteBytes(buf, start, end)} contains unescaped new-line`);
  }

  // The slow path of #labelValue: unescapes \\, \" and \n into the scratch buffer.
  #escapedLabelValue(buf: Uint8Array, start: number, end: number, what: string): number {
    const scratch = this.#scratchFor(end - start);
    let length = 0;
    let highBits = 0;
    let hash = 0;
    for (let i = start; i < end; i++) {
      let b = buf[i]!;
      if (b === QUOTE) {
        this.#setValue(scratch, 0, length, highBits, hash);
        return i;
      }
      if (b === BACKSLASH) {
        const next = ++i < end ? buf[i]! : NEWLINE;
        if (next === QUOTE || next === BACKSLASH) b = next;
        else if (next === LETTER_N) b = NEWLINE;
        else throw this.#fail(`invalid escape sequence '\\${charOfByte(next)}'`);
      }
      scratch[length++] = b;
      highBits |= b;
      hash = hashStep(hash, b);
    }
    throw this.#fail(`${what} ${quoteBytes(scratch, 0, length)} contains unescaped new-line`);
  }

  #setValue(buf: Uint8Array, start: number, end: number, highBits: number, hash: number): void {
    this.#valueBuf = buf;
    this.#valueStart = start;
    this.#valueEnd = end;
    this.#valueHighBits = highBits;
    this.#valueHash = hash;
  }

  // The rest of a sample line after the value, starting at the blank that ended the value.
  #timestamp(buf: Uint8Array, start: number, end: number): number {
    const tokenStart = skipBlanks(buf, start, end);
    let i = tokenStart;
    while (i < end && !isBlank(buf[i]!)) i++;
    const timestampMs = parseGoInt64(buf, tokenStart, i);
    if (timestampMs === undefined) {
      throw this.#fail(`expected integer as timestamp, got ${quoteBytes(buf, tokenStart, i)}`);
    }
    if (i < end) {
      // As for TYPE, Go drops the backslashes of what it quotes here.
      const scratch = this.#scratchFor(end - i);
      let length = 0;
      for (let k = i; k < end; k++) {
        if (buf[k] !== BACKSLASH) scratch[length++] = buf[k]!;
      }
      throw this.#fail(`spurious string after timestamp: ${quoteBytes(scratch, 0, length)}`);
    }
    return timestampMs;
  }

  // Stores one parsed sample in its family; returns the metric it landed in.
  #record(family: FamilyState, role: SampleRole, labels: Labels, value: number): Metric {
    switch (family.type) {
      case 'summary': {
        const metric = this.#families.seriesFor(family, labels);
        if (role === 'count') metric.count = goUint64(value);
        else if (role === 'sum') metric.sum = value;
        else if (!Number.isNaN(this.#bound)) metric.quantiles!.push({ quantile: this.#bound, value });
        return metric;
      }
      case 'histogram': {
        const metric = this.#families.seriesFor(family, labels);
        if (role === 'count') metric.count = goUint64(value);
        else if (role === 'sum') metric.sum = value;
        else if (!Number.isNaN(this.#bound)) metric.buckets!.push({ upperBound: this.#bound, cumulativeCount: goUint64(value) });
        return metric;
      }
      default: {
        const metric: Metric = { labels, value };
        family.metrics.push(metric);
        return metric;
      }
    }
  }

  // Scans a name whose first byte has class bit `startBit` and the rest `restBit`; returns its end
  // (== start when there is no name) and leaves its intern hash in #nameHash.
  #scanName(buf: Uint8Array, start: number, end: number, startBit: number, restBit: number): number {
    if (start === end || (NAME_CLASS[buf[start]!]! & startBit) === 0) return start;
    let hash = hashStep(0, buf[start]!);
    let i = start + 1;
    for (; i < end; i++) {
      const b = buf[i]!;
      if ((NAME_CLASS[b]! & restBit) === 0) break;
      hash = hashStep(hash, b);
    }
    this.#nameHash = hash;
    return i;
  }

  // A quoted label name at `start` (the opening quote): the name, its end left in #quotedEnd.
  #quotedLabelName(family: FamilyState, buf: Uint8Array, start: number, end: number): string {
    this.#quotedEnd = this.#quotedName(buf, start, end, 'label', `invalid label name for metric "${family.name}"`);
    return this.#quoted;
  }

  // Reads a quoted name whose opening quote is at `start` into #quoted, with the escapes of a label value;
  // returns the index after the closing quote. A name that is empty or not valid UTF-8 is refused with
  // `invalid`, the message for a missing name where it stands.
  #quotedName(buf: Uint8Array, start: number, end: number, what: 'metric' | 'label', invalid: string): number {
    const close = this.#labelValue(buf, start + 1, end, `${what} name`);
    const valueBuf = this.#valueBuf;
    const valueStart = this.#valueStart;
    const valueEnd = this.#valueEnd;
    const ascii = this.#valueHighBits < 0x80;
    if (valueEnd === valueStart || (!ascii && !isValidUtf8(valueBuf, valueStart, valueEnd))) throw this.#fail(invalid);
    this.#quoted = ascii ? this.#strings.ascii(valueBuf, valueStart, valueEnd, this.#valueHash) : this.#strings.utf8(valueBuf, valueStart, valueEnd);
    return close + 1;
  }

  #scratchFor(length: number): Uint8Array {
    if (this.#scratch.length < length) this.#scratch = new Uint8Array(Math.max(length, this.#scratch.length * 2));
    return this.#scratch;
  }
}

/** Parses a whole text-format body at once (one `push` and `end`); see TextParser for the contract. */
export function parseText(body: Uint8Array | string, limits?: PushLimits, utf8Names = false): MetricFamily[] {
  const parser = new TextParser(limits, utf8Names);
  parser.push(typeof body === 'string' ? new TextEncoder().encode(body) : body);
  return parser.end();
}
