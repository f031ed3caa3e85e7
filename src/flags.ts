// The Go Pushgateway's command-line flags (kingpin syntax, same names, defaults and error wording) → frozen Config.

import { statSync, writeSync } from 'node:fs';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.ts';
import { type ExpiryPolicy, NO_EXPIRY } from './model/expiry.ts';
import { BODY_TIMEOUT_FLAG, DEFAULT_PUSH_LIMITS, LARGE_BODIES_FLAG, LIMIT_FLAGS, type PushLimits } from './model/push-limits.ts';
import { NO_QUOTAS, QUOTA_FLAGS, type Quotas } from './model/quotas.ts';
import { buildInfo } from './version.ts';
import { FlagError, formatByteSize, formatGoDuration, parseByteSize, parseGoDuration, redactedUrl } from './flag-values.ts';

export { FlagError, formatByteSize, formatGoDuration, parseByteSize, parseGoDuration };

/** Everything the flags decide, after validation. Frozen, and so is `listenAddresses`. */
export interface Config {
  /** `--web.listen-address`, in the order given; the default `:9091` is replaced, not extended, by explicit ones. */
  readonly listenAddresses: readonly string[];
  /** Serve the sockets systemd passes (LISTEN_FDS) instead of `listenAddresses`, as Go does. */
  readonly systemdSocket: boolean;
  readonly webConfigFile: string;
  /**
   * `--web.local-assets` (Debian's flag): a directory the web UI (src/ui/) serves its assets from instead of the
   * built-in ones; '' = built-in. Checked to be a directory at start.
   */
  readonly localAssets: string;
  /** Ours, not Go's: what each basic-auth user of the web config may do ('' = everything). */
  readonly webScopesFile: string;
  /** Always starts with `/`. */
  readonly telemetryPath: string;
  /** Raw flag text ('' = not set); its path is the default route prefix (SPEC §2.6). */
  readonly externalUrl: string;
  /** Raw flag text ('' = path of `externalUrl`); normalising it is the server's job (SPEC §2.6). */
  readonly routePrefix: string;
  readonly enableLifecycle: boolean;
  readonly enableAdminApi: boolean;
  /** '' = keep metrics in memory only. */
  readonly persistenceFile: string;
  /** Go duration in milliseconds; may have a fraction (`300us` = 0.3) and, as in Go, may be negative. */
  readonly persistenceIntervalMs: number;
  /** Journal every change beside the persistence file, durable before the write is acknowledged (SPEC D6). */
  readonly persistenceJournal: boolean;
  /** How long groups live after their last successful push: `--metrics.ttl`, `--metrics.max-ttl` (issue #14). Frozen. */
  readonly expiry: ExpiryPolicy;
  readonly disableConsistencyCheck: boolean;
  /** Metric and label names may be any UTF-8 (quoted in text bodies, `U__`-escaped in URLs), escaped per scrape as negotiated (SPEC §2.3, §6.3). */
  readonly utf8Names: boolean;
  /** What one push may hold: body bytes after decompression, line, samples, labels (SPEC D5). Frozen; each a positive integer. */
  readonly pushLimits: PushLimits;
  /** What one job may store and how often it may push (issue #14); frozen, each 0 = off. */
  readonly quotas: Quotas;
  /** Large push bodies (over 64 KiB, compressed or chunked) read at once; more get 429 (SPEC D5). */
  readonly maxConcurrentLargeBodies: number;
  /** How long a push body may take to arrive, in milliseconds; then 408 (SPEC D5). */
  readonly pushBodyTimeoutMs: number;
  /** Bun's idle timeout: a connection silent this long (milliseconds, whole seconds 1–255) is closed. */
  readonly idleTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /** `--storage.redis.…` (issue #15): replicas sharing one state on Redis. Frozen. */
  readonly redis: RedisConfig;
}

/** Where replicas keep their shared state (src/replica/); `url` '' = no Redis, the gateway is its own authority. */
export interface RedisConfig {
  /** `redis://[user:pass@]host:port/db`, or `rediss://` for TLS; '' = off. */
  readonly url: string;
  /** Put before every key the gateway uses, so several sets of replicas can share one Redis. */
  readonly prefix: string;
  /** How long a write waits for Redis before it is answered 503, in milliseconds. */
  readonly timeoutMs: number;
  /** Redis replicas that must have a write (Redis's WAIT) before it is acknowledged; 0 = the primary alone. */
  readonly waitReplicas: number;
}

/** What the command line asks for: a run with a Config, or only the usage, the man page or the version banner. */
export type ParsedFlags =
  | { readonly kind: 'run'; readonly config: Config }
  | { readonly kind: 'help' }
  | { readonly kind: 'help-man' }
  | { readonly kind: 'version' };


/** The name `pushgateway` prints before `: error:`, as Go prints its own binary's name. */
const PROGRAM_NAME = 'pushgateway';

// Go 1.5.1 (kingpin) exits 1 on a bad command line and prints only the error line, no usage; observed with
// `prometheus-pushgateway --nope`. We keep that rather than the getopt convention of 2: scripts test for it.
// Go exits 1 without usage; the issue asks for the conventional usage-error code and the usage text.
const FLAG_ERROR_EXIT_CODE = 2;

/**
 * Parses argv (without `bun src/main.ts`), following kingpin's rules: `--name=value` or `--name value`,
 * booleans as `--name` / `--no-name`, `-h`/`--help`, `--version`, `--` ends the flags. Precedence, as
 * observed on Go: the first of `--version`, `--help-long`, `--help-man` wins where it stands (kingpin runs them
 * as it reads them, so nothing after them is looked at, not even their own `=value`); then syntax errors (unknown
 * flag, missing argument, a positional argument); then `--help`; then bad values and repeats, the first in argv
 * order.
 * Throws FlagError; never prints or exits.
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const given: Given[] = [];
  let syntaxError: string | undefined;
  // Scanning stops at the first syntax error; like kingpin, flags after it are not even looked up.
  for (let i = 0; i < argv.length && syntaxError === undefined; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (i + 1 < argv.length) syntaxError = `unexpected ${argv[i + 1]}`;
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      const unprefixedKind = FLAGS_BY_NAME.get(name.slice(3))?.kind;
      const negated = !FLAGS_BY_NAME.has(name) && name.startsWith('no-') && unprefixedKind === 'bool';
      const flag = FLAGS_BY_NAME.get(negated ? name.slice(3) : name);
      if (flag === undefined) {
        syntaxError = `unknown long flag '--${name}'`;
      } else if (flag.kind === 'action' && flag.immediate !== undefined) {
        return { kind: flag.immediate };
      } else if (flag.kind !== 'value') {
        given.push({ flag, value: negated ? 'false' : 'true' });
        // kingpin takes no value for a boolean: `--web.enable-lifecycle=false` leaves "false" as a stray argument.
        if (inline !== undefined) syntaxError = `unexpected ${inline}`;
      } else if (inline !== undefined) {
        given.push({ flag, value: inline });
      } else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) {
        given.push({ flag, value: argv[++i]! });
      } else {
        // kingpin never takes a word starting with '-' as a value: `--persistence.interval -5m` fails here.
        syntaxError = `expected argument for flag '--${name}'`;
      }
    } else if (arg === '-') {
      syntaxError = "unknown short flag '-'";
    } else if (arg.startsWith('-')) {
      // `-h` is the only short flag; a cluster like `-hx` is read letter by letter.
      for (const letter of arg.slice(1)) {
        if (letter !== 'h') {
          syntaxError = `unknown short flag '-${letter}'`;
          break;
        }
        given.push({ flag: HELP, value: 'true' });
      }
    } else {
      syntaxError = `unexpected ${arg}`;
    }
  }

  if (syntaxError !== undefined) throw new FlagError(syntaxError);
  if (given.some((g) => g.flag === HELP)) return { kind: 'help' };
  return { kind: 'run', config: applyFlags(given) };
}

/**
 * The process entry point for flags: returns the Config, or prints and exits. Usage and version go to stdout
 * with exit 0 (Go ≥ 1.9.0); an error prints `pushgateway: error: <reason>, try --help` to stderr and exits 1, as Go does.
 */
export function readFlagsOrExit(argv: readonly string[]): Config {
  let parsed: ParsedFlags;
  try {
    parsed = parseFlags(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    // Synchronous writes: process.exit must not cut the message short on a pipe.
    writeSync(2, `${PROGRAM_NAME}: error: ${error.message}\n\n${usage()}`);
    process.exit(FLAG_ERROR_EXIT_CODE);
  }
  if (parsed.kind === 'run') return parsed.config;
  writeSync(1, parsed.kind === 'help' ? usage() : parsed.kind === 'help-man' ? manPage() : versionBanner());
  process.exit(0);
}

/** The `--help` (and `--help-long`) text, laid out as kingpin does: 80 columns, descriptions from column 33. */
export function usage(): string {
  let text = `usage: ${PROGRAM_NAME} [<flags>]\n\nThe Pushgateway\n\nFlags:\n`;
  for (const flag of LISTED_FLAGS) {
    // A boolean that defaults to true is turned off with --no-<name>, which its usage line shows.
    const negatable = flag.kind === 'bool' && DEFAULTS[flag.key];
    let left = `${flag === HELP ? '  -h, ' : '      '}--${negatable ? '[no-]' : ''}${flag.name}`;
    if (flag.kind === 'value') left += `=${flag.defaultText}${flag.repeatable ? ' ...' : ''}`;
    const lines = wrapWords(flag.help, USAGE_WIDTH - HELP_COLUMN);
    // A long flag column pushes its description to the next line instead of truncating either; kingpin leaves
    // its two separating spaces at the end of that line.
    text += left.length + 2 <= HELP_COLUMN ? left.padEnd(HELP_COLUMN) + lines.shift() + '\n' : left + '  \n';
    for (const line of lines) text += ' '.repeat(HELP_COLUMN) + line + '\n';
  }
  return text;
}

/**
 * The `--help-man` text: the troff page kingpin writes, flag by flag, with the version banner in `.TH` exactly
 * where kingpin puts it (line breaks and all, as Go 1.5.1 prints it).
 */
export function manPage(): string {
  let text = `.TH ${PROGRAM_NAME} 1 ${versionBanner().trimEnd()} ""\n.SH "NAME"\n${PROGRAM_NAME}\n`;
  text += `.SH "SYNOPSIS"\n.TP\n\\fB${PROGRAM_NAME} [<flags>]\\fR\n\n.SH "DESCRIPTION"\nThe Pushgateway\n.SH "OPTIONS"\n`;
  for (const flag of LISTED_FLAGS) {
    const value = flag.kind === 'value' ? `=${flag.defaultText}` : '';
    text += `.TP\n\\fB${flag === HELP ? '-h, ' : ''}--${flag.name}${value}\\fR\n${flag.help}\n`;
  }
  return text;
}

/** The `--version` text, shaped like prometheus/common's version banner, with Bun where Go names its compiler. */
export function versionBanner(): string {
  const { version, branch, revision, buildDate } = buildInfo();
  return (
    `${PROGRAM_NAME}, version ${version} (branch: ${branch}, revision: ${revision})\n` +
    // Stamped by `npm run build`; a run from the sources has no build date, as a Go build without one.
    (buildDate === '' ? '' : `  build date:       ${buildDate}\n`) +
    `  bun version:      ${Bun.version}\n` +
    `  platform:         ${process.platform}/${process.arch}\n`
  );
}

/**
 * Flag name → value as Go's `/api/v1/status` shows it (SPEC §7.3): every flag except help and version;
 * durations like `5m0s`, booleans `true`/`false`, repeated flags comma-joined. Returns a new object each call.
 */
export function flagsForStatus(config: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of FLAGS) if (flag.kind !== 'action') out[flag.name] = flag.show(config);
  return out;
}

// ---- the flag table -------------------------------------------------------------------------------------------

// The Config while flags are applied: the same fields, writable.
type Draft = { -readonly [K in keyof Config]: Config[K] };
type BooleanKey = { [K in keyof Config]: Config[K] extends boolean ? K : never }[keyof Config];
type StringKey = 'webConfigFile' | 'webScopesFile' | 'localAssets' | 'telemetryPath' | 'externalUrl' | 'routePrefix' | 'persistenceFile';

/** One flag: how usage shows it, how a value is stored in the draft Config, how the status API prints it. */
type Flag =
  /** `immediate`: what kingpin does the moment it reads the flag; without it, the flag is `--help`. */
  | { readonly kind: 'action'; readonly name: string; readonly help: string; readonly immediate?: 'version' | 'help' | 'help-man' }
  | { readonly kind: 'bool'; readonly name: string; readonly help: string; readonly key: BooleanKey; readonly show: (config: Config) => string }
  | {
      readonly kind: 'value';
      readonly name: string;
      readonly help: string;
      /** Shown after `=` in usage, quoted where kingpin quotes (string flags). */
      readonly defaultText: string;
      readonly repeatable?: boolean;
      /** Validates `value` and stores it; throws FlagError with the reason. */
      readonly set: (draft: Draft, value: string) => void;
      readonly show: (config: Config) => string;
    };

interface Given {
  readonly flag: Flag;
  readonly value: string;
}

const DEFAULT_LISTEN_ADDRESS = ':9091';
const HELP: Flag = { kind: 'action', name: 'help', help: 'Show context-sensitive help (also try --help-long and --help-man).' };
// Both are hidden from the usage, as in Go; without subcommands the long help is the help.
const HELP_LONG: Flag = { kind: 'action', name: 'help-long', help: 'Generate long help.', immediate: 'help' };
const HELP_MAN: Flag = { kind: 'action', name: 'help-man', help: 'Generate a man page.', immediate: 'help-man' };
const VERSION_FLAG: Flag = { kind: 'action', name: 'version', help: 'Show application version.', immediate: 'version' };

function boolFlag(name: string, key: BooleanKey, help: string): Flag {
  return { kind: 'bool', name, key, help, show: (config) => String(config[key]) };
}

/**
 * A free-text flag. `check` may refuse a value by throwing FlagError; `defaultText` overrides the quoted default
 * that kingpin shows for string flags.
 */
function stringFlag(
  name: string,
  key: StringKey,
  help: string,
  options: { readonly check?: (value: string) => void; readonly defaultText?: string } = {},
): Flag {
  const { check, defaultText = JSON.stringify(DEFAULTS[key]) } = options;
  return {
    kind: 'value',
    name,
    help,
    defaultText,
    set: (draft, value) => {
      check?.(value);
      draft[key] = value;
    },
    show: (config) => config[key],
  };
}

function choiceFlag<K extends 'logLevel' | 'logFormat'>(name: string, key: K, choices: readonly Config[K][], what: string, help: string): Flag {
  return {
    kind: 'value',
    name,
    help: `${help} One of: [${choices.join(', ')}]`,
    defaultText: DEFAULTS[key],
    set: (draft, value) => {
      // Case-sensitive, as in Go: `--log.level=DEBUG` is refused.
      if (!choices.includes(value as Config[K])) throw new FlagError(`unrecognized ${what} ${JSON.stringify(value)}`);
      draft[key] = value as Config[K];
    },
    show: (config) => config[key],
  };
}

/** A `--metrics.…` TTL (issue #14): a Go duration, 0 or more, stored in `expiry`; 0 is the default. */
function ttlFlag(name: string, key: keyof ExpiryPolicy, help: string): Flag {
  return {
    kind: 'value',
    name,
    help,
    defaultText: '0',
    set: (draft, value) => {
      const ms = parseGoDuration(value);
      if (ms < 0) throw new FlagError(`${name} must not be negative, got ${JSON.stringify(value)}`);
      draft.expiry = Object.freeze({ ...draft.expiry, [key]: ms });
    },
    show: (config) => formatGoDuration(config.expiry[key]),
  };
}

/**
 * A `--push.max-…` limit (SPEC D5): a byte size (`parseByteSize`: bytes, or KiB, MiB, GiB) or a plain positive
 * count, stored in `pushLimits`.
 */
function limitFlag(key: keyof PushLimits, unit: 'bytes' | 'count', help: string): Flag {
  const parse = unit === 'bytes' ? parseByteSize : parseCount;
  const format = unit === 'bytes' ? formatByteSize : String;
  return {
    kind: 'value',
    name: LIMIT_FLAGS[key],
    help: unit === 'bytes' ? `${help} Bytes, or a number with KiB, MiB, GiB.` : help,
    defaultText: format(DEFAULT_PUSH_LIMITS[key]),
    set: (draft, value) => {
      draft.pushLimits = Object.freeze({ ...draft.pushLimits, [key]: parse(value) });
    },
    show: (config) => format(config.pushLimits[key]),
  };
}

/**
 * A per-job quota (issue #14): a whole number, or for the rate a decimal number of pushes per second, stored
 * in `quotas`; 0, the default, is no quota.
 */
function quotaFlag(key: keyof Quotas, help: string): Flag {
  const parse = key === 'maxPushesPerSecondPerJob' ? parseRate : parseQuotaCount;
  return {
    kind: 'value',
    name: QUOTA_FLAGS[key],
    help,
    defaultText: String(NO_QUOTAS[key]),
    set: (draft, value) => {
      draft.quotas = Object.freeze({ ...draft.quotas, [key]: parse(value) });
    },
    show: (config) => String(config.quotas[key]),
  };
}

/** A `--storage.redis.…` flag (issue #15): `parse` validates the text and returns the fields it sets in `redis`. */
function redisFlag(
  suffix: string,
  help: string,
  options: { readonly defaultText: string; readonly parse: (value: string) => Partial<RedisConfig>; readonly show: (redis: RedisConfig) => string },
): Flag {
  return {
    kind: 'value',
    name: `storage.redis.${suffix}`,
    help,
    defaultText: options.defaultText,
    set: (draft, value) => {
      draft.redis = Object.freeze({ ...draft.redis, ...options.parse(value) });
    },
    show: (config) => options.show(config.redis),
  };
}

/** A whole number, 0 or more, digits only; throws FlagError otherwise. */
function parseQuotaCount(text: string): number {
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(count)) throw new FlagError(`invalid count ${JSON.stringify(text)}, want a whole number (0 = no quota)`);
  return count;
}

/** A decimal number of pushes per second, 0 or more (`0.5` = one every two seconds); throws FlagError otherwise. */
function parseRate(text: string): number {
  const rate = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(rate)) throw new FlagError(`invalid rate ${JSON.stringify(text)}, want a number of pushes per second (0 = no quota)`);
  return rate;
}

/** A positive whole number, digits only; throws FlagError otherwise. */
function parseCount(text: string): number {
  const count = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(count) || count <= 0) throw new FlagError(`invalid count ${JSON.stringify(text)}, want a positive whole number`);
  return count;
}

const DEFAULTS: Config = {
  listenAddresses: [DEFAULT_LISTEN_ADDRESS],
  systemdSocket: false,
  webConfigFile: '',
  localAssets: '',
  webScopesFile: '',
  telemetryPath: '/metrics',
  externalUrl: '',
  routePrefix: '',
  enableLifecycle: false,
  enableAdminApi: false,
  persistenceFile: '',
  persistenceIntervalMs: 5 * 60 * 1000,
  persistenceJournal: true,
  expiry: NO_EXPIRY,
  disableConsistencyCheck: false,
  utf8Names: false,
  pushLimits: DEFAULT_PUSH_LIMITS,
  quotas: NO_QUOTAS,
  maxConcurrentLargeBodies: 32,
  pushBodyTimeoutMs: 60_000,
  idleTimeoutMs: 10_000,
  logLevel: 'info',
  logFormat: 'logfmt',
  redis: Object.freeze({ url: '', prefix: 'pushgateway:', timeoutMs: 2000, waitReplicas: 0 }),
};

/** In Go's usage order, our own `push.max-…` limits after the push flags. */
const FLAGS: readonly Flag[] = [
  HELP,
  boolFlag('web.systemd-socket', 'systemdSocket', 'Use systemd socket activation listeners instead of port listeners (Linux only).'),
  {
    kind: 'value',
    name: 'web.listen-address',
    help: 'Addresses on which to expose metrics and web interface. Repeatable for multiple addresses.',
    defaultText: DEFAULT_LISTEN_ADDRESS,
    repeatable: true,
    set: (draft, value) => {
      draft.listenAddresses = [...draft.listenAddresses, value];
    },
    show: (config) => config.listenAddresses.join(','),
  },
  stringFlag('web.config.file', 'webConfigFile', '[EXPERIMENTAL] Path to configuration file that can enable TLS or authentication.'),
  stringFlag('web.local-assets', 'localAssets', 'Path to static assets/templates directory. Empty: the built-in ones.', { check: checkDirectory }),
  stringFlag(
    'web.scopes-file',
    'webScopesFile',
    'Path to a YAML file limiting what each basic-auth user of --web.config.file may do: push, delete, read, admin, on which groups.',
  ),
  stringFlag('web.telemetry-path', 'telemetryPath', 'Path under which to expose metrics.', {
    // Go accepts any text here and then dies registering the route (exit 2); refuse it up front instead.
    check: (value) => {
      if (!value.startsWith('/')) throw new FlagError(`web.telemetry-path must start with "/", got ${JSON.stringify(value)}`);
    },
  }),
  // kingpin shows URL flags unquoted, so the empty default reads `--web.external-url=`.
  stringFlag('web.external-url', 'externalUrl', 'The URL under which the Pushgateway is externally reachable.', { check: checkUrl, defaultText: '' }),
  stringFlag('web.route-prefix', 'routePrefix', 'Prefix for the internal routes of web endpoints. Defaults to the path of --web.external-url.'),
  boolFlag('web.enable-lifecycle', 'enableLifecycle', 'Enable shutdown via HTTP request.'),
  boolFlag('web.enable-admin-api', 'enableAdminApi', 'Enable API endpoints for admin control actions.'),
  stringFlag('persistence.file', 'persistenceFile', 'File to persist metrics. If empty, metrics are only kept in memory.'),
  {
    kind: 'value',
    name: 'persistence.interval',
    help: 'The minimum interval at which to write out the persistence file.',
    defaultText: '5m',
    set: (draft, value) => {
      draft.persistenceIntervalMs = parseGoDuration(value);
    },
    show: (config) => formatGoDuration(config.persistenceIntervalMs),
  },
  boolFlag(
    'persistence.journal',
    'persistenceJournal',
    'With --persistence.file, journal every change beside it and acknowledge a push only once it is on disk. ' +
      'With --no-persistence.journal only the file is written, as the Go gateway does: a crash loses the changes since its last write.',
  ),
  ttlFlag(
    'metrics.ttl',
    'ttlMs',
    'How long a group lives after its last successful push; then it is deleted as by a DELETE. A pusher may choose its group\'s own with the header Pushgateway-Expire-After. 0 = never.',
  ),
  ttlFlag(
    'metrics.max-ttl',
    'maxTtlMs',
    'Longest TTL a pusher may choose with Pushgateway-Expire-After; a longer one, or 0 (never), gets 400. It does not bound --metrics.ttl. 0 = no bound.',
  ),
  boolFlag('push.disable-consistency-check', 'disableConsistencyCheck', 'Do not check consistency of pushed metrics. DANGEROUS.'),
  boolFlag('push.enable-utf8-names', 'utf8Names', 'Allow UTF-8 characters in metric and label names.'),
  limitFlag('maxBodyBytes', 'bytes', 'Largest push body accepted, after decompression (gzip, snappy); larger pushes get 413.'),
  limitFlag('maxLineBytes', 'bytes', 'Longest line of a text push body, without its newline; a longer line gets 413.'),
  limitFlag('maxSeries', 'count', 'Most samples in one push (text sample lines; protobuf values, buckets, quantiles, sums, counts); more get 413. Bounds the memory a push takes while it is parsed.'),
  limitFlag('maxLabels', 'count', 'Most labels on one pushed series, not counting le, quantile and the grouping labels; more get 413.'),
  limitFlag('maxLabelNameBytes', 'bytes', 'Longest label name in a push body; a longer one gets 413.'),
  limitFlag('maxLabelValueBytes', 'bytes', 'Longest label value in a push body, unescaped; a longer one gets 413.'),
  quotaFlag('maxSeriesPerGroup', 'Most series one group may hold after a push (counted as --push.max-series counts samples, the push_time_seconds gauges not counted); a push past it gets 413. 0 = no quota.'),
  quotaFlag('maxGroupsPerJob', 'Most groups one job may have; a push that would create another gets 413 (a DELETE makes room). 0 = no quota.'),
  quotaFlag('maxPushesPerSecondPerJob', 'Most pushes per second one job may make (a token bucket per job); a push beyond it gets 429 with Retry-After, before its body is read. 0 = no quota.'),
  quotaFlag('maxPushBurstPerJob', 'Pushes one job may make at once under --push.max-pushes-per-second-per-job. 0 = the rate rounded up, at least 1.'),
  {
    kind: 'value',
    name: LARGE_BODIES_FLAG,
    help: 'Most push bodies over 64KiB, compressed or of unknown length that are read at once; a push beyond them gets 429. Bounds the memory of all pushes together.',
    defaultText: String(DEFAULTS.maxConcurrentLargeBodies),
    set: (draft, value) => {
      draft.maxConcurrentLargeBodies = parseCount(value);
    },
    show: (config) => String(config.maxConcurrentLargeBodies),
  },
  {
    kind: 'value',
    name: BODY_TIMEOUT_FLAG,
    help: 'Longest time a push body may take to arrive; a slower push gets 408.',
    defaultText: formatGoDuration(DEFAULTS.pushBodyTimeoutMs),
    set: (draft, value) => {
      const ms = parseGoDuration(value);
      if (!(ms > 0)) throw new FlagError(`${BODY_TIMEOUT_FLAG} must be positive, got ${JSON.stringify(value)}`);
      draft.pushBodyTimeoutMs = ms;
    },
    show: (config) => formatGoDuration(config.pushBodyTimeoutMs),
  },
  {
    kind: 'value',
    name: 'web.idle-timeout',
    help: 'A connection whose request or keep-alive wait sends and receives nothing for this long is closed (Bun closes one with unfinished headers after ~10s on its own). Whole seconds from 1s to 255s.',
    defaultText: formatGoDuration(DEFAULTS.idleTimeoutMs),
    set: (draft, value) => {
      const ms = parseGoDuration(value);
      if (!(ms % 1000 === 0 && ms >= 1000 && ms <= 255_000)) throw new FlagError(`web.idle-timeout must be whole seconds from 1s to 255s, got ${JSON.stringify(value)}`);
      draft.idleTimeoutMs = ms;
    },
    show: (config) => formatGoDuration(config.idleTimeoutMs),
  },
  redisFlag('url', 'Redis (or Valkey) holding the state shared by replicas of this gateway: redis://[user:pass@]host:port/db, rediss:// for TLS. Empty: this gateway alone holds its state.', {
    defaultText: '',
    parse: (value) => {
      if (value !== '' && !(/^rediss?:\/\//.test(value) && URL.canParse(value))) throw new FlagError(`storage.redis.url must be a redis:// or rediss:// URL, got ${JSON.stringify(value)}`);
      return { url: value };
    },
    // The status API and page show flags to anyone who may read them: never the password.
    show: (redis) => (redis.url === '' ? '' : redactedUrl(redis.url)),
  }),
  redisFlag('prefix', 'With --storage.redis.url: put before every Redis key of this set of replicas.', {
    defaultText: JSON.stringify(DEFAULTS.redis.prefix),
    parse: (value) => ({ prefix: value }),
    show: (redis) => redis.prefix,
  }),
  redisFlag('timeout', 'With --storage.redis.url: longest time a write waits for Redis; then it gets 503. Also how long Redis may be out of reach before /-/ready says not ready.', {
    defaultText: formatGoDuration(DEFAULTS.redis.timeoutMs),
    parse: (value) => {
      const ms = parseGoDuration(value);
      if (!(ms > 0)) throw new FlagError(`storage.redis.timeout must be positive, got ${JSON.stringify(value)}`);
      return { timeoutMs: ms };
    },
    show: (redis) => formatGoDuration(redis.timeoutMs),
  }),
  redisFlag('wait-replicas', "With --storage.redis.url: a write is acknowledged only once this many of Redis's own replicas have it (WAIT), else 503. 0 = the Redis primary alone.", {
    defaultText: '0',
    parse: (value) => ({ waitReplicas: parseQuotaCount(value) }),
    show: (redis) => String(redis.waitReplicas),
  }),
  choiceFlag('log.level', 'logLevel', LOG_LEVELS, 'log level', 'Only log messages with the given severity or above.'),
  choiceFlag('log.format', 'logFormat', LOG_FORMATS, 'log format', 'Output format of log messages.'),
  VERSION_FLAG,
  HELP_LONG,
  HELP_MAN,
];

const FLAGS_BY_NAME: ReadonlyMap<string, Flag> = new Map(FLAGS.map((flag) => [flag.name, flag]));
/** The flags usage and the man page show: kingpin hides `--help-long` and `--help-man`. */
const LISTED_FLAGS: readonly Flag[] = FLAGS.filter((flag) => flag !== HELP_LONG && flag !== HELP_MAN);

/** Applies the given flags in argv order over the defaults; throws FlagError for the first bad value or repeat. */
function applyFlags(given: readonly Given[]): Config {
  const draft: Draft = { ...DEFAULTS, listenAddresses: [] };
  const seen = new Set<Flag>();
  for (const { flag, value } of given) {
    if (flag.kind === 'action') continue;
    // kingpin refuses a second occurrence even when it agrees with the first, and `--x --no-x` as well.
    if (seen.has(flag) && !(flag.kind === 'value' && flag.repeatable)) throw new FlagError(`flag '${flag.name}' cannot be repeated`);
    seen.add(flag);
    if (flag.kind === 'bool') draft[flag.key] = value === 'true';
    else flag.set(draft, value);
  }
  if (draft.listenAddresses.length === 0) draft.listenAddresses = DEFAULTS.listenAddresses;
  // A burst without a rate would be accepted and do nothing.
  if (draft.quotas.maxPushBurstPerJob > 0 && draft.quotas.maxPushesPerSecondPerJob === 0) {
    throw new FlagError(`--${QUOTA_FLAGS.maxPushBurstPerJob} needs --${QUOTA_FLAGS.maxPushesPerSecondPerJob}`);
  }
  checkRedis(draft, given);
  return Object.freeze({ ...draft, listenAddresses: Object.freeze([...draft.listenAddresses]) });
}

/**
 * Redis is the authority when it is given: a persistence file beside it would be a second one. The other
 * `--storage.redis.…` flags do nothing without the URL, so they are refused rather than ignored.
 */
function checkRedis(draft: Draft, given: readonly Given[]): void {
  if (draft.redis.url === '') {
    const orphan = given.find(({ flag }) => flag.name.startsWith('storage.redis.'));
    if (orphan !== undefined) throw new FlagError(`--${orphan.flag.name} needs --storage.redis.url`);
    return;
  }
  if (draft.persistenceFile !== '') {
    throw new FlagError('--persistence.file cannot be used with --storage.redis.url: Redis holds the state of the replicas');
  }
}

/**
 * Refuses what Go's lenient `url.Parse` refuses in practice: a missing scheme before `:`, a bad `%` escape, and an
 * absolute URL that does not parse. Messages follow Go's `invalid URL: parse "<text>": <reason>`.
 */
function checkUrl(text: string): void {
  const fail = (reason: string) => new FlagError(`invalid URL: parse ${JSON.stringify(text)}: ${reason}`);
  if (text.startsWith(':')) throw fail('missing protocol scheme');
  const badEscape = /%(?![0-9a-fA-F]{2}).{0,2}/.exec(text);
  if (badEscape) throw fail(`invalid URL escape ${JSON.stringify(badEscape[0])}`);
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text) && !URL.canParse(text)) throw fail('invalid URL');
}

/** Refuses a path that is not an existing directory (a typo would otherwise surface only as missing pages). */
function checkDirectory(path: string): void {
  if (path === '') return;
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new FlagError(`web.local-assets: cannot use ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
  if (!isDirectory) throw new FlagError(`web.local-assets: ${JSON.stringify(path)} is not a directory`);
}

/** Greedy word wrap; a word longer than `width` gets a line of its own. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

const USAGE_WIDTH = 80;
const HELP_COLUMN = 33;
