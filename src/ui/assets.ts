// The web UI's static files (GET static/…): the built-in ones read once at start, or --web.local-assets' files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** A file to answer with. */
export interface Asset {
  readonly body: Uint8Array;
  readonly contentType: string;
}

// Go's content types for the UI's kinds of files (it answers `.js` with application/javascript, SPEC §7.5).
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The folder of the built-in assets; a `--web.local-assets` directory is laid out the same: files under `static/`. */
const BUILT_IN = join(import.meta.dir, 'assets');

/**
 * A lookup of `static/<path>` files (`path` cleaned by the router, without `..`). Built in ('' for
 * `localDir`): the files of src/ui/assets/static, read here, once. From `--web.local-assets`: read from
 * `<localDir>/static/` for each request, as Go serves its local assets, so edits show without a restart.
 * Resolves undefined for a file that does not exist.
 */
export function assetLookup(localDir: string): (path: string) => Promise<Asset | undefined> {
  if (localDir !== '') {
    return async (path) => {
      const file = Bun.file(join(localDir, 'static', path));
      return (await file.exists()) ? { body: await file.bytes(), contentType: contentTypeOf(path) } : undefined;
    };
  }
  const dir = join(BUILT_IN, 'static');
  const builtIn = new Map<string, Asset>();
  for (const name of readdirSync(dir)) builtIn.set(name, { body: readFileSync(join(dir, name)), contentType: contentTypeOf(name) });
  return async (path) => builtIn.get(path);
}

/**
 * The files a `--web.local-assets` directory lacks of those the page loads (the built-in ones, by name), as
 * `static/<name>`. A directory laid out for Go's UI (Debian's `/usr/share/prometheus/pushgateway`: jQuery,
 * Bootstrap and `template.html`) holds none of them and would serve a page without style or script.
 */
export function missingLocalAssets(localDir: string): string[] {
  return readdirSync(join(BUILT_IN, 'static')).sort().filter((name) => !existsSync(join(localDir, 'static', name))).map((name) => `static/${name}`);
}

function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}
