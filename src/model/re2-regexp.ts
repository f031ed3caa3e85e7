// Prometheus's label regexes are Go RE2; this turns one into a JavaScript RegExp that matches the same strings, or refuses it.

/**
 * A pattern RE2 would refuse, or one whose meaning JavaScript cannot reproduce exactly. The message is
 * lower-case and names the construct.
 */
export class RegexpSyntaxError extends Error {
  override name = 'RegexpSyntaxError';
}

/** RE2's POSIX classes (`[[:alpha:]]`), which JavaScript reads as a character class of its own letters. */
const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** RE2's `\s` is these five bytes; JavaScript's also takes \v, NBSP and the other Unicode spaces. */
const RE2_SPACE = '\\t\\n\\f\\r ';

/** Escapes that mean the same in both (with JavaScript's `u` flag: \d and \w are ASCII in both, and fold alike under `i`). */
const SAME_ESCAPES = new Set(['d', 'D', 'w', 'W', 'f', 'n', 'r', 't', 'v']);

/** Greatest count RE2 takes in `{n,m}`. */
const MAX_REPEAT = 1000;

/**
 * The RegExp that matches what Prometheus's `=~` matches for `pattern`: the whole value (Prometheus anchors
 * as `^(?s:pattern)$`, so `.` takes newlines too), by RE2's rules. Constructs that read alike but mean
 * something else in JavaScript are translated (`\s`, POSIX classes, `\Q…\E`, `\A`, `\z`, `\x{…}`, `\a`,
 * escaped punctuation, a literal `{` or a `]` opening a class, `(?P<name>`, inline flags `(?i)`); what RE2
 * refuses (lookaround, backreferences) and the few that cannot be made to match alike (Unicode classes
 * `\p`, the `m` flag, `(?-s)`, `\S` inside a class) throw RegexpSyntaxError.
 */
export function re2ToRegExp(pattern: string): RegExp {
  const source = translate(pattern);
  try {
    return new RegExp(`^(?:${source})$`, 'su');
  } catch (error) {
    // What is left are mistakes both engines refuse (`a**`, `(`, `[z-a]`).
    throw new RegexpSyntaxError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

function translate(pattern: string): string {
  const refuse = (what: string): never => {
    throw new RegexpSyntaxError(`invalid regular expression ${JSON.stringify(pattern)}: ${what}`);
  };
  let out = '';
  // For each open group: how many `(?flags:` groups an inline `(?flags)` opened inside it, closed with it.
  const opened: number[] = [0];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const [text, next] = escape(pattern, i, false, refuse);
      out += text;
      i = next;
    } else if (c === '[') {
      const [text, next] = characterClass(pattern, i, refuse);
      out += text;
      i = next;
    } else if (c === '(') {
      if (pattern.startsWith('(?', i)) {
        const group = groupStart(pattern, i, refuse);
        i = group.next;
        if (group.inline) {
          out += group.text;
          opened[opened.length - 1]!++;
          continue;
        }
        out += group.text;
      } else {
        out += '(';
        i++;
      }
      opened.push(0);
    } else if (c === ')') {
      // A `)` without its `(` is left for RegExp to refuse, as RE2 does.
      out += ')'.repeat(opened.length > 1 ? opened.pop()! : 0) + ')';
      i++;
    } else if (c === '{') {
      const repeat = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (repeat === null) {
        // Not a repeat: RE2 takes the brace literally, JavaScript with `u` refuses it.
        out += '\\{';
        i++;
      } else {
        const counts = [repeat[1]!, repeat[3] ?? ''].filter((n) => n !== '').map(Number);
        if (counts.some((n) => n > MAX_REPEAT)) refuse(`invalid repeat count: ${repeat[0]}`);
        out += repeat[0];
        i += repeat[0].length;
      }
    } else if (c === '}') {
      out += '\\}';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out + ')'.repeat(opened[0]!);
}

/** `(?…` at `at`: a group's opening in JavaScript's syntax, and whether it was an inline `(?flags)`. */
function groupStart(pattern: string, at: number, refuse: (what: string) => never): { text: string; next: number; inline: boolean } {
  const rest = pattern.slice(at);
  if (rest.startsWith('(?:')) return { text: '(?:', next: at + 3, inline: false };
  const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
  if (named !== null) return { text: '(', next: at + named[0].length, inline: false };
  const flags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
  if (flags === null) refuse(`lookaround and other (?… groups are not RE2 syntax: ${rest.slice(0, 4)}`);
  const [whole, on = '', off = '', end] = flags!;
  if (/[^imsU]/.test(on + off) || whole === '(?)' || whole === '(?-)' || whole.endsWith('-:') || whole.endsWith('-)')) refuse(`invalid or unsupported Perl syntax: ${whole}`);
  if (on.includes('m') || off.includes('m')) refuse('the m flag is not supported: JavaScript ends lines at \\r as well');
  if (off.includes('s')) refuse('(?-s) is not supported: JavaScript\'s . refuses \\r as well');
  // `s` is on already (Prometheus's (?s:…)); `U` only swaps greediness, which never changes whether a whole value matches.
  const modifiers = (on.includes('i') ? 'i' : '') + (off.includes('i') ? '-i' : '');
  const text = modifiers === '' ? '(?:' : `(?${modifiers}:`;
  return { text, next: at + whole.length, inline: end === ')' };
}

/** The escape at `at` (a backslash) in JavaScript's syntax, inside a class or not. */
function escape(pattern: string, at: number, inClass: boolean, refuse: (what: string) => never): [string, number] {
  const c = pattern[at + 1];
  if (c === undefined) refuse('trailing backslash at end of expression');
  // RE2's word boundary is ASCII even under (?i); JavaScript's case-insensitive one also takes ſ and K (U+212A).
  if (!inClass && (c === 'b' || c === 'B')) return [`(?-i:\\${c})`, at + 2];
  if (SAME_ESCAPES.has(c!)) return ['\\' + c, at + 2];
  if (c === 's') return [inClass ? RE2_SPACE : `[${RE2_SPACE}]`, at + 2];
  if (c === 'S') {
    if (inClass) refuse('\\S inside a character class is not supported');
    return [`[^${RE2_SPACE}]`, at + 2];
  }
  if (c === 'a') return ['\\x07', at + 2];
  if (!inClass && c === 'A') return ['^', at + 2];
  if (!inClass && c === 'z') return ['$', at + 2];
  if (!inClass && c === 'Q') {
    // Unclosed, Go's quote would run on through Prometheus's closing `)$`: the pattern does not compile there.
    const end = pattern.indexOf('\\E', at + 2);
    if (end < 0) refuse('missing closing ): \\Q without \\E');
    return [[...pattern.slice(at + 2, end)].map(literalChar).join(''), end + 2];
  }
  if (c === 'x') {
    const hex = /^\\x(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{2}))/.exec(pattern.slice(at));
    if (hex === null) refuse(`invalid escape sequence: ${pattern.slice(at, at + 4)}`);
    const code = parseInt(hex![1] ?? hex![2]!, 16);
    if (code > 0x10ffff) refuse(`invalid escape sequence: ${hex![0]}`);
    return [`\\u{${code.toString(16)}}`, at + hex![0].length];
  }
  if (c === '0' || (c! >= '1' && c! <= '7' && /[0-7]/.test(pattern[at + 2] ?? ''))) {
    // RE2's octal escapes: \0, or up to three digits; a single other digit would be a backreference.
    const octal = /^\\([0-7]{1,3})/.exec(pattern.slice(at))!;
    return [`\\u{${parseInt(octal[1]!, 8).toString(16)}}`, at + octal[0].length];
  }
  if (c! >= '1' && c! <= '9') refuse(`backreferences are not RE2 syntax: \\${c}`);
  if (c === 'p' || c === 'P') refuse('Unicode classes (\\p, \\P) are not supported: RE2 and JavaScript name them differently');
  if (/[!-/:-@[-`{-~]/.test(c!)) return [literalChar(c!), at + 2];
  return refuse(`invalid escape sequence: \\${c}`);
}

/** A class `[…]` at `at` in JavaScript's syntax. */
function characterClass(pattern: string, at: number, refuse: (what: string) => never): [string, number] {
  let i = at + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  // RE2 takes a `]` right after `[` or `[^` as a member.
  if (pattern[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!;
    if (c === '[' && pattern[i + 1] === ':') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(i));
      if (posix === null || POSIX_CLASSES[posix[2]!] === undefined) refuse(`invalid character class range: ${pattern.slice(i, i + 10)}`);
      if (posix![1] === '^') refuse(`negated POSIX classes are not supported: ${posix![0]}`);
      out += POSIX_CLASSES[posix![2]!];
      i += posix![0].length;
    } else if (c === '\\') {
      const [text, next] = escape(pattern, i, true, refuse);
      out += text;
      i = next;
    } else {
      // `[`, `{`, `}`, `(`, `)`, `|`, `/` are plain members in RE2; JavaScript's `u` wants some escaped.
      out += '[{}()|/'.includes(c) ? '\\' + c : c;
      i++;
    }
  }
  if (i >= pattern.length) refuse(`missing closing ]: ${pattern.slice(at)}`);
  return [out + ']', i + 1];
}

/** One character matched literally, in a form JavaScript's `u` syntax takes inside a class or out (it takes `\-` only inside a class). */
function literalChar(c: string): string {
  if (c === '-') return '\\x2d';
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}
