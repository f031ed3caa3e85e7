// End to end against the Go Pushgateway: runs shared/pgbench/run.ts with fixed options, keeps the table and JSON in bench/results/.
//
//   npm run bench:compare -- --scenarios push,scrape --groups 1000
//   npm run bench:compare -- --servers ts --scenarios push --push-groups 0,10000
//
// Our options: `--servers go,ts` (default both, Go first so the ratio column is ts/go; see SERVERS for the others), `--label NAME`
// (added to the file names). Everything else goes to pgbench after the fixed options, so it can override
// them (`--rounds 1`). Fixed: seed 1, 2 rounds, --populate-timeout 120 (the default Go server needs ~40 s
// to populate 1 000 groups and cannot reach 10 000; see shared/pgbench/BASELINE.md). Servers listen on
// loopback only; every case and every populate phase has a deadline, so a run ends by itself.
// Output: bench/results/<UTC date-time>-<servers>-<scenarios>[-<label>].txt (pgbench's table) and .json.
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { treeLine } from './report.ts';

const REPO = join(import.meta.dir, '..');
const PGBENCH = join(REPO, '../shared/pgbench/run.ts');
const RESULTS = join(import.meta.dir, 'results');

/**
 * The commands compared; `{port}` and `{persist}` are filled in by pgbench. `ts` journals every change (our
 * default with a persistence file), `ts-nojournal` writes only snapshots as Go does, `ts-memory` persists
 * nothing; `go-nocheck` is the only Go configuration that can populate 10 000 groups (BASELINE.md).
 */
const SERVERS: Record<string, string> = {
  go: 'prometheus-pushgateway --web.listen-address=127.0.0.1:{port} --persistence.file={persist}',
  'go-nocheck': 'prometheus-pushgateway --web.listen-address=127.0.0.1:{port} --persistence.file={persist} --push.disable-consistency-check',
  ts: 'bun src/main.ts --web.listen-address=127.0.0.1:{port} --persistence.file={persist}',
  'ts-nojournal': 'bun src/main.ts --web.listen-address=127.0.0.1:{port} --persistence.file={persist} --no-persistence.journal',
  'ts-memory': 'bun src/main.ts --web.listen-address=127.0.0.1:{port} --persistence.file=',
};
const FIXED = ['--seed', '1', '--rounds', '2', '--populate-timeout', '120'];

function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  if (value === undefined) throw new Error(`--${name} needs a value`);
  return value;
}

// The one part of the benchmarks that lives outside the repository: say so before anything else.
if (!(await Bun.file(PGBENCH).exists())) {
  console.error(`bench:compare needs pgbench at ${PGBENCH} (../shared/pgbench beside the repository), and it is absent`);
  process.exit(1);
}

const args = Bun.argv.slice(2);
const servers = (takeOption(args, 'servers') ?? 'go,ts').split(',').map((s) => s.trim()).filter(Boolean);
const label = takeOption(args, 'label');
for (const name of servers) if (SERVERS[name] === undefined) throw new Error(`unknown server ${name} (have ${Object.keys(SERVERS).join(', ')})`);
if (servers.some((name) => name.startsWith('go')) && Bun.which('prometheus-pushgateway') === null) {
  throw new Error('prometheus-pushgateway is not on PATH (Debian: apt-get install prometheus-pushgateway), or use --servers ts');
}

const scenarioAt = args.indexOf('--scenarios');
const scenarios = scenarioAt >= 0 ? (args[scenarioAt + 1] ?? 'all') : 'all';
const stamp = new Date().toISOString().slice(0, 16).replace(/:/g, '');
const base = join(RESULTS, [stamp, servers.join('-'), scenarios.replace(/,/g, '+'), label].filter(Boolean).join('-'));
mkdirSync(RESULTS, { recursive: true });

const pgbenchArgs = [...servers.flatMap((name) => ['--name', name, '--server', SERVERS[name]!]), ...FIXED, ...args, '--json', `${base}.json`];
console.error(`bench:compare → ${relative(REPO, base)}.{txt,json}\nbun ${relative(REPO, PGBENCH)} ${pgbenchArgs.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);

// `bun` in the server command is this same Bun binary, whatever else is on PATH.
const child = Bun.spawn([process.execPath, PGBENCH, ...pgbenchArgs], {
  cwd: REPO,
  env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
  stdin: 'ignore',
  stdout: 'pipe',
  stderr: 'inherit',
});
const forward = (signal: NodeJS.Signals) => () => child.kill(signal); // pgbench stops its own servers
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));

const tree = treeLine(); // taken at the start: the servers run the tree as it was then
const table = `${tree}\n${await new Response(child.stdout).text()}`;
process.stdout.write(table);
await Bun.write(`${base}.txt`, table);
process.exit(await child.exited);
