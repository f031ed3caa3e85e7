// /-/quit with --web.enable-lifecycle answers, then the process shuts down as on SIGTERM (SPEC §7.4).
import { describe, expect, test } from 'bun:test';
import { startOurs } from '../helpers/start-server.ts';

/** True once nothing answers on `url` any more (the listener is gone), false if it still does after `ms`. */
async function goneWithin(url: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      await fetch(`${url}/-/healthy`);
    } catch {
      return true;
    }
    await Bun.sleep(20);
  }
  return false;
}

describe('POST /-/quit', () => {
  test('with --web.enable-lifecycle it answers 200 with Go’s text and the gateway stops listening', async () => {
    const gateway = await startOurs(['--web.enable-lifecycle']);
    try {
      const response = await fetch(`${gateway.url}/-/quit`, { method: 'POST' });
      expect({ status: response.status, body: await response.text() }).toEqual({ status: 200, body: 'Requesting termination... Goodbye!' });
      expect(await goneWithin(gateway.url, 4000)).toBe(true);
      expect(gateway.log()).toContain('reason=/-/quit');
    } finally {
      await gateway.stop();
    }
  });
});
