// `npm run build`: the gateway as one executable, dist/pushgateway, holding the Bun runtime, the UI's files and
// the version, git revision and build date it reports.
import { join } from 'node:path';
import { BUILD_STAMP_NAME, type BuildStamp, gitCheckout } from '../src/version.ts';

const ROOT = join(import.meta.dir, '..');

/**
 * Compiles src/main.ts into `outfile` for this machine's platform, stamped with the checkout's revision and
 * branch and `now` as build date; returns the stamp. Throws the bundler's errors if the build fails.
 */
export async function buildBinary(outfile: string, now = new Date()): Promise<BuildStamp> {
  const stamp: BuildStamp = { ...gitCheckout(), buildDate: goBuildDate(now) };
  await Bun.build({
    entrypoints: [join(ROOT, 'src', 'main.ts')],
    // A .env or bunfig.toml in the directory it runs in must not change the gateway, as none changes Go's.
    compile: { outfile, autoloadDotenv: false, autoloadBunfig: false },
    define: { [BUILD_STAMP_NAME]: JSON.stringify(stamp) },
  });
  return stamp;
}

/** The layout of Go's build dates (promu's `20060102-15:04:05`), in UTC. */
function goBuildDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19)}`;
}

if (import.meta.main) {
  const outfile = join(ROOT, 'dist', 'pushgateway');
  const stamp = await buildBinary(outfile);
  console.log(`${outfile}: revision ${stamp.revision} (${stamp.branch}), built ${stamp.buildDate}`);
}
