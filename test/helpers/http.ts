// HTTP against a gateway under test: one request without redirects, and a scrape reduced to what was pushed.
import { decodeDelimited } from "./metrics-proto.ts";
import type { Gateway } from "./start-server.ts";

/** What a test looks at in a response: status, headers (lower-case names) and the body as text. */
export interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Sends one request to `gw.url + path` and reads the whole body. Redirects are returned, not followed.
 * `path` is sent as written (percent-escapes, `+`, `@`, `//` are kept; only `/./` and `/../` would be
 * resolved by the URL parser). A string body is sent as UTF-8; pass bytes for anything else.
 */
export async function send(
  gw: Gateway,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers?: Record<string, string>,
): Promise<Reply> {
  const response = await fetch(gw.url + path, {
    method,
    body,
    headers,
    redirect: "manual",
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** Gateway-own family prefixes dropped by `scrapePushed` (Go's runtime, process and self metrics; D4/§6.5). */
export const OWN_PREFIXES = ["go_", "process_", "pushgateway_"];
/** The per-group gauges whose non-zero values (Unix times) `scrapePushed` masks as `<t>`. */
export const TIME_GAUGES = ["push_time_seconds", "push_failure_time_seconds"];

/** A scrape reduced to what the tests pushed. */
export interface PushedScrape {
  status: number;
  contentType: string | null;
  /**
   * For a 200: the normalised exposition (see `normaliseExposition`). Otherwise the raw body, so a
   * 500 page can be compared and shown.
   */
  text: string;
  /** Sample lines of the normalised exposition (time gauges masked), in normalised order. */
  samples: string[];
}

/**
 * `GET /metrics` reduced to the families that were pushed: gateway-own families (`go_*`, `process_*`,
 * `pushgateway_*`) are dropped unless named in `keep`; non-zero time gauge values are masked as `<t>`;
 * series inside each family are put into a canonical order (D3: ours orders series group by group, Go
 * sorts them across groups), so two scrapes can be compared as text.
 */
export async function scrapePushed(gw: Gateway, keep: readonly string[] = []): Promise<PushedScrape> {
  const reply = await send(gw, "GET", "/metrics");
  const contentType = reply.headers.get("content-type");
  if (reply.status !== 200) return { status: reply.status, contentType, text: reply.body, samples: [] };
  const families = normaliseExposition(reply.body, keep);
  return {
    status: reply.status,
    contentType,
    text: families.map((family) => family.join("\n") + "\n").join(""),
    samples: families.flatMap((family) => family.filter((line) => !line.startsWith("#"))),
  };
}

/**
 * Splits a text-format exposition into families (each an array of lines: HELP, TYPE, samples), keeps
 * pushed ones only, masks time gauges and sorts each family's series by their label set (all labels
 * except `le`/`quantile`), keeping the lines of one series (buckets, quantiles, `_sum`, `_count`) in
 * their original order. Families stay in the order of the exposition (both gateways sort them by name).
 */
export function normaliseExposition(text: string, keep: readonly string[] = []): string[][] {
  const families: { name: string; lines: string[] }[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) (\S+)/.exec(line);
    const last = families.at(-1);
    if (comment) {
      const name = comment[2]!;
      // HELP and TYPE of one family are adjacent; a TYPE directly after its HELP joins it.
      if (last && last.name === name && !last.lines.some((l) => !l.startsWith("#"))) last.lines.push(line);
      else families.push({ name, lines: [line] });
    } else if (last) {
      last.lines.push(line);
    } else {
      families.push({ name: sampleName(line), lines: [line] });
    }
  }
  return families
    .filter(({ name }) => keep.includes(name) || !OWN_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .map(({ name, lines }) => {
      const header = lines.filter((line) => line.startsWith("#"));
      const samples = lines.filter((line) => !line.startsWith("#"));
      const masked = TIME_GAUGES.includes(name) ? samples.map(maskTime) : samples;
      return [...header, ...sortSeries(masked)];
    });
}

/** `push_time_seconds{…} 1.79e+09` → `push_time_seconds{…} <t>`; a value of 0 ("never") is kept. */
function maskTime(line: string): string {
  const cut = line.lastIndexOf(" ");
  const value = line.slice(cut + 1);
  return Number(value) === 0 ? line : `${line.slice(0, cut)} <t>`;
}

/** Groups consecutive lines of one series and orders the series by their label sets (stable). */
function sortSeries(samples: string[]): string[] {
  const series: { key: string; lines: string[] }[] = [];
  for (const line of samples) {
    const key = seriesKey(line);
    const last = series.at(-1);
    if (last && last.key === key) last.lines.push(line);
    else series.push({ key, lines: [line] });
  }
  series.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return series.flatMap((s) => s.lines);
}

/** The label set of a sample line without `le` and `quantile`, which vary within one series. */
function seriesKey(line: string): string {
  const open = line.indexOf("{");
  const close = line.lastIndexOf("}");
  if (open < 0 || close < open) return "";
  return line
    .slice(open + 1, close)
    .replace(/(^|,)(le|quantile)="[^"]*"/g, "")
    .replace(/^,/, "");
}

function sampleName(line: string): string {
  return /^[^{ ]*/.exec(line)![0];
}

/** The Accept header of a delimited protobuf scrape, as Prometheus sends it when it prefers protobuf. */
export const PROTOBUF_ACCEPT = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

/**
 * `GET /metrics` as the gateway sent it, in text format or (`"protobuf"`) as delimited protobuf, with the
 * gateway's own families (OWN_PREFIXES) cut out and nothing else touched: no masking, no reordering, so
 * two such scrapes are equal exactly when the pushed part of the responses was byte for byte the same,
 * time gauges included. Throws unless the scrape answers 200.
 */
export async function scrapePushedBytes(gw: Gateway, format: "text" | "protobuf"): Promise<Uint8Array> {
  const response = await fetch(`${gw.url}/metrics`, {
    headers: format === "protobuf" ? { Accept: PROTOBUF_ACCEPT } : {},
    signal: AbortSignal.timeout(10_000),
  });
  const body = new Uint8Array(await response.arrayBuffer());
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${new TextDecoder().decode(body)}`);
  const families = format === "protobuf" ? delimitedFamilies(body) : textFamilies(body);
  const kept = families.filter(({ name }) => !OWN_PREFIXES.some((prefix) => name.startsWith(prefix)));
  return Buffer.concat(kept.map(({ bytes }) => bytes));
}

/** A text exposition cut into its families' bytes (HELP, TYPE and sample lines, newlines included). */
function textFamilies(body: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const families: { name: string; bytes: Uint8Array; samples: boolean }[] = [];
  const text = new TextDecoder().decode(body);
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf("\n", at) + 1 || text.length;
    const line = text.slice(at, end);
    const bytes = new TextEncoder().encode(line);
    const comment = /^# (?:HELP|TYPE) (\S+)/.exec(line);
    const last = families.at(-1);
    if (comment && !(last && last.name === comment[1] && !last.samples)) {
      families.push({ name: comment[1]!, bytes, samples: false });
    } else if (last) {
      last.bytes = Buffer.concat([last.bytes, bytes]);
      if (!comment) last.samples = true;
    } else {
      families.push({ name: sampleName(line), bytes, samples: true });
    }
    at = end;
  }
  return families;
}

/** A delimited protobuf body cut into its families' bytes (each with its length prefix) and names. */
function delimitedFamilies(body: Uint8Array): { name: string; bytes: Uint8Array }[] {
  const families: { name: string; bytes: Uint8Array }[] = [];
  let at = 0;
  while (at < body.length) {
    let length = 0;
    let shift = 0;
    let end = at;
    for (;;) {
      const byte = body[end++];
      if (byte === undefined) throw new Error(`protobuf scrape cut inside a length prefix at byte ${at}`);
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
    }
    if (end + length > body.length) throw new Error(`protobuf scrape cut inside the family at byte ${at}`);
    const bytes = body.subarray(at, end + length);
    families.push({ name: String(decodeDelimited(bytes)[0]!.name), bytes });
    at = end + length;
  }
  return families;
}
