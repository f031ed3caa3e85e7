// The gateway's version and the git revision and branch it runs from: shown by --version, the start-up log, the build info metric and the status API.
import packageJson from '../package.json' with { type: 'json' };

export const VERSION: string = packageJson.version;

/** What Go's prometheus/common/version reports, for this gateway rather than for Bun. */
export interface BuildInfo {
  /** package.json's version. */
  readonly version: string;
  /** The commit checked out where the sources are, `unknown` outside a git work tree (or without git). */
  readonly revision: string;
  /** The branch checked out there (`HEAD` when detached), `unknown` likewise. */
  readonly branch: string;
}

let cached: BuildInfo | undefined;

/**
 * Read from git once, on first use, in the directory of the sources: the gateway runs from its source tree, so
 * the revision is that of the files actually running. About 2 ms; later calls return the same frozen object.
 */
export function buildInfo(): BuildInfo {
  cached ??= Object.freeze({ version: VERSION, ...gitCheckout() });
  return cached;
}

function gitCheckout(): { revision: string; branch: string } {
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
 * where Go names its compiler; build date and user are empty, as in a Go binary built without them.
 */
export function goBuildInformation(): Readonly<Record<string, string>> {
  const { version, branch, revision } = buildInfo();
  return { branch, buildDate: '', buildUser: '', goVersion: `bun${Bun.version}`, revision, version };
}
