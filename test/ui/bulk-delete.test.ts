// The web UI's "Delete matching groups" in chromium (#14): the filter takes a selector `{…}` and shows what it matches,
// the button asks with the number of groups a dry run counts, and deletes exactly those; it is there only with the admin API.
import { describe, expect, test } from "bun:test";
import { filterBy, screenshot, useGatewayPage } from "../helpers/browser.ts";
import { send } from "../helpers/http.ts";
import { startOurGateway, withGateway } from "../helpers/start-server.ts";

const PATHS = ["job/etl/instance/a", "job/etl/instance/b", "job/nightly_1/instance/x", "job/nightly_2", "job/other"];

const ui = useGatewayPage({
  flags: ["--web.enable-admin-api"],
  viewport: { width: 1200, height: 800 },
  fill: async (gw) => {
    for (const path of PATHS) expect((await send(gw, "PUT", `/metrics/${path}`, "some_metric 1\n")).status).toBe(200);
  },
});

const visibleJobs = () => ui.page.locator("details.group:not([hidden]) > summary > .badge.job").allTextContents();

/** The jobs of the groups the gateway holds, from the JSON API. */
async function storedJobs(): Promise<string[]> {
  const data = JSON.parse((await send(ui.gw, "GET", "/api/v1/metrics")).body).data as { labels: { job: string } }[];
  return data.map((group) => group.labels.job);
}

describe("Delete matching groups", () => {
  test("is disabled until the filter holds a selector; plain text filters as before", async () => {
    expect(await ui.page.isDisabled("#del-matching")).toBe(true);
    await filterBy(ui.page, "nightly");
    expect(await visibleJobs()).toEqual(['job="nightly_1"', 'job="nightly_2"']);
    expect(await ui.page.isDisabled("#del-matching")).toBe(true);
  });

  test("a bad selector shows the parser's message, hides every card and keeps the button disabled", async () => {
    await filterBy(ui.page, '{job="etl"');
    expect(await ui.page.textContent("#filter-error")).toBe('1:11: parse error: unexpected end of input in label matching, expected "," or "}"');
    expect(await visibleJobs()).toEqual([]);
    expect(await ui.page.isDisabled("#del-matching")).toBe(true);
    await filterBy(ui.page, '{job=~".*"}');
    expect(await ui.page.textContent("#filter-error")).toBe("vector selector must contain at least one non-empty matcher");
  });

  test("a selector shows the groups it matches, as Prometheus matches series (a missing label is empty)", async () => {
    await filterBy(ui.page, '{job=~"nightly_.*|etl",instance!~"a|x"}');
    expect(await ui.page.isVisible("#filter-error")).toBe(false);
    expect(await visibleJobs()).toEqual(['job="etl"', 'job="nightly_2"']);
    expect(await ui.page.textContent("#shown")).toBe("2 of 5 groups");
    expect(await ui.page.isDisabled("#del-matching")).toBe(false);
  });

  test("asks with the number of groups it will delete; Cancel deletes nothing", async () => {
    await ui.page.click("#del-matching");
    await ui.page.locator("#confirm[open]").waitFor();
    expect(await ui.page.textContent("#confirm-msg")).toBe('Do you really want to delete the 2 groups matching {job=~"nightly_.*|etl",instance!~"a|x"}?');
    expect(await ui.page.textContent("#confirm-ok")).toBe("Delete 2 groups");
    await screenshot(ui.page, "delete-matching-confirmation");
    await ui.page.click("#confirm button[value=cancel]");
    expect(await storedJobs()).toEqual(["etl", "etl", "nightly_1", "nightly_2", "other"]);
    expect(await visibleJobs()).toHaveLength(2);
  });

  test("confirmed, deletes exactly the matched groups, on the server and on the page", async () => {
    await ui.page.click("#del-matching");
    await ui.page.locator("#confirm[open]").waitFor();
    await ui.page.click("#confirm-ok");
    await ui.page.locator("details.group:not([hidden])").first().waitFor({ state: "detached" });
    // etl/a sorts first: instance="a" is the one that stays of the two etl groups.
    expect(await storedJobs()).toEqual(["etl", "nightly_1", "other"]);
    await filterBy(ui.page, "");
    expect(await visibleJobs()).toEqual(['job="etl"', 'job="nightly_1"', 'job="other"']);
    expect(await ui.page.textContent("#del-all-counter")).toBe("3");
  });

  test("a selector that matches nothing says so and deletes nothing", async () => {
    await filterBy(ui.page, '{job="absent"}');
    const message = new Promise<string>((resolve) => ui.page.once("dialog", (dialog) => void dialog.accept().then(() => resolve(dialog.message()))));
    await ui.page.click("#del-matching");
    expect(await message).toBe('No group matches {job="absent"}.');
    expect(await storedJobs()).toHaveLength(3);
  });

  test("without --web.enable-admin-api the page has no such button", async () => {
    await withGateway(() => startOurGateway(), async (plain) => {
      const html = (await send(plain, "GET", "/")).body;
      expect(html).toContain('id="filter"');
      expect(html).not.toContain("del-matching");
    });
  });
});
