// PromQL-style label matchers (`{job=~"ci-.*", env!="prod"}`) for scopes: parsed once, matched against grouping labels.
import { WebConfigProblem } from './yaml-fields.ts';

/** One matcher; `regex` is set for `=~` and `!~` and, as in Prometheus, anchored at both ends. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
  readonly regex?: RegExp;
}

const OPEN = /^\s*\{\s*/y;
// One matcher and the comma after it, if any (PromQL allows one before the closing brace).
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,\s*)?/y;
const CLOSE = /^\}\s*$/;

/**
 * Parses `{name op "value", …}`; throws WebConfigProblem naming `where` for anything else. Regular
 * expressions are JavaScript's (Prometheus uses RE2: the common syntax is the same), anchored like Prometheus's.
 */
export function parseLabelMatchers(text: string, where: string): readonly LabelMatcher[] {
  const bad = (why: string) => new WebConfigProblem(`${where}: ${why} in ${JSON.stringify(text)}, want e.g. {job=~"ci-.*"}`);
  OPEN.lastIndex = 0;
  if (!OPEN.test(text)) throw bad('no opening brace');
  const matchers: LabelMatcher[] = [];
  MATCHER.lastIndex = OPEN.lastIndex;
  let more = true;
  while (!CLOSE.test(text.slice(MATCHER.lastIndex))) {
    const start = MATCHER.lastIndex;
    const match: RegExpExecArray | null = more ? MATCHER.exec(text) : null;
    if (match === null) throw bad(`cannot read a matcher at offset ${start}`);
    const [, name = '', op = '=', raw = ''] = match;
    more = match[4] !== undefined;
    const value = JSON.parse(`"${raw}"`) as string;
    let regex: RegExp | undefined;
    if (op === '=~' || op === '!~') {
      try {
        regex = new RegExp(`^(?:${value})$`, 'u');
      } catch (error) {
        throw bad(`bad regular expression (${(error as Error).message})`);
      }
    }
    matchers.push(Object.freeze({ name, op: op as LabelMatcher['op'], value, ...(regex === undefined ? {} : { regex }) }));
  }
  if (matchers.length === 0) throw bad('no matcher');
  return Object.freeze(matchers);
}

/** True when every matcher holds for `labels` (name, value, name, value, …); a missing label has the value ''. */
export function matchesLabels(matchers: readonly LabelMatcher[], labels: readonly string[]): boolean {
  return matchers.every((matcher) => {
    let value = '';
    for (let i = 0; i < labels.length; i += 2) if (labels[i] === matcher.name) value = labels[i + 1]!;
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
  });
}
