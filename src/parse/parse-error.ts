// ParseError: the only error the parse room throws, worded like Go's expfmt so clients see the same text.

/**
 * A push body that cannot be parsed. `message` is what the gateway sends back (SPEC §4.3):
 * `text format parsing error in line N: <detail>` for an error in line N (counted from 1), or the
 * bare text (e.g. `unexpected EOF`) with `line` 0 when the body itself could not be read.
 */
export class ParseError extends Error {
  /** The 1-based line of the error, or 0 when it is not about a line. */
  readonly line: number;

  /** An error in line `line` (≥ 1); `detail` is the Go message without the line prefix. */
  constructor(line: number, detail: string) {
    super(line > 0 ? `text format parsing error in line ${line}: ${detail}` : detail);
    this.name = 'ParseError';
    this.line = line;
  }

  /** An error that is not about a line, e.g. a body cut off mid-stream (`unexpected EOF`): the message is used as is. */
  static withoutLine(message: string): ParseError {
    return new ParseError(0, message);
  }
}
