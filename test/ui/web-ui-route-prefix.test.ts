// The web UI under --web.route-prefix, with its files from --web.local-assets: every URL the page uses is relative,
// so the page, its files, a group's body, the filter and Delete Group all work under the prefix.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { filterBy, launchBrowser, screenshot } from "../helpers/browser.ts";
import { type Gateway, startOurGateway } from "../helpers/start-server.ts";

const BUILT_IN = join(import.meta.dir, "..", "..", "src", "ui", "assets");
/** Appended to the local copy of the stylesheet: the page must be styled by that copy, not the built-in one. */
const LOCAL_RULE = "\nnav { background: rgb(1, 2, 3); }\n";

let gw: Gateway;
let browser: Browser;
let assets: string;

beforeAll(async () => {
  assets = mkdtempSync(join(tmpdir(), "pg-local-assets-"));
  cpSync(BUILT_IN, assets, { recursive: true });
  const css = join(assets, "static", "pushgateway.css");
  writeFileSync(css, readFileSync(css, "utf8") + LOCAL_RULE);
  [gw, browser] = await Promise.all([startOurGateway(["--web.route-prefix=/pg", `--web.local-assets=${assets}`]), launchBrowser()]);
  for (const job of ["first", "second"]) {
    expect((await fetch(`${gw.url}/pg/metrics/job/${job}`, { method: "PUT", body: `${job}_metric 1\n` })).status).toBe(200);
  }
});

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  rmSync(assets, { recursive: true, force: true });
});

test("under /pg the page, its local files, a group's body, the filter and Delete Group work", async () => {
  const page = await browser.newPage();
  await page.goto(`${gw.url}/pg/`);
  expect(await page.evaluate("getComputedStyle(document.querySelector('nav')).backgroundColor")).toBe("rgb(1, 2, 3)");
  const first = page.locator("details.group").first();
  await first.locator(":scope > summary").click();
  await first.locator("details.family").first().waitFor();
  expect(await first.locator("details.family .name").allTextContents()).toEqual(["first_metric", "push_failure_time_seconds", "push_time_seconds"]);
  await filterBy(page, "second_met");
  expect(await page.textContent("#shown")).toBe("1 of 2 groups");
  await page.locator("details.group:not([hidden]) button.delete").click();
  await page.click("#confirm-ok");
  await page.locator("details.group", { hasText: 'job="second"' }).waitFor({ state: "detached" });
  expect(await (await fetch(`${gw.url}/pg/metrics`)).text()).not.toContain('job="second"');
  await page.click("#status-tab");
  expect(await page.locator("#status-div tr", { hasText: "web.route-prefix" }).innerText()).toBe("web.route-prefix\t/pg");
  await screenshot(page, "route-prefix-status");
  await page.close();
});
