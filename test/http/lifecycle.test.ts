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

  // Go can crash on a second concurrent quit (it closes a closed channel, SPEC §7.4); ours stops once.
  test('called twice at once, both are answered and the gateway shuts down once, exit 0', async () => {
    const gateway = await startOurs(['--web.enable-lifecycle']);
    try {
      const quit = () => fetch(`${gateway.url}/-/quit`, { method: 'PUT' }).then((r) => r.status, () => 'closed');
      const [first, second] = await Promise.all([quit(), quit()]);
      expect(first).toBe(200);
      // The second is answered 200 too, unless the listener had already closed when it arrived.
      expect([200, 'closed']).toContain(second);
      expect(await gateway.exited()).toBe(0);
      expect(gateway.log().split('exiting gracefully').length - 1).toBe(1);
      expect(gateway.log()).toContain('HTTP server stopped');
    } finally {
      await gateway.stop();
    }
  });
});
