// Debian's chromium driven by playwright-core, for the web UI tests; screenshots go to test/artifacts/.
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type Locator, type Page, chromium } from "playwright-core";
import { type Gateway, startOurGateway } from "./start-server.ts";

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

/** What useGatewayPage opened, read inside tests (reading it before beforeAll ran throws). */
export interface GatewayPage {
  readonly gw: Gateway;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * For a test file of the web UI: registers the beforeAll that starts our gateway with `flags` and a browser
 * at once, lets `fill` push the groups the file looks at, then opens a page (of `viewport`, if given) on the
 * UI; and the afterAll that closes the browser and stops the gateway.
 */
export function useGatewayPage(options: { flags?: string[]; viewport?: { width: number; height: number }; fill?: (gw: Gateway) => Promise<void> }): GatewayPage {
  let opened: { gw?: Gateway; browser?: Browser; page?: Page } = {};
  beforeAll(async () => {
    const [gw, browser] = await Promise.all([startOurGateway(options.flags ?? []), launchBrowser()]);
    opened = { gw, browser };
    await options.fill?.(gw);
    opened.page = await browser.newPage(options.viewport === undefined ? {} : { viewport: options.viewport });
    await opened.page.goto(gw.url + "/");
  });
  afterAll(async () => {
    await opened.browser?.close();
    await opened.gw?.stop();
  });
  const part = <K extends keyof GatewayPage>(name: K): GatewayPage[K] => {
    const value = opened[name];
    if (value === undefined) throw new Error(`useGatewayPage: no ${name} yet (read it inside a test)`);
    return value as GatewayPage[K];
  };
  return {
    get gw() {
      return part("gw");
    },
    get browser() {
      return part("browser");
    },
    get page() {
      return part("page");
    },
  };
}
