// The gateway's version and the git revision and branch it was built or runs from: shown by --version, the start-up log, the build info metric and the status API.
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;

/** What Go's prometheus/common/version reports, for this gateway rather than for Bun. */
export interface BuildInfo {
  /** package.json's version. */
  readonly version: string;
  /** The commit the binary was built from, or checked out where the sources run; `unknown` outside a git work tree (or without git). */
  readonly revision: string;
  /** The branch checked out there (`HEAD` when detached), `unknown` likewise. */
  readonly branch: string;
  /** When the binary was built, as Go's builds write it (`20261206-23:52:23`, UTC); empty when run from the sources. */
  readonly buildDate: string;
}

/** What packaging/build.ts stamps into the single binary. */
export type BuildStamp = Omit<BuildInfo, 'version'>;

/** The name packaging/build.ts defines (`bun build --define`) as the stamp's literal; spelt as the declaration below. */
export const BUILD_STAMP_NAME = 'PUSHGATEWAY_BUILD_STAMP';
declare const PUSHGATEWAY_BUILD_STAMP: BuildStamp;

let cached: BuildInfo | undefined;

/** Worked out once, on first use; later calls return the same frozen object. */
export function buildInfo(): BuildInfo {
  cached ??= Object.freeze({ version: VERSION, ...buildStamp() });
  return cached;
}

/**
 * The compiled binary's stamp; run from the source tree, the git checkout the sources are in, so the revision is
 * that of the files actually running (about 2 ms).
 */
function buildStamp(): BuildStamp {
  // The bundler puts the stamp's literal in place of the name; in the sources the name is undeclared.
  return typeof PUSHGATEWAY_BUILD_STAMP === 'undefined' ? { ...gitCheckout(), buildDate: '' } : PUSHGATEWAY_BUILD_STAMP;
}

/** The revision and branch of the git work tree the sources are in. */
export function gitCheckout(): { revision: string; branch: string } {
  const unknown = { revision: 'unknown', branch: 'unknown' };
  try {
    const result = Bun.spawnSync(['git', 'rev-parse', 'HEAD', '--abbrev-ref', 'HEAD'], { cwd: import.meta.dir, stdout: 'pipe', stderr: 'ignore' });
    const [revision, branch] = result.stdout.toString().trim().split('\n');
    return result.exitCode === 0 && revision && branch ? { revision, branch } : unknown;
  } catch {
    // No git binary on this machine.
    return unknown;
  }
}

/**
 * The six keys Go's status page and `/api/v1/status` show as build information, in name order. Bun stands
 * where Go names its compiler; the build user is empty, as in a Go binary built without it.
 */
export function goBuildInformation(): Readonly<Record<string, string>> {
  const { version, branch, revision, buildDate } = buildInfo();
  return { branch, buildDate, buildUser: '', goVersion: `bun${Bun.version}`, revision, version };
}
