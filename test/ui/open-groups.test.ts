// The web UI remembers which groups are open across a reload (newer Go's UI does), in a real browser.
import { describe, expect, test } from "bun:test";
import { groupCard, useGatewayPage } from "../helpers/browser.ts";

const ui = useGatewayPage({
  fill: async (gw) => {
    for (const job of ["a", "b", "c"]) {
      const response = await fetch(`${gw.url}/metrics/job/${job}`, { method: "PUT", body: `metric_${job} 1\n` });
      expect(response.status).toBe(200);
    }
  },
});

const card = (job: string) => groupCard(ui.page, job);
/** The jobs of the open cards, in page order. */
const openJobs = () => ui.page.locator("details.group[open] > summary > .badge.job").allTextContents();

describe("open groups", () => {
  test("stay open after a reload, with their bodies loaded; closed ones stay closed", async () => {
    await card("a").locator(":scope > summary").click();
    await card("c").locator(":scope > summary").click();
    await card("c").locator("details.family").first().waitFor();
    await card("a").locator(":scope > summary").click(); // closed again
    expect(await openJobs()).toEqual(['job="c"']);

    await ui.page.reload();
    await card("c").locator("details.family").first().waitFor();
    expect(await openJobs()).toEqual(['job="c"']);
    expect(await card("c").locator("details.family .name").allTextContents()).toContain("metric_c");
  });

  test("a new tab starts with every group closed", async () => {
    const fresh = await ui.browser.newPage();
    try {
      await fresh.goto(ui.gw.url + "/");
      await fresh.locator("details.group").first().waitFor();
      expect(await fresh.locator("details.group[open]").count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
