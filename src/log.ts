// Leveled logger writing go-kit-style logfmt or JSON lines to stderr, so operators can reuse their Go log parsing.

/** Severities in increasing order; `--log.level` accepts exactly these words. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Line formats; `--log.format` accepts exactly these words. */
export const LOG_FORMATS = ['logfmt', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Extra key/value pairs of one log line. Keys should be plain identifiers; they are written unquoted. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * One method per level. Each call writes exactly one line, `ts`, `level`, `msg` first and then `fields` in
 * their insertion order; calls below the configured level return at once without formatting anything.
 */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether lines of `level` are written: lets a caller skip building fields nobody will see. */
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Receives each finished line including its `\n`. Defaults to stderr, where Go's gateway logs too. */
  readonly write?: (line: string) => void;
}

/** Builds a logger; lines are handed to `write` synchronously, in call order. */
export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const format = options.format === 'json' ? formatJsonLine : formatLogfmtLine;
  const threshold = LOG_LEVELS.indexOf(options.level);
  const method = (level: LogLevel) =>
    LOG_LEVELS.indexOf(level) < threshold
      ? () => {}
      : (msg: string, fields?: LogFields) => write(format(new Date(), level, msg, fields));
  const enabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) >= threshold;
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error'), enabled };
}

/** `ts=… level=… msg=… key=value …\n` like go-kit's logfmt logger (without its `caller`). */
export function formatLogfmtLine(time: Date, level: LogLevel, msg: string, fields?: LogFields): string {
  let line = `ts=${time.toISOString()} level=${level} msg=${logfmtValue(msg)}`;
  if (fields) for (const key in fields) line += ` ${key}=${logfmtValue(textOf(fields[key]))}`;
  return line + '\n';
}

/** One JSON object per line; keys in the same order as the logfmt form. */
export function formatJsonLine(time: Date, level: LogLevel, msg: string, fields?: LogFields): string {
  // Built by hand rather than by stringifying a merged object, where a field named `level` would overwrite the
  // real level in place; here it is repeated after it, as in the logfmt form.
  let line = `{"ts":"${time.toISOString()}","level":"${level}","msg":${JSON.stringify(msg)}`;
  if (fields) for (const key in fields) line += `,${JSON.stringify(key)}:${jsonValue(fields[key])}`;
  return line + '}\n';
}

/**
 * Quotes a logfmt value when it is empty or holds a space, control character, `=` or `"`; otherwise returns it
 * unchanged. Inside quotes `\`, `"` and control characters are escaped.
 */
export function logfmtValue(value: string): string {
  if (value.length > 0 && !NEEDS_QUOTES.test(value)) return value;
  return '"' + value.replace(ESCAPED, escapeChar) + '"';
}

// go-logfmt quotes runes <= ' ' plus '=' and '"'; DEL is added because a terminal would not show it either.
// Empty values are quoted too (as slog does) so that `key=""` stays visibly present.
const NEEDS_QUOTES = /[\u0000-\u0020="\u007f]/;
const ESCAPED = /[\u0000-\u001f"\\\u007f]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '"': return '\\"';
    case '\\': return '\\\\';
    case '\n': return '\\n';
    case '\r': return '\\r';
    case '\t': return '\\t';
    default: return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
  }
}

/** How a field value reads in logfmt: errors by message, dates in ISO form, objects as JSON. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (value instanceof Error) return value.message;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return jsonValue(value);
  return String(value);
}

function jsonValue(value: unknown): string {
  if (value === undefined) return 'null';
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'bigint') return `"${value}"`;
  try {
    return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? String(inner) : inner)) ?? 'null';
  } catch {
    // A cyclic object must not take the process down through a log call.
    return JSON.stringify(String(value));
  }
}
