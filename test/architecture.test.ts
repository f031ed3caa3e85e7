// The dependency rules of STYLE.md §6: reads every import of every file under src/ and names each one a room may not make.
import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

const SRC = join(import.meta.dir, '..', 'src');

/** Top-level folders of src/ and top-level files of src/ (by their name without `.ts`). */
const ROOMS = ['model', 'stored', 'parse', 'store', 'render', 'persist', 'ui', 'web-config', 'replica', 'http', 'gateway', 'main', 'flags', 'log', 'version'] as const;
type Room = (typeof ROOMS)[number];
const FOLDER_ROOMS: readonly Room[] = ['model', 'stored', 'parse', 'store', 'render', 'persist', 'ui', 'web-config', 'replica', 'http'];
const FILE_ROOMS: readonly Room[] = ['gateway', 'main', 'flags', 'log', 'version'];

/**
 * Which other rooms each room may import (its own files it may always import). `gateway` wires everything;
 * only `main` (the entry point, which sets the allocator's environment first) imports it, nothing imports
 * `main`, and only `gateway` imports `http`. flags.ts reads log.ts's level and format words
 * today, which is why `log` is on its list. `stored` (a group's stored form: its text lines and its bytes)
 * sits just above `model` and holds every writer, reader, editor and searcher of that form: the store
 * encodes, edits and searches with it, the parser's fast path writes lines with its pieces, render reads
 * them back, persist writes groups to disk; it imports none of them. `persist` borrows `parse`'s protobuf
 * decoder for the families in a Go gateway's file, and logs what it finds on disk. `web-config` (the
 * `--web.config.file` YAML read into validated data) logs what a re-read changes and borrows flag-values.ts's
 * Go duration syntax; only http (which applies it to requests) and gateway (which reads it) see it.
 * `replica` (issue #15: replicas sharing one state on Redis) keeps the store equal to Redis and is the
 * Writer through Redis: it decides with the store, ships changes as persist's journal records and groups
 * in stored's bytes, and reads its settings from flags; only gateway wires it (http sees the Writer and a
 * readiness function, not Redis).
 */
const MAY_IMPORT: Readonly<Record<Room, readonly Room[]>> = {
  model: [],
  stored: ['model'],
  parse: ['model', 'stored'],
  store: ['model', 'stored'],
  render: ['model', 'stored'],
  persist: ['model', 'stored', 'parse', 'log'],
  ui: ['model', 'render'],
  'web-config': ['model', 'log', 'flags'],
  replica: ['model', 'stored', 'store', 'persist', 'flags', 'log'],
  http: ['model', 'stored', 'parse', 'store', 'render', 'persist', 'ui', 'web-config', 'flags', 'log', 'version'],
  gateway: ['model', 'stored', 'parse', 'store', 'render', 'persist', 'ui', 'web-config', 'replica', 'http', 'flags', 'log', 'version'],
  main: ['gateway'],
  flags: ['model', 'log', 'version'],
  log: ['model'],
  version: ['model'],
};

/** Files outside src/ that a src file may import (the version number comes from package.json). */
const PROJECT_FILES_OUTSIDE_SRC = ['package.json'];

/** One import of one file: the specifier as written and the line it starts on. */
interface Import {
  readonly specifier: string;
  readonly line: number;
}

interface Violation {
  /** Path relative to the project root, e.g. `src/store/store.ts`. */
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly reason: string;
}

// Static imports and re-exports, which may span lines (`import {\n a,\n b\n} from './x.ts'`): the clause
// between the keyword and `from` holds no quote or semicolon. Side-effect imports and dynamic imports
// are found separately. Comment lines start with `//` or ` *`, so they never match the first two.
const STATIC_IMPORT = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/gm;
const SIDE_EFFECT_IMPORT = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** Every module specifier a source text imports or re-exports from, in source order. */
function importsOf(source: string): Import[] {
  const found: { index: number; specifier: string }[] = [];
  for (const pattern of [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT]) {
    for (const match of source.matchAll(pattern)) found.push({ index: match.index!, specifier: match[2]! });
  }
  found.sort((a, b) => a.index - b.index);
  return found.map(({ index, specifier }) => ({ specifier, line: source.slice(0, index).split('\n').length }));
}

/** The room of a path relative to src/ (`store/store.ts` → store, `main.ts` → main); undefined if none. */
function roomOf(srcPath: string): Room | undefined {
  const slash = srcPath.indexOf('/');
  if (slash < 0) {
    // flag-values.ts holds the value syntaxes of flags.ts: the same room.
    const name = srcPath.replace(/\.ts$/, '').replace(/^flag-values$/, 'flags');
    return FILE_ROOMS.find((room) => room === name);
  }
  const folder = srcPath.slice(0, slash);
  return FOLDER_ROOMS.find((room) => room === folder);
}

/**
 * The imports among `files` (path relative to the project root → source text) that break the rules.
 * Relative specifiers are resolved against the importing file; bare ones (`node:fs`, `bun`, packages)
 * are allowed everywhere except in model, which imports nothing.
 */
function checkImports(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const from = roomOf(posix.relative('src', file));
    for (const { specifier, line } of importsOf(source)) {
      const violation = (reason: string) => violations.push({ file, line, specifier, reason });
      if (from === undefined) {
        violation(`${file} lies in no room (${ROOMS.join(', ')}); add its room to test/architecture.test.ts`);
        break;
      }
      if (!specifier.startsWith('.')) {
        if (from === 'model') violation('model imports nothing, not even packages');
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (!target.startsWith('src/')) {
        if (!PROJECT_FILES_OUTSIDE_SRC.includes(target)) violation(`${target} lies outside src/`);
        continue;
      }
      const to = roomOf(target.slice('src/'.length));
      if (to === undefined) violation(`${target} lies in no room`);
      else if (to !== from && !MAY_IMPORT[from].includes(to)) {
        violation(`${from} → ${to}: ${from} may import ${MAY_IMPORT[from].join(', ') || 'nothing'} besides itself`);
      }
    }
  }
  return violations;
}

function describeViolation(v: Violation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' (${v.reason})`;
}

/** Every .ts file under src/, keyed by its path relative to the project root. */
function readSources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of new Bun.Glob('**/*.ts').scanSync(SRC)) files.set(`src/${path}`, readFileSync(join(SRC, path), 'utf8'));
  return files;
}

describe('the src/ tree', () => {
  const sources = readSources();

  test('has files to check', () => {
    expect(sources.size).toBeGreaterThan(10);
  });

  test('imports only what its rooms may import', () => {
    // The failure lists each offending file, line and specifier.
    expect(checkImports(sources).map(describeViolation)).toEqual([]);
  });

  test('has no import statement the scanner misses', () => {
    // Each import statement starts on a line of its own; the scanner must find at least that many.
    const missed: string[] = [];
    for (const [file, source] of sources) {
      const statements = source.split('\n').filter((line) => /^export\b[^'"]*\bfrom\s*['"]|^import\s*['"{*\w]/.test(line)).length;
      const found = importsOf(source).length;
      if (found < statements) missed.push(`${file}: ${statements} import lines, ${found} found`);
    }
    expect(missed).toEqual([]);
  });
});

describe('importsOf', () => {
  // [why the case exists, source, specifiers found]
  test.each<[string, string, string[]]>([
    ['a plain import', "import { a } from './a.ts';\n", ['./a.ts']],
    ['a type-only import is still a dependency', "import type { A } from '../model/a.ts';\n", ['../model/a.ts']],
    ['an import spread over lines', "import {\n  a,\n  b,\n} from './ab.ts';\n", ['./ab.ts']],
    ['re-exports', "export * from './x.ts';\nexport { y } from \"./y.ts\";\n", ['./x.ts', './y.ts']],
    ['a side-effect import', "import './setup.ts';\n", ['./setup.ts']],
    ['a dynamic import', "const m = await import('../http/server.ts');\n", ['../http/server.ts']],
    ['a default import with attributes', "import pkg from '../package.json' with { type: 'json' };\n", ['../package.json']],
    ['code that only mentions from and quotes', "export const x = Array.from('ab');\nconst from = 'x';\n// import a from './c.ts'\n", []],
  ])('finds %s', (_why, source, specifiers) => {
    expect(importsOf(source).map((i) => i.specifier)).toEqual(specifiers);
  });

  test('reports the line an import starts on', () => {
    expect(importsOf("// header\n\nimport {\n  a,\n} from './a.ts';\n")).toEqual([{ specifier: './a.ts', line: 3 }]);
  });
});

describe('checkImports on small in-memory trees', () => {
  // [why the case exists, importing file, source]: each must be reported.
  test.each<[string, string, string]>([
    ['store may not reach up into http', 'src/store/store.ts', "import { x } from '../http/server.ts';\n"],
    ['model imports nothing outside model', 'src/model/group.ts', "import type { Store } from '../store/store.ts';\n"],
    ['model does not import packages either', 'src/model/metric.ts', "import { readFileSync } from 'node:fs';\n"],
    ['parse and render never import each other', 'src/parse/text-parser.ts', "import { escapeHelp } from '../render/escape.ts';\n"],
    ['render does not read the store', 'src/render/exposition.ts', "import type { Store } from '../store/store.ts';\n"],
    ['persist does not reach the store', 'src/persist/file.ts', "import { Store } from '../store/store.ts';\n"],
    ['the stored form is below the parser', 'src/stored/family-lines.ts', "import { TextParser } from '../parse/text-parser.ts';\n"],
    ['the stored form knows no store', 'src/stored/group-bytes.ts', "import type { Store } from '../store/store.ts';\n"],
    ['ui may not use the store', 'src/ui/status-page.ts', "import type { Store } from '../store/store.ts';\n"],
    ['the web config is data: it serves no request', 'src/web-config/web-config.ts', "import { textError } from '../http/errors.ts';\n"],
    ['the web config knows no store', 'src/web-config/watch.ts', "import type { Store } from '../store/store.ts';\n"],
    ['http sees a Writer, not Redis', 'src/http/push.ts', "import { RedisWriter } from '../replica/redis-writer.ts';\n"],
    ['the store knows nothing of replicas', 'src/store/store.ts', "import type { Mirror } from '../replica/mirror.ts';\n"],
    ['only http and gateway read the web config', 'src/store/store.ts', "import type { WebConfig } from '../web-config/web-config.ts';\n"],
    ['nothing imports main.ts, not even http', 'src/http/server.ts', "import '../main.ts';\n"],
    ['only main imports gateway.ts', 'src/http/server.ts', "const gateway = await import('../gateway.ts');\n"],
    ['the entry point only starts the gateway', 'src/main.ts', "import { Store } from './store/store.ts';\n"],
    ['flags is below http', 'src/flags.ts', "import { routePrefixOf } from './http/server.ts';\n"],
    ['log imports only model', 'src/log.ts', "import type { Config } from './flags.ts';\n"],
    ['version imports only model', 'src/version.ts', "import { Store } from './store/store.ts';\n"],
    ['a type-only import counts', 'src/stored/family-text.ts', "import type {\n  Group,\n} from '../store/store.ts';\n"],
    ['a dynamic import counts', 'src/store/store.ts', "const http = await import('../http/server.ts');\n"],
    ['a file in no room', 'src/extra/thing.ts', "import { a } from '../model/metric.ts';\n"],
    ['an import out of src/', 'src/store/store.ts', "import { helper } from '../../test/helpers/http.ts';\n"],
  ])('reports a forbidden import: %s', (_why, file, source) => {
    const violations = checkImports(new Map([[file, source]]));
    expect(violations).toHaveLength(1);
    // The message names the file and the import.
    const message = describeViolation(violations[0]!);
    expect(message).toStartWith(`${file}:`);
    expect(message).toContain(`'${importsOf(source)[0]!.specifier}'`);
  });

  // [why the case exists, importing file, source]: none may be reported.
  test.each<[string, string, string]>([
    ['a room importing itself', 'src/store/store.ts', "import { NameIndex } from './name-index.ts';\n"],
    ['any room importing model', 'src/parse/body.ts', "import type { MetricFamily } from '../model/metric.ts';\n"],
    ['every room below http reading the stored form', 'src/persist/snapshot.ts', "import { decodeGroup } from '../stored/group-bytes.ts';\n"],
    ['ui borrowing render', 'src/ui/status-page.ts', "import { escapeHelp } from '../render/escape.ts';\n"],
    ['http applying the web config', 'src/http/web-guard.ts', "import type { WatchedWebConfig } from '../web-config/watch.ts';\n"],
    ['http importing every room below gateway', 'src/http/push.ts', "import { Store } from '../store/store.ts';\nimport { parseBody } from '../parse/body.ts';\nimport type { Config } from '../flags.ts';\n"],
    ['gateway wiring everything', 'src/gateway.ts', "import { startServers } from './http/server.ts';\nimport { Store } from './store/store.ts';\n"],
    ['main starting the gateway', 'src/main.ts', "await import('./gateway.ts');\n"],
    ['flags reading the log words', 'src/flags.ts', "import { LOG_LEVELS } from './log.ts';\nimport pkg from '../package.json' with { type: 'json' };\n"],
    ['packages outside model', 'src/http/server.ts', "import type { Server } from 'bun';\nimport { readFileSync } from 'node:fs';\n"],
  ])('allows %s', (_why, file, source) => {
    expect(checkImports(new Map([[file, source]])).map(describeViolation)).toEqual([]);
  });
});
