// The web UI remembers which groups are open across a reload (newer Go's UI does), in a real browser.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { groupCard, launchBrowser } from "../helpers/browser.ts";
import { type Gateway, startOurGateway } from "../helpers/start-server.ts";

let gw: Gateway;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [gw, browser] = await Promise.all([startOurGateway(), launchBrowser()]);
  for (const job of ["a", "b", "c"]) {
    const response = await fetch(`${gw.url}/metrics/job/${job}`, { method: "PUT", body: `metric_${job} 1\n` });
    expect(response.status).toBe(200);
  }
  page = await browser.newPage();
  await page.goto(gw.url + "/");
});
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

const card = (job: string) => groupCard(page, job);
/** The jobs of the open cards, in page order. */
const openJobs = () => page.locator("details.group[open] > summary > .badge.job").allTextContents();

describe("open groups", () => {
  test("stay open after a reload, with their bodies loaded; closed ones stay closed", async () => {
    await card("a").locator(":scope > summary").click();
    await card("c").locator(":scope > summary").click();
    await card("c").locator("details.family").first().waitFor();
    await card("a").locator(":scope > summary").click(); // closed again
    expect(await openJobs()).toEqual(['job="c"']);

    await page.reload();
    await card("c").locator("details.family").first().waitFor();
    expect(await openJobs()).toEqual(['job="c"']);
    expect(await card("c").locator("details.family .name").allTextContents()).toContain("metric_c");
  });

  test("a new tab starts with every group closed", async () => {
    const fresh = await browser.newPage();
    try {
      await fresh.goto(gw.url + "/");
      await fresh.locator("details.group").first().waitFor();
      expect(await fresh.locator("details.group[open]").count()).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
