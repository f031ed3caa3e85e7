// The /api/v1/metrics body: one JSON object per group, encoded once per group version and concatenated per request.
import { type ExpiryPolicy, NO_EXPIRY, expiryOf } from '../model/expiry.ts';
import type { Group, StoredFamily } from '../model/group.ts';
import { boundedMemo } from '../model/bounded-memo.ts';
import { formatGoValue } from '../model/format-float.ts';
import { type Labels, type Metric, PROTO_TYPE_NAMES } from '../model/metric.ts';
import { goJsonTime, quoteGoJson } from './go-json.ts';
import { hasNativeBuckets, nativeBuckets } from './native-buckets.ts';
import { storedMetrics } from './stored-metrics.ts';

const encoder = new TextEncoder();
const HEAD = encoder.encode('{"status":"success","data":[');
const TAIL = encoder.encode(']}');
const COMMA = encoder.encode(',');

/** The two keys every group object has; a family of either name is left out so they keep their meaning ([Rec] of SPEC §7.2). */
const LABELS_KEY = 'labels';
const SUCCESS_KEY = 'last_push_successful';
/**
 * Ours, not Go's: when the group expires (issue #14), only on a group that will, so that every other group's
 * JSON stays Go's byte for byte. On such a group a family of that name is left out, as for the two above.
 */
const EXPIRES_KEY = 'expires_at';

/**
 * The cached JSON of the groups for `GET /api/v1/metrics`. Groups are replaced, never mutated, so a
 * group's fragment is keyed by the group object itself: a push makes a new group whose fragment is built
 * on the first request that shows it, and an unchanged group is never encoded again (nor does a push pay
 * anything here). The parts of a whole body are kept for the store's current groups array, which the
 * store hands out unchanged until something changes. One per store: gateway.ts or the server owns it.
 */
export class ApiMetricsCache {
  /** A group's deadline depends on it alone under one policy, so its fragment stays valid as long as it does. */
  readonly #expiry: ExpiryPolicy;
  readonly #fragments = new WeakMap<Group, Uint8Array>();
  readonly #bodies = new WeakMap<readonly Group[], readonly Uint8Array[]>();
  /** Group fragments encoded so far: lets tests count the work a request does instead of timing it. */
  fragmentsEncoded = 0;

  constructor(expiry: ExpiryPolicy = NO_EXPIRY) {
    this.#expiry = expiry;
  }

  /**
   * `{"status":"success","data":[…]}` for `groups` (in the order given: grouping-key order), as byte
   * chunks to send in order. The chunks are shared with the cache and must not be mutated.
   */
  body(groups: readonly Group[]): readonly Uint8Array[] {
    let parts = this.#bodies.get(groups);
    if (parts === undefined) {
      const built: Uint8Array[] = [HEAD];
      for (let i = 0; i < groups.length; i++) {
        if (i > 0) built.push(COMMA);
        built.push(this.#fragment(groups[i]!));
      }
      built.push(TAIL);
      parts = built;
      this.#bodies.set(groups, parts);
    }
    return parts;
  }

  #fragment(group: Group): Uint8Array {
    let fragment = this.#fragments.get(group);
    if (fragment === undefined) {
      fragment = encoder.encode(groupJson(group, expiryOf(group, this.#expiry)));
      this.#fragments.set(group, fragment);
      this.fragmentsEncoded++;
    }
    return fragment;
  }
}

/**
 * One group as Go's API shows it: an object with the keys sorted (Go marshals a map): `labels`,
 * `last_push_successful`, and one key per family name whose value is `{"time_stamp","type","help"
 * (left out when empty),"metrics"}`. The last push succeeded unless it failed since (Go compares the
 * two timestamp gauges the same way). A group that expires (`expiresAtMs`, ms since the epoch) also has
 * `expires_at`, a time as `time_stamp` writes one.
 */
function groupJson(group: Group, expiresAtMs: number | undefined): string {
  const entries: [string, string][] = [
    [LABELS_KEY, labelsObject(group.labels)],
    [SUCCESS_KEY, group.pushTime >= group.failureTime ? 'true' : 'false'],
  ];
  if (expiresAtMs !== undefined) entries.unshift([EXPIRES_KEY, goJsonTime(expiresAtMs)]);
  for (const family of group.families.values()) {
    if (family.name === LABELS_KEY || family.name === SUCCESS_KEY || (family.name === EXPIRES_KEY && expiresAtMs !== undefined)) continue;
    entries.push([family.name, familyObject(family)]);
  }
  return objectOf(entries);
}

function familyObject(family: StoredFamily): string {
  let out = '{"time_stamp":' + goJsonTime(family.pushedAt) + ',"type":"' + PROTO_TYPE_NAMES[family.type] + '"';
  if (family.help !== undefined && family.help !== '') out += ',"help":' + quoteGoJson(family.help);
  const metrics = storedMetrics(family).map((metric) => metricObject(family.type, metric));
  return out + ',"metrics":[' + metrics.join(',') + ']}';
}

// A series: `labels` and, by type, `value`; `quantiles`, `count`, `sum`; or `buckets`, `count`, `sum` —
// keys sorted as Go's map is. Numbers are strings in Go's %v: floats shortest (`-0` kept), counts
// (uint64 in Go) as integers. A gauge histogram shows `value` "0" as in Go, which only types the two it knows.
function metricObject(type: StoredFamily['type'], metric: Metric): string {
  const entries: [string, string][] = [[LABELS_KEY, labelsObject(metric.labels)]];
  if (type === 'summary') {
    const quantiles: [string, string][] = (metric.quantiles ?? []).map((q) => [formatGoValue(q.quantile), quoteGoJson(formatGoValue(q.value))]);
    entries.push(['quantiles', objectOf(quantiles)], ['count', quoteGoJson(formatCount(metric.count ?? 0))], ['sum', quoteGoJson(formatGoValue(metric.sum ?? 0))]);
  } else if (type === 'histogram') {
    entries.push(['sum', quoteGoJson(formatGoValue(metric.sum ?? 0))], ...histogramEntries(metric));
  } else {
    entries.push(['value', quoteGoJson(formatGoValue(type === 'gaugehistogram' ? 0 : (metric.value ?? 0)))]);
  }
  return objectOf(entries);
}

// Newest Go (1.8+): a histogram with native spans shows only its native buckets, as
// `[boundaries, "lower", "upper", "count"]` arrays; 1.5.1 shows `{}` there. A float histogram (1.10+) shows
// its float counts. Otherwise the classic buckets: upper bound → cumulative count.
function histogramEntries(metric: Metric): [string, string][] {
  const native = metric.native;
  if (hasNativeBuckets(native)) {
    const float = (metric.countFloat ?? 0) > 0 || (native.zeroCountFloat ?? 0) > 0;
    const count = float ? formatGoValue(metric.countFloat!) : formatCount(metric.count ?? 0);
    const buckets = nativeBuckets(native, float).map(
      (b) => `[${b.boundaries},"${formatGoValue(b.lower)}","${formatGoValue(b.upper)}","${float ? formatGoValue(b.count) : formatCount(b.count)}"]`,
    );
    return [['buckets', '[' + buckets.join(',') + ']'], ['count', quoteGoJson(count)]];
  }
  const buckets: [string, string][] = (metric.buckets ?? []).map((b) => [
    formatGoValue(b.upperBound),
    quoteGoJson((b.cumulativeCountFloat ?? 0) > 0 ? formatGoValue(b.cumulativeCountFloat!) : formatCount(b.cumulativeCount)),
  ]);
  const count = (metric.countFloat ?? 0) > 0 ? formatGoValue(metric.countFloat!) : formatCount(metric.count ?? 0);
  return [['buckets', objectOf(buckets)], ['count', quoteGoJson(count)]];
}

/**
 * A count as Go prints its uint64: all digits, never an exponent (`30000000`, not `3e+07`). A count read
 * back from a text push can hold a fraction (the newest text parser takes float counts): that prints as a float.
 */
function formatCount(count: number): string {
  return Number.isInteger(count) ? BigInt(count).toString() : formatGoValue(count);
}

/** Labels (name, value pairs) as the API writes them: a JSON object, keys sorted as Go sorts a map's. */
export function labelsObject(labels: Labels): string {
  const entries: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) entries.push([labels[i]!, quoteGoJson(labels[i + 1]!)]);
  return objectOf(entries);
}

/**
 * A JSON object from [key, encoded value] entries, keys sorted as Go sorts a map's (by bytes; names here are
 * ASCII or compare the same in UTF-16); a repeated key keeps its last value, as assigning into a Go map does.
 */
function objectOf(entries: [string, string][]): string {
  // Most objects come in key order already (a series' labels are stored sorted, its keys are listed
  // sorted): written straight away, without the map and the sort (uncached 10 000 groups 1.7 s → see bench/README).
  let sorted = true;
  for (let i = 1; i < entries.length && sorted; i++) sorted = entries[i - 1]![0] < entries[i]![0];
  if (sorted) {
    let out = '{';
    for (let i = 0; i < entries.length; i++) out += (i > 0 ? ',' : '') + quotedKey(entries[i]![0]) + ':' + entries[i]![1];
    return out + '}';
  }
  const byKey = new Map(entries);
  const keys = [...byKey.keys()].sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ',';
    out += quotedKey(keys[i]!) + ':' + byKey.get(keys[i]!)!;
  }
  return out + '}';
}

// Keys are label names, family names and bounds: a few hundred strings repeated on every series.
const quotedKey = boundedMemo(4096, quoteGoJson);
