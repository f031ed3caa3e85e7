// --web.local-assets names a directory of this gateway's UI files: one laid out for Go's UI stops start-up with what is missing.
import { afterAll, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { send } from '../helpers/http.ts';
import { startOurGateway } from '../helpers/start-server.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
/** Go's UI assets as Debian installs them (jQuery, Bootstrap, template.html): none of ours. */
const DEBIAN_ASSETS = '/usr/share/prometheus/pushgateway';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Our gateway with `--web.local-assets=dir`, expected to stop by itself: its exit code and stderr. */
function start(dir: string): { code: number | null; stderr: string } {
  const result = Bun.spawnSync([process.execPath, MAIN, '--web.listen-address=127.0.0.1:0', '--persistence.file=', `--web.local-assets=${dir}`], {
    stdout: 'ignore',
    stderr: 'pipe',
    timeout: 15_000,
  });
  return { code: result.exitCode, stderr: result.stderr.toString() };
}

describe('--web.local-assets', () => {
  test('Debian’s directory of Go’s UI files stops start-up, naming the files it lacks', () => {
    const { code, stderr } = start(DEBIAN_ASSETS);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot use --web.local-assets: the directory lacks files of this gateway');
    expect(stderr).toContain('missing=static/pushgateway.css,static/pushgateway.js');
  });

  test('a directory with one of the two files stops start-up, naming the other', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-assets-'));
    dirs.push(dir);
    cpSync(new URL('../../src/ui/assets/static/pushgateway.css', import.meta.url).pathname, join(dir, 'static', 'pushgateway.css'), { recursive: true });
    const { code, stderr } = start(dir);
    expect(code).toBe(1);
    expect(stderr).toContain('missing=static/pushgateway.js');
  });

  test('a copy of the built-in files is served from the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-assets-'));
    dirs.push(dir);
    cpSync(new URL('../../src/ui/assets/static', import.meta.url).pathname, join(dir, 'static'), { recursive: true });
    await Bun.write(join(dir, 'static', 'pushgateway.css'), '/* local copy */\n');
    const gw = await startOurGateway([`--web.local-assets=${dir}`]);
    try {
      expect((await send(gw, 'GET', '/static/pushgateway.css')).body).toBe('/* local copy */\n');
    } finally {
      await gw.stop();
    }
  });
});
