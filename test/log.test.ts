// The leveled logger: level filtering, go-kit-style logfmt lines with logfmt quoting, JSON lines, stderr output.
import { describe, expect, test } from 'bun:test';
import { createLogger, formatJsonLine, formatLogfmtLine, type LogFormat, type LogLevel, logfmtValue } from '../src/log.ts';

const TIME = new Date('2026-11-23T02:12:48.123Z');

/** A logger whose lines are collected instead of written to stderr. */
function capture(level: LogLevel, format: LogFormat = 'logfmt') {
  const lines: string[] = [];
  const logger = createLogger({ level, format, write: (line) => lines.push(line) });
  return { logger, lines };
}

describe('createLogger', () => {
  test.each<[LogLevel, string[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('at level %s only %p are written', (level, written) => {
    const { logger, lines } = capture(level);
    logger.debug('m');
    logger.info('m');
    logger.warn('m');
    logger.error('m');
    expect(lines.map((line) => /level=(\w+)/.exec(line)![1])).toEqual(written);
  });

  test.each<[LogLevel, boolean[]]>([
    ['debug', [true, true, true, true]],
    ['warn', [false, false, true, true]],
  ])('at level %s enabled() answers %p for debug, info, warn, error', (level, answers) => {
    expect(['debug', 'info', 'warn', 'error'].map((asked) => capture(level).logger.enabled(asked as LogLevel))).toEqual(answers);
  });

  test('a logfmt line starts with the current time in Go’s millisecond UTC form', () => {
    const { logger, lines } = capture('info');
    logger.info('starting pushgateway', { version: '0.1.0' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=info msg="starting pushgateway" version=0\.1\.0\n$/);
  });

  test('a json line is one parseable object', () => {
    const { logger, lines } = capture('debug', 'json');
    logger.debug('persisted', { file: '/tmp/x', groups: 3 });
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'debug', msg: 'persisted', file: '/tmp/x', groups: 3 });
  });

  test('writes to stderr by default', () => {
    const script = `import { createLogger } from ${JSON.stringify(new URL('../src/log.ts', import.meta.url).pathname)};
      createLogger({ level: 'info', format: 'logfmt' }).warn('careful', { n: 1 });`;
    const result = Bun.spawnSync([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'pipe' });
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString()).toMatch(/^ts=\S+ level=warn msg=careful n=1\n$/);
  });
});

describe('logfmt', () => {
  test.each<[string, string]>([
    ['plain', 'plain'],
    ['/metrics/job/a', '/metrics/job/a'],
    ['[::]:9091', '[::]:9091'],
    // Quoted: empty, space, '=', '"', control characters; backslashes only need escaping inside quotes.
    ['', '""'],
    ['two words', '"two words"'],
    ['a=b', '"a=b"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['line\nbreak', '"line\\nbreak"'],
    ['tab\there', '"tab\\there"'],
    ['bell\u0007', '"bell\\u0007"'],
    ['back\\slash', 'back\\slash'],
    ['back\\slash and space', '"back\\\\slash and space"'],
    ['grüße', 'grüße'],
  ])('value %p is written as %s', (value, written) => {
    expect(logfmtValue(value)).toBe(written);
  });

  test('fields follow ts, level and msg in insertion order, rendered by type', () => {
    const fields = { err: new Error('no such file'), n: 42, ok: true, none: null, missing: undefined, big: 10n, labels: { job: 'a' }, at: TIME };
    expect(formatLogfmtLine(TIME, 'error', 'error persisting metrics', fields)).toBe(
      'ts=2026-11-23T02:12:48.123Z level=error msg="error persisting metrics" err="no such file" n=42 ok=true none=null ' +
        'missing=null big=10 labels="{\\"job\\":\\"a\\"}" at=2026-11-23T02:12:48.123Z\n',
    );
  });
});

describe('json', () => {
  test('keys in the logfmt order, values as JSON', () => {
    const fields = { err: new Error('boom'), n: 1.5, big: 10n, missing: undefined, labels: { job: 'a' } };
    expect(formatJsonLine(TIME, 'warn', 'say "hi"', fields)).toBe(
      '{"ts":"2026-11-23T02:12:48.123Z","level":"warn","msg":"say \\"hi\\"","err":"boom","n":1.5,"big":"10","missing":null,"labels":{"job":"a"}}\n',
    );
  });

  test('a field named like a fixed key is repeated after it, as in logfmt', () => {
    const line = formatJsonLine(TIME, 'info', 'm', { level: 'fake' });
    expect(line.indexOf('"level":"info"')).toBeLessThan(line.indexOf('"level":"fake"'));
  });

  test('a cyclic value does not throw', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => formatJsonLine(TIME, 'info', 'm', { cyclic })).not.toThrow();
    expect(() => formatLogfmtLine(TIME, 'info', 'm', { cyclic })).not.toThrow();
  });
});
