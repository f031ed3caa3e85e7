// Prometheus series selectors (`{job=~"ci-.*", env!="prod"}`), parsed as PromQL reads them and matched against grouping labels.
import { re2ToRegExp, RegexpSyntaxError } from './re2-regexp.ts';

/** One matcher; `regex` is set for `=~` and `!~`: RE2's meaning, anchored at both ends as in Prometheus. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

/** A parsed selector: the metric name written before the braces (or as a lone string inside them), and the matchers. */
export interface Selector {
  readonly metricName?: string;
  readonly matchers: readonly LabelMatcher[];
}

/** Text that is no selector; the message starts with `line:column: parse error:` as Prometheus's does. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

const IDENTIFIER = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const OPERATOR = /=~|!~|!=|=/y;
const SPACE = /[ \t\r\n]*/y;
const QUOTES = ['"', "'", '`'];
// Go's escapes in a quoted PromQL string; the quote itself is matched by the caller.
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * Parses a selector as PromQL does: an optional metric name, then `{` matchers `}` (names plain or quoted
 * as UTF-8 names are, values in double, single or back quotes with Go's escapes, a comma before `}` allowed),
 * or the name alone. Regexes are RE2's (see re2-regexp.ts). Throws SelectorError naming the position. Empty
 * braces are refused, as Prometheus refuses them; which matchers a caller accepts is the caller's rule.
 */
export function parseSelector(text: string): Selector {
  const reader = new Reader(text);
  reader.space();
  let metricName = reader.take(METRIC_NAME);
  reader.space();
  const matchers: LabelMatcher[] = [];
  if (reader.peek() === '{' || metricName === undefined) {
    reader.expect('{', 'expected a metric name or "{"');
    reader.space();
    while (reader.peek() !== '}') {
      const nameAt = reader.at;
      const quoted = QUOTES.includes(reader.peek() ?? '');
      const name = quoted ? reader.string() : reader.take(IDENTIFIER);
      if (name === undefined) throw reader.error(`unexpected ${reader.found()} in label matching, expected label name`);
      reader.space();
      const op = reader.take(OPERATOR) as LabelMatcher['op'] | undefined;
      if (op === undefined && quoted && (reader.peek() === ',' || reader.peek() === '}')) {
        // `{"my.metric"}`: a quoted name alone is the metric name (Prometheus 3's UTF-8 names).
        if (metricName !== undefined) throw reader.errorAt(nameAt, 'metric name must not be set twice');
        metricName = name;
      } else {
        if (op === undefined) throw reader.error(`unexpected ${reader.found()} in label matching, expected label matching operator`);
        reader.space();
        const valueAt = reader.at;
        const value = reader.string();
        matchers.push(Object.freeze({ name, op, value, ...(op === '=~' || op === '!~' ? { regex: regexAt(reader, valueAt, value) } : {}) }));
      }
      reader.space();
      if (reader.peek() === ',') {
        reader.at++;
        reader.space();
      } else if (reader.peek() !== '}') {
        throw reader.error(`unexpected ${reader.found()} in label matching, expected "," or "}"`);
      }
    }
    reader.at++;
    reader.space();
    if (matchers.length === 0 && metricName === undefined) throw reader.errorAt(0, 'vector selector must contain at least one non-empty matcher');
  }
  if (reader.at < text.length) throw reader.error(`unexpected ${reader.found()} after the selector`);
  return Object.freeze({ ...(metricName === undefined ? {} : { metricName }), matchers: Object.freeze(matchers) });
}

/**
 * Parses a selector of groups: label matchers over grouping labels only. A metric name, before the braces,
 * quoted inside them or as `__name__`, is refused (SelectorError): a group is no series and has no name, and
 * `up{job="a"}` must not quietly delete every group of job a.
 */
export function parseGroupSelector(text: string): readonly LabelMatcher[] {
  const selector = parseSelector(text);
  const refuse = (found: string) => new SelectorError(`grouping selectors have only label matchers, found ${found}: a group has no metric name`);
  if (selector.metricName !== undefined) throw refuse(`the metric name ${JSON.stringify(selector.metricName)}`);
  if (selector.matchers.some((matcher) => matcher.name === '__name__')) throw refuse('a matcher on __name__');
  return selector.matchers;
}

/**
 * Prometheus's rule for a selector: at least one matcher must refuse the empty value, so that it cannot
 * select everything by accident (`{env=""}` would take every group without `env`). Its message is Prometheus's.
 */
export function checkNonEmpty(matchers: readonly LabelMatcher[]): void {
  if (matchers.every((matcher) => matchesValue(matcher, ''))) throw new SelectorError('vector selector must contain at least one non-empty matcher');
}

/** Whether any of `selectors` (each a list of matchers that must all hold) matches `labels`: several `match[]` are ORed. */
export function matchesAny(selectors: readonly (readonly LabelMatcher[])[], labels: readonly string[]): boolean {
  for (const matchers of selectors) if (matchesLabels(matchers, labels)) return true;
  return false;
}

function regexAt(reader: Reader, at: number, value: string): RegExp {
  try {
    return re2ToRegExp(value);
  } catch (error) {
    if (error instanceof RegexpSyntaxError) throw reader.errorAt(at, error.message);
    throw error;
  }
}

/** True when every matcher holds for `labels` (name, value, name, value, …); a missing label has the value '', as in Prometheus. */
export function matchesLabels(matchers: readonly LabelMatcher[], labels: readonly string[]): boolean {
  // Plain loops: the bulk delete runs this for every group (bench/bulk-delete.bench.ts).
  for (const matcher of matchers) {
    let value = '';
    for (let i = 0; i < labels.length; i += 2) {
      if (labels[i] === matcher.name) {
        value = labels[i + 1]!;
        break;
      }
    }
    if (!matchesValue(matcher, value)) return false;
  }
  return true;
}

/** Whether `matcher` holds for a label with `value` ('' for a label the series lacks). */
export function matchesValue(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex!.test(value);
    case '!~':
      return !matcher.regex!.test(value);
  }
}

/** A cursor over the selector text that words errors as Prometheus's parser does (`1:5: parse error: …`). */
class Reader {
  at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  peek(): string | undefined {
    return this.#text[this.at];
  }

  space(): void {
    this.take(SPACE);
  }

  /** The text `pattern` (a sticky RegExp) matches here, consumed; undefined when it matches nothing. */
  take(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.#text);
    if (match === null || match[0] === '') return undefined;
    this.at = pattern.lastIndex;
    return match[0];
  }

  expect(char: string, why: string): void {
    if (this.peek() !== char) throw this.error(`unexpected ${this.found()}, ${why}`);
    this.at++;
  }

  /** A quoted string here, unquoted: "…" and '…' with Go's escapes, `…` raw. */
  string(): string {
    const start = this.at;
    const quote = this.peek();
    if (quote === undefined || !QUOTES.includes(quote)) throw this.error(`unexpected ${this.found()} in label matching, expected string`);
    let value = '';
    let i = start + 1;
    for (;;) {
      const c = this.#text[i];
      if (c === undefined || (c === '\n' && quote !== '`')) throw this.errorAt(start, 'unterminated quoted string');
      if (c === quote) break;
      if (c !== '\\' || quote === '`') {
        value += c;
        i++;
        continue;
      }
      const [char, length] = this.#escape(i, quote);
      value += char;
      i += length;
    }
    this.at = i + 1;
    return value;
  }

  // Go's escapes (strconv.Unquote): \a \b \f \n \r \t \v \\, the quote, \xHH, \ooo, \uHHHH, \UHHHHHHHH.
  #escape(at: number, quote: string): [string, number] {
    const c = this.#text[at + 1] ?? '';
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) return [simple, 2];
    if (c === quote) return [quote, 2];
    const numeric = /^(?:x([0-9A-Fa-f]{2})|([0-7]{3})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))/.exec(this.#text.slice(at + 1));
    if (numeric !== null) {
      const code = numeric[2] !== undefined ? parseInt(numeric[2], 8) : parseInt(numeric[1] ?? numeric[3] ?? numeric[4]!, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000 && numeric[1] === undefined)) throw this.errorAt(at, `invalid escape sequence \\${numeric[0]}`);
      if (code > 0xff && numeric[2] !== undefined) throw this.errorAt(at, `invalid escape sequence \\${numeric[0]}`);
      return [String.fromCodePoint(code), 1 + numeric[0].length];
    }
    throw this.errorAt(at, `unknown escape sequence ${JSON.stringify('\\' + c)}`);
  }

  /** How Prometheus names what it found: `"}"`, `identifier "x"`, `end of input`. */
  found(): string {
    const rest = this.#text.slice(this.at);
    if (rest === '') return 'end of input';
    const word = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    return word === null ? JSON.stringify([...rest][0]) : `identifier ${JSON.stringify(word[0])}`;
  }

  error(message: string): SelectorError {
    return this.errorAt(this.at, message);
  }

  errorAt(at: number, message: string): SelectorError {
    const before = this.#text.slice(0, at).split('\n');
    return new SelectorError(`${before.length}:${before.at(-1)!.length + 1}: parse error: ${message}`);
  }
}
