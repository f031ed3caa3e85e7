// The fast path of a text push: body bytes → families in stored form, with no object per series.

import { boundedMemo } from '../model/bounded-memo.ts';
import { MAX_FLOAT_BYTES, writeGoFloat } from '../model/format-float.ts';
import { type EncodedFamily, MANY_LABELS } from '../model/group.ts';
import type { Labels } from '../model/metric.ts';
import { parseGoFloat } from '../model/parse-float.ts';
import { type SeriesSeed, seriesHash, seriesSeed } from '../model/series-hash.ts';
import { TokenStrings, hashStep } from '../model/token-strings.ts';
import { isCanonicalDecimal, writeLongInteger } from '../stored/canonical-values.ts';
import { type GroupingPair, groupingPairs } from '../stored/grouping-pairs.ts';
import { compareRanges, compareToBytes, sameBytes, sameRangeAs } from './byte-ranges.ts';
import { FamilyTable, type FamilyState, type Resolution, type SampleRole } from './family-table.ts';
import { LineReader } from './line-reader.ts';
import { DEFAULT_PUSH_LIMITS, type PushLimits } from '../model/push-limits.ts';
import {
  BACKSLASH, BRACE_CLOSE, BRACE_OPEN, COMMA, EQUALS, HASH, LABEL_REST, LABEL_START, LETTER_N, METRIC_REST, METRIC_START,
  NAME_CLASS, QUOTE, isBlank, matches, skipBlanks,
} from './text-syntax.ts';
import { isValidUtf8 } from './utf8.ts';

/**
 * Turns a whole text body straight into the families the store keeps: each sample line is rewritten
 * into its stored line by copying bytes — the label pairs sorted and merged with the grouping labels
 * (plus `instance=""`), label values kept as escaped in the body (the text format escapes exactly as
 * it is printed), values copied when the body already spells them as Go prints them — and each series
 * is hashed from the label bytes just written. No Metric, label array or string per series is made.
 *
 * It covers the pushes clients actually send and nothing else: it returns undefined, leaving the body
 * to TextParser and the ordinary store path, on anything that path would treat specially — a syntax
 * error (TextParser words it), a timestamp, an escape in HELP, a body label that a grouping label
 * overrides, a reserved label name, a `-0`, a count that is not a whole number, a histogram without
 * `+Inf`, a summary or histogram series without `_sum` or `_count`, anything at or past one of `limits`
 * (TextParser words the 413; label values are measured escaped here, so one near its limit is left to it), a family whose lines are not
 * together. A family whose series come back later in the body gives duplicate hashes, and the store
 * then applies the structured parse instead (see EncodedPush). So whenever it answers, the families are
 * byte for byte what TextParser + sanitising + encodeFamilyText (stored/family-text.ts) would store.
 */
export function transcodeText(body: Uint8Array, grouping: Labels, limits: PushLimits = DEFAULT_PUSH_LIMITS): EncodedFamily[] | undefined {
  const pairs = groupingPairs(grouping);
  if (pairs === undefined) return undefined;
  const transcoder = new Transcoder(pairs, limits);
  try {
    const reader = new LineReader(limits.maxLineBytes, (buf, start, end) => transcoder.line(buf, start, end));
    reader.push(body);
    reader.end();
    return transcoder.end();
  } catch (error) {
    if (error === GIVE_UP || error instanceof Error) return undefined;
    throw error;
  }
}

/** Thrown to leave the fast path; never escapes transcodeText. */
const GIVE_UP = Symbol('give up');

const UNDERSCORE = 0x5f;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const MAX_EXACT_COUNT = 2 ** 53;
const utf8 = new TextEncoder();

/** Where one family's stored lines and hashes lie in the shared buffers. */
interface FamilyOutput {
  readonly state: FamilyState;
  readonly nameBytes: Uint8Array;
  readonly seed: SeriesSeed;
  textStart: number;
  textEnd: number;
  hashStart: number;
  hashEnd: number;
}

/** A name resolved lately: its bytes (`length` -1 = unused), family resolution and output. */
interface RecentName {
  readonly bytes: Uint8Array;
  length: number;
  resolution: Resolution;
  output: FamilyOutput;
}

// Shared scratch, grown as needed: transcoding is synchronous and never re-entered.
let out = new Uint8Array(64 * 1024);
let hashes = new Float64Array(1024);
// Per line: the body labels as [nameStart, nameEnd, valueStart, valueEnd] offsets into the line.
let spans = new Int32Array(64);
// The sorted label block of the current line, and of the summary/histogram series being written.
let lineBlock = new Uint8Array(1024);
let seriesBlock = new Uint8Array(1024);
// The same for the body labels alone (no grouping labels), as long as the blocks.
let lineLabels = new Uint8Array(1024);
let seriesLabels = new Uint8Array(1024);
const strings = new TokenStrings();
// The names a transcoding resolved last (emptied for each body).
const recentNames: RecentName[] = Array.from({ length: 4 }, () => ({ bytes: new Uint8Array(128), length: -1, resolution: undefined!, output: undefined! }));
// A family name's bytes and hash seed, kept across pushes (fleets push the same names again and again).
const familyName = boundedMemo(4096, (name: string): { bytes: Uint8Array; seed: SeriesSeed } => ({ bytes: utf8.encode(name), seed: seriesSeed(name) }));

class Transcoder {
  readonly #grouping: GroupingPair[];
  readonly #groupingBytes: number;
  readonly #limits: PushLimits;
  #samples = 0;
  readonly #families = new FamilyTable();
  readonly #outputs = new Map<FamilyState, FamilyOutput>();
  #at = 0;
  #hashCount = 0;
  #current: FamilyOutput | undefined;
  // The line being read: its label count and block length, its bound (le/quantile) and value tokens.
  #labelCount = 0;
  #blockLength = 0;
  #bound = NaN;
  #boundStart = 0;
  #boundEnd = 0;
  // The next entry of `recentNames` to replace, and the output of the last line's family.
  #recentNext = 0;
  #lastOutput: FamilyOutput | undefined;
  // The summary/histogram series being written (its block is in seriesBlock).
  #seriesOpen = false;
  #seriesLength = 0;
  #seriesLabelsLength = 0;
  #sum = NaN;
  #count = NaN;
  #hasSum = false;
  #hasCount = false;
  #infinitySeen = false;

  constructor(grouping: GroupingPair[], limits: PushLimits) {
    for (const entry of recentNames) entry.length = -1;
    this.#grouping = grouping;
    this.#limits = limits;
    let bytes = 0;
    for (const pair of grouping) bytes += pair.pair.length + 1;
    this.#groupingBytes = bytes;
  }

  line(buf: Uint8Array, start: number, end: number): void {
    const i = skipBlanks(buf, start, end);
    if (i === end) return;
    if (buf[i] === HASH) this.#comment(buf, i + 1, end);
    else this.#sample(buf, i, end);
  }

  end(): EncodedFamily[] {
    this.#closeFamily();
    const families: EncodedFamily[] = [];
    for (const output of this.#outputs.values()) {
      if (output.hashEnd === output.hashStart) continue;
      const state = output.state;
      families.push({
        name: state.name,
        type: state.type!,
        help: state.help,
        // Copies, not views of one copy: in the server, views cost more than they save (measured).
        text: out.slice(output.textStart, output.textEnd),
        seriesHashes: hashes.slice(output.hashStart, output.hashEnd),
      });
    }
    return families;
  }

  // TextParser's #comment, giving up where it would throw.
  #comment(buf: Uint8Array, start: number, end: number): void {
    let i = skipBlanks(buf, start, end);
    const keywordStart = i;
    while (i < end && !isBlank(buf[i]!)) i++;
    if (i === end || i - keywordStart !== 4) return;
    const isHelp = matches(buf, keywordStart, 'HELP');
    if (!isHelp && !matches(buf, keywordStart, 'TYPE')) return;
    i = skipBlanks(buf, i, end);
    const nameStart = i;
    i = scanName(buf, i, end, METRIC_START, METRIC_REST);
    if (i === end) return;
    if (!isBlank(buf[i]!)) throw GIVE_UP;
    const family = this.#resolve(buf, nameStart, i).family;
    i = skipBlanks(buf, i, end);
    if (i === end) return;
    if (isHelp) {
      if (family.help !== undefined) throw GIVE_UP;
      for (let k = i; k < end; k++) if (buf[k] === BACKSLASH) throw GIVE_UP;
      family.help = strings.text(buf, i, end);
      return;
    }
    if (family.type !== undefined) throw GIVE_UP;
    const length = end - i;
    if (length === 5 && matches(buf, i, 'gauge')) family.type = 'gauge';
    else if (length === 7 && matches(buf, i, 'counter')) family.type = 'counter';
    else if (length === 7 && matches(buf, i, 'summary')) family.type = 'summary';
    else if (length === 7 && matches(buf, i, 'untyped')) family.type = 'untyped';
    else if (length === 9 && matches(buf, i, 'histogram')) family.type = 'histogram';
    else throw GIVE_UP;
  }

  #sample(buf: Uint8Array, start: number, end: number): void {
    let i = scanName(buf, start, end, METRIC_START, METRIC_REST);
    if (i === start || ++this.#samples > this.#limits.maxSeries) throw GIVE_UP;
    const { family: state, role } = this.#resolve(buf, start, i);
    const output = this.#lastOutput!;
    state.type ??= 'untyped';
    if (state.name === 'push_time_seconds' || state.name === 'push_failure_time_seconds') throw GIVE_UP;
    if (output !== this.#current) this.#openFamily(output);
    if (i < end && isBlank(buf[i]!)) i = skipBlanks(buf, i, end);
    this.#labelCount = 0;
    this.#bound = NaN;
    if (i < end && buf[i] === BRACE_OPEN) i = this.#labels(state, buf, i, end);
    const valueStart = i;
    while (i < end && !isBlank(buf[i]!)) i++;
    if (i < end) throw GIVE_UP; // a timestamp, or blanks Go would read as a missing one
    if (state.type === 'summary' || state.type === 'histogram') {
      const value = parseGoFloat(buf, valueStart, i);
      if (value === undefined || (value === 0 && 1 / value < 0)) throw GIVE_UP;
      const needed = this.#blockBytes();
      if (needed > lineBlock.length) {
        lineBlock = new Uint8Array(Math.max(needed, 2 * lineBlock.length));
        lineLabels = new Uint8Array(lineBlock.length);
      }
      // The body labels alone (sorted) tell a series apart within the push: the whole block, grouping
      // labels merged in, is only built when a new series starts.
      const labelsLength = this.#writeBodyLabels(buf, lineLabels);
      if (!this.#seriesOpen || !sameBytes(lineLabels, seriesLabels, labelsLength, this.#seriesLabelsLength)) {
        this.#blockLength = this.#writeLabelBlock(buf, lineBlock, 0);
        this.#closeSeries(output);
        this.#openSeries(output, labelsLength);
      }
      this.#seriesLine(output, role, buf, valueStart, end, value);
    } else {
      this.#simpleLine(output, buf, valueStart, end);
    }
  }

  // `name{block} value` of a counter, gauge or untyped series.
  #simpleLine(output: FamilyOutput, buf: Uint8Array, valueStart: number, valueEnd: number): void {
    this.#reserve(output.nameBytes.length + this.#blockBytes() + MAX_FLOAT_BYTES + 8);
    this.#write(output.nameBytes);
    out[this.#at++] = BRACE_OPEN;
    const blockStart = this.#at;
    this.#at = this.#writeLabelBlock(buf, out, blockStart);
    this.#addHash(seriesHash(output.seed, out, blockStart, this.#at));
    out[this.#at++] = BRACE_CLOSE;
    out[this.#at++] = SPACE;
    this.#writeValue(buf, valueStart, valueEnd);
    out[this.#at++] = NEWLINE;
  }

  // A quantile, bucket, _sum or _count line: bound lines are written at once, _sum and _count when the series ends.
  #seriesLine(output: FamilyOutput, role: SampleRole, buf: Uint8Array, valueStart: number, valueEnd: number, value: number): void {
    const isSummary = output.state.type === 'summary';
    const isCount = role === 'count' || (role === 'plain' && !isSummary);
    if (isCount && !(Number.isInteger(value) && value >= 0 && value <= MAX_EXACT_COUNT)) throw GIVE_UP;
    if (role === 'sum') {
      this.#sum = value;
      this.#hasSum = true;
      return;
    }
    if (role === 'count') {
      this.#count = value;
      this.#hasCount = true;
      return;
    }
    const bound = this.#bound;
    if (bound !== bound || (bound === 0 && 1 / bound < 0)) throw GIVE_UP; // no bound, NaN or -0
    if (bound === Infinity) this.#infinitySeen = true;
    const name = output.nameBytes;
    this.#reserve(name.length + 32 + this.#seriesLength + 2 * MAX_FLOAT_BYTES);
    this.#write(name);
    if (!isSummary) this.#writeAscii('_bucket');
    out[this.#at++] = BRACE_OPEN;
    this.#writeBlock(seriesBlock, this.#seriesLength);
    this.#writeAscii(isSummary ? ',quantile="' : ',le="');
    this.#writeValue(buf, this.#boundStart, this.#boundEnd);
    this.#writeAscii('"} ');
    this.#writeValue(buf, valueStart, valueEnd);
    out[this.#at++] = NEWLINE;
  }

  #openSeries(output: FamilyOutput, labelsLength: number): void {
    const swap = seriesBlock;
    seriesBlock = lineBlock;
    lineBlock = swap;
    const swapLabels = seriesLabels;
    seriesLabels = lineLabels;
    lineLabels = swapLabels;
    this.#seriesLength = this.#blockLength;
    this.#seriesLabelsLength = labelsLength;
    this.#seriesOpen = true;
    this.#hasSum = false;
    this.#hasCount = false;
    this.#infinitySeen = false;
    this.#addHash(seriesHash(output.seed, seriesBlock, 0, this.#seriesLength));
  }

  // Ends the open summary/histogram series with its _sum and _count lines, as Go prints them.
  #closeSeries(output: FamilyOutput): void {
    if (!this.#seriesOpen) return;
    this.#seriesOpen = false;
    if (!this.#hasSum || !this.#hasCount) throw GIVE_UP;
    if (output.state.type === 'histogram' && !this.#infinitySeen) throw GIVE_UP;
    const name = output.nameBytes;
    this.#reserve(2 * (name.length + 16 + this.#seriesLength + MAX_FLOAT_BYTES));
    for (let line = 0; line < 2; line++) {
      this.#write(name);
      this.#writeAscii(line === 0 ? '_sum{' : '_count{');
      this.#writeBlock(seriesBlock, this.#seriesLength);
      out[this.#at++] = BRACE_CLOSE;
      out[this.#at++] = SPACE;
      this.#at = writeGoFloat(out, this.#at, line === 0 ? this.#sum : this.#count);
      out[this.#at++] = NEWLINE;
    }
  }

  #openFamily(output: FamilyOutput): void {
    this.#closeFamily();
    // Lines of one family apart from each other: TextParser gathers them, this path does not.
    if (output.hashEnd > output.hashStart) throw GIVE_UP;
    output.textStart = this.#at;
    output.hashStart = this.#hashCount;
    this.#current = output;
  }

  #closeFamily(): void {
    const current = this.#current;
    if (current === undefined) return;
    this.#closeSeries(current);
    current.textEnd = this.#at;
    current.hashEnd = this.#hashCount;
    this.#current = undefined;
  }

  // `{name="value",…}` from the '{' on, as TextParser#labels reads it; records spans and the bound.
  #labels(state: FamilyState, buf: Uint8Array, start: number, end: number): number {
    const boundName = state.type === 'summary' ? 'quantile' : state.type === 'histogram' ? 'le' : undefined;
    let i = start;
    for (;;) {
      i = skipBlanks(buf, i + 1, end);
      if (i < end && buf[i] === BRACE_CLOSE) return skipBlanks(buf, i + 1, end);
      const nameStart = i;
      i = scanName(buf, i, end, LABEL_START, LABEL_REST);
      const nameEnd = i;
      if (nameEnd === nameStart) throw GIVE_UP;
      if (i < end && isBlank(buf[i]!)) i = skipBlanks(buf, i, end);
      if (i === end || buf[i] !== EQUALS) throw GIVE_UP;
      i = skipBlanks(buf, i + 1, end);
      if (i === end || buf[i] !== QUOTE) throw GIVE_UP;
      const valueStart = i + 1;
      i = labelValueEnd(buf, valueStart, end);
      const isBound = boundName !== undefined && nameEnd - nameStart === boundName.length && matches(buf, nameStart, boundName);
      if (isBound) {
        const bound = parseGoFloat(buf, valueStart, i);
        if (bound === undefined) throw GIVE_UP;
        this.#bound = bound;
        this.#boundStart = valueStart;
        this.#boundEnd = i;
      } else {
        this.#addSpan(buf, nameStart, nameEnd, valueStart, i);
      }
      i = skipBlanks(buf, i + 1, end);
      if (i < end && buf[i] === COMMA) continue;
      if (i < end && buf[i] === BRACE_CLOSE) return skipBlanks(buf, i + 1, end);
      throw GIVE_UP;
    }
  }

  // Records a body label, keeping the spans sorted by name (ASCII bytes sort as the store's strings
  // do); gives up on a label past a limit, a reserved name or a repeated one (which the insertion meets next to its place).
  // Grouping-label names are caught when the block is written.
  #addSpan(buf: Uint8Array, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    if (buf[nameStart] === UNDERSCORE && nameEnd - nameStart > 1 && buf[nameStart + 1] === UNDERSCORE) throw GIVE_UP;
    const count = this.#labelCount;
    const limits = this.#limits;
    // Wide series go to the parser, whose sort and duplicate check stay n log n there (see MANY_LABELS).
    if (count >= Math.min(limits.maxLabels, MANY_LABELS) || nameEnd - nameStart > limits.maxLabelNameBytes || valueEnd - valueStart > limits.maxLabelValueBytes) throw GIVE_UP;
    if (4 * count + 4 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    let k = count;
    for (; k > 0; k--) {
      const order = compareRanges(buf, spans[4 * (k - 1)]!, spans[4 * (k - 1) + 1]!, nameStart, nameEnd);
      if (order === 0) throw GIVE_UP;
      if (order < 0) break;
      for (let f = 4 * k; f < 4 * k + 4; f++) spans[f] = spans[f - 4]!;
    }
    spans[4 * k] = nameStart;
    spans[4 * k + 1] = nameEnd;
    spans[4 * k + 2] = valueStart;
    spans[4 * k + 3] = valueEnd;
    this.#labelCount = count + 1;
  }

  // An upper bound of the bytes #writeLabelBlock writes for the current line.
  #blockBytes(): number {
    let needed = this.#groupingBytes;
    for (let k = 0; k < this.#labelCount; k++) needed += spans[4 * k + 3]! - spans[4 * k]! + 4;
    return needed;
  }

  // Merges the sorted body labels with the grouping pairs into `block` at `at` (`a="1",b="2"`); returns
  // the end. The caller has made room for #blockBytes(). Gives up on a body label named like a grouping
  // label (the ordinary path lets the grouping label win): a merge compares every such pair.
  #writeLabelBlock(buf: Uint8Array, block: Uint8Array, at: number): number {
    const grouping = this.#grouping;
    const count = this.#labelCount;
    const start = at;
    let g = 0;
    let k = 0;
    while (g < grouping.length || k < count) {
      if (at > start) block[at++] = COMMA;
      let takeBody = k < count;
      if (takeBody && g < grouping.length) {
        const order = compareToBytes(buf, spans[4 * k]!, spans[4 * k + 1]!, grouping[g]!.name);
        if (order === 0) throw GIVE_UP;
        takeBody = order < 0;
      }
      if (takeBody) {
        at = writeSpan(buf, k++, block, at);
      } else {
        // A loop, not `set`: the native call costs more than copying a short pair.
        const pair = grouping[g++]!.pair;
        for (let b = 0; b < pair.length; b++) block[at++] = pair[b]!;
      }
    }
    return at;
  }

  // The sorted body labels alone into `target` (`a="1",b="2"`), room made; returns the length.
  #writeBodyLabels(buf: Uint8Array, target: Uint8Array): number {
    let at = 0;
    for (let k = 0; k < this.#labelCount; k++) {
      if (k > 0) target[at++] = COMMA;
      at = writeSpan(buf, k, target, at);
    }
    return at;
  }

  // A value or bound token as Go prints the number: copied when the body spells it so already, turned
  // into Go's exponent form when it is a long integer, else parsed and formatted (giving up on what
  // Go would not read, and on -0).
  #writeValue(buf: Uint8Array, start: number, end: number): void {
    const target = out;
    if (isCanonicalDecimal(buf, start, end)) {
      let at = this.#at;
      for (let b = start; b < end; b++) target[at++] = buf[b]!;
      this.#at = at;
      return;
    }
    const written = writeLongInteger(buf, start, end, target, this.#at);
    if (written >= 0) {
      this.#at = written;
      return;
    }
    const value = parseGoFloat(buf, start, end);
    if (value === undefined || (value === 0 && 1 / value < 0)) throw GIVE_UP;
    this.#at = writeGoFloat(target, this.#at, value);
  }

  // The family (and role) the name `buf[start, end)` refers to; also leaves its output in #lastOutput.
  #resolve(buf: Uint8Array, start: number, end: number): Resolution {
    // Lines repeat a few names (a histogram's `_bucket`, `_sum`, `_count`): compare bytes with the
    // names seen last before making a string.
    const length = end - start;
    const recent = recentNames;
    for (let r = 0; r < recent.length; r++) {
      const entry = recent[r]!;
      if (entry.length === length && sameRangeAs(buf, start, entry.bytes, length)) {
        this.#lastOutput = entry.output;
        return entry.resolution;
      }
    }
    let hash = 0;
    for (let i = start; i < end; i++) hash = hashStep(hash, buf[i]!);
    const resolution = this.#families.resolve(strings.ascii(buf, start, end, hash));
    const family = resolution.family;
    let output = this.#outputs.get(family);
    if (output === undefined) {
      const { bytes, seed } = familyName(family.name);
      output = { state: family, nameBytes: bytes, seed, textStart: 0, textEnd: 0, hashStart: 0, hashEnd: 0 };
      this.#outputs.set(family, output);
    }
    const entry = recent[this.#recentNext]!;
    this.#recentNext = (this.#recentNext + 1) % recent.length;
    if (length <= entry.bytes.length) {
      for (let i = 0; i < length; i++) entry.bytes[i] = buf[start + i]!;
      entry.length = length;
      entry.resolution = resolution;
      entry.output = output;
    }
    this.#lastOutput = output;
    return resolution;
  }

  #addHash(hash: number): void {
    if (this.#hashCount === hashes.length) {
      const grown = new Float64Array(hashes.length * 2);
      grown.set(hashes);
      hashes = grown;
    }
    hashes[this.#hashCount++] = hash;
  }

  // Locals, not the module's `out`, in the copying loops: measurably faster in JSC.
  #write(bytes: Uint8Array): void {
    this.#writeBlock(bytes, bytes.length);
  }

  #writeBlock(block: Uint8Array, length: number): void {
    const target = out;
    let at = this.#at;
    for (let b = 0; b < length; b++) target[at++] = block[b]!;
    this.#at = at;
  }

  #writeAscii(text: string): void {
    const target = out;
    let at = this.#at;
    for (let c = 0; c < text.length; c++) target[at++] = text.charCodeAt(c);
    this.#at = at;
  }

  #reserve(count: number): void {
    if (this.#at + count <= out.length) return;
    const grown = new Uint8Array(Math.max(2 * out.length, this.#at + count));
    grown.set(out.subarray(0, this.#at));
    out = grown;
  }
}

// Writes body label `k` as `name="value"` (name and value copied apart: blanks may surround the '=').
function writeSpan(buf: Uint8Array, k: number, target: Uint8Array, at: number): number {
  const nameEnd = spans[4 * k + 1]!;
  const valueEnd = spans[4 * k + 3]!;
  for (let b = spans[4 * k]!; b < nameEnd; b++) target[at++] = buf[b]!;
  target[at++] = EQUALS;
  target[at++] = QUOTE;
  for (let b = spans[4 * k + 2]!; b < valueEnd; b++) target[at++] = buf[b]!;
  target[at++] = QUOTE;
  return at;
}

// Scans a name whose first byte has class bit `startBit` and the rest `restBit`; returns its end
// (== start when there is no name).
function scanName(buf: Uint8Array, start: number, end: number, startBit: number, restBit: number): number {
  if (start === end || (NAME_CLASS[buf[start]!]! & startBit) === 0) return start;
  let i = start + 1;
  while (i < end && (NAME_CLASS[buf[i]!]! & restBit) !== 0) i++;
  return i;
}

// The closing quote of a label value starting at `start`; gives up on a bad escape, a missing quote or
// UTF-8 that is not well-formed. Escapes stay as they are: they are the printed form.
function labelValueEnd(buf: Uint8Array, start: number, end: number): number {
  let highBits = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      if (highBits >= 0x80 && !isValidUtf8(buf, start, i)) throw GIVE_UP;
      return i;
    }
    if (b === BACKSLASH) {
      if (++i === end) throw GIVE_UP;
      const next = buf[i];
      if (next !== BACKSLASH && next !== QUOTE && next !== LETTER_N) throw GIVE_UP;
    }
    highBits |= b;
  }
  throw GIVE_UP;
}

