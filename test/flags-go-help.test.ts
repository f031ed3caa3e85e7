// Every flag the Go gateway's --help and --help-man list (and the newest Go's --push.enable-utf8-names) is accepted by ours.
import { describe, expect, test } from 'bun:test';
import { manPage, parseFlags, usage } from '../src/flags.ts';
import { REFERENCE_BINARY } from './helpers/reference.ts';

/** What Go 1.5.1 prints for `flag` (its usage to stderr, the man page to stdout). */
function goOutput(flag: string): string {
  const result = Bun.spawnSync([REFERENCE_BINARY, flag], { stdout: 'pipe', stderr: 'pipe' });
  if (result.exitCode !== 0) throw new Error(`${REFERENCE_BINARY} ${flag} exited ${result.exitCode}`);
  return result.stdout.toString() + result.stderr.toString();
}

/** Each man-page entry `--name[=default]` with its description, keyed by flag name. */
function manEntries(page: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const match of page.matchAll(/^\.TP\n\\fB(?:-h, )?--([\w.-]+)(.*)\\fR\n(.*)\n/gm)) entries.set(match[1]!, match[0]);
  return entries;
}

const GO_HELP = goOutput('--help');
const GO_MAN = goOutput('--help-man');

/**
 * Go flags whose entry differs from Go's on purpose, with why. Everything else must read the same, byte for byte.
 * Debian's defaults for the assets and persistence files point into the Debian package; ours default to the
 * built-in assets and to memory only, as upstream does.
 */
const DIFFERENT_ENTRY: ReadonlyMap<string, string> = new Map([
  ['web.local-assets', 'default: the built-in assets instead of Debian’s directory'],
  ['persistence.file', 'default: memory only, as upstream, instead of Debian’s /var/lib file'],
]);

/** The newest Go's flags that 1.5.1 lacks (SPEC §9.1). */
const NEWEST_ONLY = ['push.enable-utf8-names'];

/** Flag names in Go's `--help`: the `--name` opening each entry line (`-h, --help` included). */
const GO_FLAGS = [...GO_HELP.matchAll(/^ {2}(?:-h, | {4})--([\w.-]+)/gm)].map((match) => match[1]!);

describe('the Go gateway’s flags', () => {
  test('Go’s --help lists the flags we know it has', () => {
    // Guards the walk below against reading nothing (a changed layout would make every test pass vacuously).
    expect(GO_FLAGS).toContain('web.listen-address');
    expect(GO_FLAGS).toContain('web.local-assets');
    expect(GO_FLAGS.length).toBeGreaterThanOrEqual(15);
  });

  // Each is given the way a unit file would: a boolean alone, a value flag with the default Go shows for it.
  test.each([...GO_FLAGS, ...NEWEST_ONLY].filter((name) => !['help', 'version'].includes(name)))('--%s', (name) => {
    const defaultValue = new RegExp(`--${name.replaceAll('.', '\\.')}=("?)(.*?)\\1(?: \\.\\.\\.)?(?:\\s|$)`).exec(GO_HELP);
    // Debian's assets directory exists only where Debian's package is installed; any directory will do.
    const value = name === 'web.local-assets' ? import.meta.dir : defaultValue?.[2];
    const argv = [value === undefined ? `--${name}` : `--${name}=${value}`];
    expect(parseFlags(argv).kind).toBe('run');
  });

  test.each(['help', 'help-long', 'help-man', 'version'])('--%s is an action, as in Go', (name) => {
    expect(parseFlags([`--${name}`]).kind).not.toBe('run');
  });

  test('our usage carries Go’s usage entry of every flag but the documented ones, byte for byte', () => {
    const ours = usage();
    for (const entry of GO_HELP.split(/\n(?= {2}(?:-h, | {4})--)/).slice(1)) {
      const name = /--([\w.-]+)/.exec(entry)![1]!;
      if (!DIFFERENT_ENTRY.has(name)) expect(ours).toContain(entry.trimEnd() + '\n');
    }
  });

  test('our man page carries Go’s entry of every flag but the documented ones, byte for byte', () => {
    const ours = manEntries(manPage());
    const go = manEntries(GO_MAN);
    expect(go.size).toBeGreaterThanOrEqual(15);
    for (const [name, entry] of go) if (!DIFFERENT_ENTRY.has(name)) expect(ours.get(name)).toBe(entry);
    // The sections around the entries as well, with our program name where Go has its binary's.
    expect(manPage().replace(/^\.TH .*?""\n/s, '')).toStartWith(
      GO_MAN.replace(/^\.TH .*?""\n/s, '').replaceAll('prometheus-pushgateway', 'pushgateway').split('.SH "OPTIONS"\n')[0]! + '.SH "OPTIONS"\n',
    );
  });
});
