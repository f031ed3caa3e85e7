// The web UI shows on each group card when the group expires (issue #14), in a real browser.
import { describe, expect, test } from "bun:test";
import { formatTime } from "../../src/ui/format.ts";
import { groupCard, screenshot, useGatewayPage } from "../helpers/browser.ts";

/** When each group was pushed, ms since the epoch (the gateway's clock is this machine's). */
const pushedAt = new Map<string, number>();

const ui = useGatewayPage({
  flags: ["--metrics.ttl=1h"],
  fill: async (gw) => {
    // `flag` takes --metrics.ttl, `own` chose 90 minutes, `never` chose never.
    for (const [job, header] of [["flag", undefined], ["own", "90m"], ["never", "0"]] as const) {
      const headers: Record<string, string> = header === undefined ? {} : { "Pushgateway-Expire-After": header };
      const before = Date.now();
      const response = await fetch(`${gw.url}/metrics/job/${job}`, { method: "PUT", body: `metric_${job} 1\n`, headers });
      expect(response.status).toBe(200);
      pushedAt.set(job, before);
    }
  },
});

const card = (job: string) => groupCard(ui.page, job);

describe("a group card", () => {
  test("says in how long the group expires, with the exact time on hover", async () => {
    const flag = card("flag").locator(":scope > summary > .expires");
    expect(await flag.textContent()).toBe("expires in 59 m");
    // The exact time is the push's (which the test knows to within its round trip) plus the TTL, to the second.
    const title = (await flag.getAttribute("title"))!;
    const expected = [0, 1000, 2000].map((slack) => formatTime(pushedAt.get("flag")! + 3_600_000 + slack));
    expect(expected).toContain(title);
    expect(await card("own").locator(":scope > summary > .expires").textContent()).toBe("expires in 1 h");
    await screenshot(ui.page, "group-expiry");
  });

  test("of a group that never expires says nothing about it", async () => {
    await card("never").waitFor();
    expect(await card("never").locator(".expires").count()).toBe(0);
  });
});
