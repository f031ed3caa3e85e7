// The value syntaxes of flags that Go spells its own way: durations (`5m0s`) and byte sizes (`64MiB`).

/** Bad command line. `message` is the reason alone, worded like kingpin's (`unknown long flag '--nope'`). */
export class FlagError extends Error {
  override name = 'FlagError';
}

/**
 * Formats a duration in milliseconds as Go's `time.Duration.String()` does: `5m0s`, `1.5s`, `1h0m0s`, `300µs`,
 * `0s`. Sub-nanosecond parts are rounded away. `ms` must be finite.
 */
export function formatGoDuration(ms: number): string {
  const whole = Math.trunc(ms);
  let ns = BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6));
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns === 0n) return '0s';
  if (ns < NS_PER_SECOND) {
    const [digits, unit] = ns < 1000n ? [0, 'ns'] : ns < NS_PER_MS ? [3, 'µs'] : [6, 'ms'];
    return sign + withFraction(ns, digits) + unit;
  }
  const seconds = ns / NS_PER_SECOND;
  let text = `${withFraction(ns % (60n * NS_PER_SECOND), 9)}s`;
  if (seconds >= 60n) text = `${(seconds / 60n) % 60n}m` + text;
  if (seconds >= 3600n) text = `${seconds / 3600n}h` + text;
  return sign + text;
}

/**
 * Parses Go's duration syntax (`time.ParseDuration`): `300ms`, `1.5h`, `2h45m`, `-5m`, `0`; units ns, us/µs,
 * ms, s, m, h. Returns milliseconds. Throws FlagError with Go's message (`time: invalid duration "abc"`).
 */
export function parseGoDuration(text: string): number {
  const invalid = () => new FlagError(`time: invalid duration ${goQuote(text)}`);
  let rest = text;
  const negative = rest.startsWith('-');
  if (negative || rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0n;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    const [matched, intDigits = '', fractionDigits] = number;
    if (intDigits === '' && !fractionDigits) throw invalid();
    rest = rest.slice(matched.length);
    const unitText = /^[^.\d]*/.exec(rest)![0];
    if (unitText === '') throw new FlagError(`time: missing unit in duration ${goQuote(text)}`);
    const unit = NS_PER_UNIT.get(unitText);
    if (unit === undefined) throw new FlagError(`time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`);
    rest = rest.slice(unitText.length);
    let value = BigInt(intDigits || '0') * unit;
    // Go scales the fraction in float64 and truncates, so `0.1s` is exactly 100ms and `1.0000000001s` is 1s.
    // Go stops reading fraction digits once they would overflow int64; 18 digits always fit.
    if (fractionDigits) {
      const digits = fractionDigits.slice(0, 18);
      value += BigInt(Math.trunc(Number(digits) * (Number(unit) / 10 ** digits.length)));
    }
    total += value;
    if (total > MAX_DURATION_NS) throw invalid();
  }
  const ms = Number(total) / 1e6;
  return negative && ms !== 0 ? -ms : ms;
}

/**
 * Parses a byte size: plain bytes (`1048576`) or a number with B, KiB, MiB or GiB (`64MiB`, `1.5GiB`).
 * Throws FlagError unless the result is a positive whole number of bytes.
 */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(B|KiB|MiB|GiB)?$/.exec(text);
  const bytes = match ? Number(match[1]) * BYTES_PER_UNIT[match[2] ?? 'B']! : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new FlagError(`invalid byte size ${JSON.stringify(text)}, want a positive number of bytes or of KiB, MiB, GiB`);
  }
  return bytes;
}

/** The shortest exact spelling of a byte count: `64MiB`, `512KiB`, `1000B`. */
export function formatByteSize(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB'] as const) {
    const size = BYTES_PER_UNIT[unit]!;
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1_000_000_000n;
const MAX_DURATION_NS = (1n << 63n) - 1n;
const NS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1000n],
  ['µs', 1000n], // U+00B5 micro sign, what Go prints
  ['μs', 1000n], // U+03BC Greek mu, which Go accepts too
  ['ms', NS_PER_MS],
  ['s', NS_PER_SECOND],
  ['m', 60n * NS_PER_SECOND],
  ['h', 3600n * NS_PER_SECOND],
]);
const BYTES_PER_UNIT: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** `value` / 10^digits with the remainder as a decimal fraction, trailing zeros dropped (Go's fmtFrac). */
function withFraction(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${value / scale}${fraction ? '.' + fraction : ''}`;
}

/** Quotes like Go's time package: `"` and `\` escaped, bytes outside printable ASCII as `\xNN`. */
function goQuote(text: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(text)) {
    if (byte < 0x20 || byte >= 0x80) out += '\\x' + byte.toString(16).padStart(2, '0');
    else out += (byte === 0x22 || byte === 0x5c ? '\\' : '') + String.fromCharCode(byte);
  }
  return out + '"';
}

/** A URL as logs and the status page show it: its password, if any, replaced by `xxxxx`. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = 'xxxxx';
  return parsed.toString();
}
