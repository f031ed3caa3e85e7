// The web UI's static files (GET static/…): the built-in ones, part of the program, or --web.local-assets' files.
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
// Imported rather than read from beside the sources, so `bun build --compile` embeds them in the single binary.
import css from './assets/static/pushgateway.css' with { type: 'text' };
import js from './assets/static/pushgateway.js' with { type: 'text' };

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

/**
 * The built-in files by their name under `static/` (src/ui/assets/static); a `--web.local-assets` directory is laid
 * out the same. A new file there is served once it is added here.
 */
const BUILT_IN: ReadonlyMap<string, Asset> = new Map(
  Object.entries({ 'pushgateway.css': css, 'pushgateway.js': js }).map(([name, text]) => [
    name,
    { body: new TextEncoder().encode(text), contentType: contentTypeOf(name) },
  ]),
);

/**
 * A lookup of `static/<path>` files (`path` cleaned by the router, without `..`). Built in ('' for
 * `localDir`): the files above. From `--web.local-assets`: read from
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
  return async (path) => BUILT_IN.get(path);
}

/**
 * The files a `--web.local-assets` directory lacks of those the page loads (the built-in ones, by name), as
 * `static/<name>`. A directory laid out for Go's UI (Debian's `/usr/share/prometheus/pushgateway`: jQuery,
 * Bootstrap and `template.html`) holds none of them and would serve a page without style or script.
 */
export function missingLocalAssets(localDir: string): string[] {
  return [...BUILT_IN.keys()].sort().filter((name) => !existsSync(join(localDir, 'static', name))).map((name) => `static/${name}`);
}

function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}
