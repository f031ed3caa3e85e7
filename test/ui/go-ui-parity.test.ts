// The same group pushed to the Go gateway and to ours: the web UI prints the same values (Go's fixed notation)
// and deletes a group by the same base64 path as Go's page.
import { expect, test } from "bun:test";
import { withPair } from "../conformance/differential.ts";

// Values where Go's fixed notation, JavaScript's toString and the text format's %g part ways (exponent
// switch points, infinities, negative zero).
const VALUES = ["1e-05", "0.0001", "1.5e-07", "1000000", "123456789.5", "1e+21", "-2e+22", "NaN", "+Inf", "-Inf", "0", "-0", "0.1"];
const BODY = VALUES.map((v, i) => `tricky{i="${String(i).padStart(2, "0")}"} ${v}`).join("\n") + "\n";
// A job and a value that need escaping in HTML, in JavaScript and in a URL; a value that is empty.
const PATH = `job/my%3Cjob%3E/instance/i1/x@base64/${Buffer.from(`a"b'/c`).toString("base64url")}/empty@base64/=`;

/** The cells of Go's page that hold a plain value, in order: `<td>VALUE` then a newline and the closing tag (Go writes `+` as `&#43;`). */
function goValues(html: string): string[] {
  return [...html.matchAll(/<td>([^<\n]*)\n\s*<\/td>/g)].map((m) => m[1]!.replaceAll("&#43;", "+"));
}

/** The plain value cells of our group body: the last cell of each series row. */
function ourValues(html: string): string[] {
  return [...html.matchAll(/<td>([^<]*)<\/td><\/tr>/g)].map((m) => m[1]!);
}

/** Label name → base64 value of the delete path, from Go's `showDelModal(labels, encoded, …)` call. */
function goDeletePath(html: string): Record<string, string> {
  const encoded = /showDelModal\(\{[^}]*\}, \{([^}]*)\}/.exec(html)![1]!;
  return Object.fromEntries([...encoded.matchAll(/'([^']*)': '([^']*)'/g)].map((m) => [m[1]!, m[2]!]));
}

/** The same from our card's `data-path` (`job@base64/<v>/<name>@base64/<v>=…`), without the padding `=` we and Go's script append. */
function ourDeletePath(path: string): Record<string, string> {
  const segments = path.split("/");
  const out: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 2) out[segments[i]!.replace("@base64", "")] = segments[i + 1]!.replace(/=$/, "");
  return out;
}

// Push times (Unix seconds now) are the only values that differ between the two gateways.
const isTime = (value: string) => Number(value) > 1e9 && Number(value) < 1e10;

test("the UI shows Go's value notation and Go's base64 delete path", async () => {
  await withPair([], async ({ go, ours }) => {
    for (const gw of [go, ours]) expect((await fetch(`${gw.url}/metrics/${PATH}`, { method: "PUT", body: BODY })).status).toBe(200);
    const goPage = await (await fetch(`${go.url}/`)).text();
    const ourPage = await (await fetch(`${ours.url}/`)).text();
    const path = /data-path="([^"]*)"/.exec(ourPage)![1]!;
    const body = await (await fetch(`${ours.url}/ui/group?g=${encodeURIComponent(path)}`)).text();
    expect(ourValues(body).filter((v) => !isTime(v))).toEqual(goValues(goPage).filter((v) => !isTime(v)));
    expect(ourValues(body).filter((v) => !isTime(v))).toContain("0.00001");
    expect(ourDeletePath(path)).toEqual(goDeletePath(goPage));
    // Go's page deletes with exactly this path; so does ours.
    expect((await fetch(`${ours.url}/metrics/${path}`, { method: "DELETE" })).status).toBe(202);
    expect(await (await fetch(`${ours.url}/metrics`)).text()).not.toContain("tricky");
  });
});
