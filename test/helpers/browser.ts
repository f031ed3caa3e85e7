// Debian's chromium driven by playwright-core, for the web UI tests; screenshots go to test/artifacts/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Locator, type Page, chromium } from "playwright-core";

/** Installed by the Debian package `chromium` (test/peers.sh checks it). */
export const CHROMIUM = "/usr/bin/chromium";

/** Where screenshots are written on every run (git-ignored), for a person to look at. */
export const ARTIFACTS = join(import.meta.dir, "..", "artifacts");

/** Starts one headless chromium for a test file (`--no-sandbox`: the tests may run as root). The caller closes it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

/**
 * Writes a screenshot of `page` as test/artifacts/<name>.png: the whole page, or only the viewport for a
 * page too long for chromium to capture at once (10 000 groups).
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Types `query` into the UI's filter box and waits until the cards show its answer. */
export async function filterBy(page: Page, query: string): Promise<void> {
  await page.fill("#filter", query);
  await page.waitForFunction(`document.getElementById("filter").dataset.shown === ${JSON.stringify(query)}`);
}

/** The card of the group `{job="<job>"}` on the page. */
export function groupCard(page: Page, job: string): Locator {
  return page.locator("details.group", { has: page.locator("summary > .badge.job", { hasText: `job="${job}"` }) });
}
