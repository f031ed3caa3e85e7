// `npm start`, the README's first command, keeps what was pushed across a restart: it persists into data/.
import { afterAll, describe, expect, test } from 'bun:test';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../helpers/server-process.ts';

const ROOT = join(import.meta.dir, '..', '..');
// A checkout of its own (the sources and packages linked, package.json copied), so data/ is made there.
const checkout = mkdtempSync(join(tmpdir(), 'pg-npm-start-'));
symlinkSync(join(ROOT, 'src'), join(checkout, 'src'));
symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
copyFileSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

const startNpm = () =>
  startServer({ name: 'npm start', cwd: checkout, argv: (port) => ['npm', 'start', '--', `--web.listen-address=127.0.0.1:${port}`] });

describe('npm start', () => {
  test('persists into data/ and restores it after SIGTERM and a restart', async () => {
    const first = await startNpm();
    try {
      const put = await fetch(`${first.url}/metrics/job/newcomer`, { method: 'PUT', body: 'kept_metric 42\n' });
      expect(put.status).toBe(200);
    } finally {
      await first.stop();
    }
    const file = join(checkout, 'data', 'pushgateway.data');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await startNpm();
    try {
      const scrape = await (await fetch(`${second.url}/metrics`)).text();
      expect(scrape).toContain('kept_metric{instance="",job="newcomer"} 42\n');
    } finally {
      await second.stop();
    }
  });
});
