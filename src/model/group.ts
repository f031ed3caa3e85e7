// A group: everything pushed under one grouping key, held as encoded bytes plus compact indexes.
import type { Labels, MetricFamily, MetricType } from './metric.ts';

/**
 * One family as the store keeps it. The text lines are the canonical copy (SPEC §6.2 rendering, grouping
 * labels applied); readers that need structure decode them. Never mutated once built.
 */
export interface StoredFamily {
  readonly name: string;
  readonly type: MetricType;
  /** As pushed; the scrape may show another group's HELP for the same name (see store's name index). */
  readonly help: string | undefined;
  /** When this family was last pushed, in ms since the epoch. */
  readonly pushedAt: number;
  /** The family's sample lines in text format 0.0.4, without HELP/TYPE lines. */
  readonly text: Uint8Array;
  /** One identity hash per series (name + labels), for the duplicate-series check. */
  readonly seriesHashes: Float64Array;
  /** The structured family, kept only when `text` cannot represent it exactly (e.g. `-0`, a synthesised +Inf bucket). */
  readonly exact?: MetricFamily;
}

/** Everything under one grouping key. Replaced, never mutated: readers may hold one across awaits. */
export interface Group {
  /** groupKeyOf(labels); also the order groups are listed and scraped in. */
  readonly key: string;
  /** The grouping labels, sorted by name, `job` among them. */
  readonly labels: Labels;
  /** Families by name, including the push_time_seconds and push_failure_time_seconds gauges. */
  readonly families: ReadonlyMap<string, StoredFamily>;
  /** Unix seconds of the last successful change; 0 = never. */
  readonly pushTime: number;
  /** Unix seconds of the last failed change; 0 = never. */
  readonly failureTime: number;
  /**
   * The TTL its pusher chose (header `Pushgateway-Expire-After`), in ms; 0 = never expires; absent = the
   * gateway's `--metrics.ttl` (see model/expiry.ts).
   */
  readonly expireAfterMs?: number;
}

/** The gauge of every group that says when a change to it last succeeded (SPEC §3.2). */
export const PUSH_TIME_METRIC = 'push_time_seconds';
/** The gauge of every group that says when a change to it last failed (SPEC §3.2). */
export const PUSH_FAILURE_TIME_METRIC = 'push_failure_time_seconds';

/** Separates names and values in a grouping key; sorts after every character a label can hold. */
const KEY_SEPARATOR = '\uffff';
/** What a separator inside a value becomes, so that no value can pass for a separator. */
const ESCAPED_SEPARATOR = '\uffff\ufffe';

/**
 * The grouping key of a label set: names sorted, `name SEP value` pairs joined with SEP, like Go's
 * 0xFF-joined key (SPEC §2.5). `labels` must already be sorted by name. Go's 0xFF byte never occurs in
 * UTF-8; our U+FFFF can occur in a value, so there it is followed by U+FFFE, which no separator is
 * (a name follows a separator, and names are ASCII): two label sets never share a key.
 */
export function groupKeyOf(labels: Labels): string {
  let key = '';
  for (let i = 0; i < labels.length; i++) {
    const part = labels[i]!;
    if (i > 0) key += KEY_SEPARATOR;
    key += part.includes(KEY_SEPARATOR) ? part.replaceAll(KEY_SEPARATOR, ESCAPED_SEPARATOR) : part;
  }
  return key;
}

/** Whether flat label pairs have a label called `name`. */
export function hasLabel(labels: Labels, name: string): boolean {
  for (let i = 0; i < labels.length; i += 2) if (labels[i] === name) return true;
  return false;
}

/**
 * Up to this many labels a series' pairs are sorted by insertion and searched for a repeated name by a
 * scan: a series has a handful of labels, usually almost in order, and neither allocates. Past it both
 * grow with the square of the count, which a hostile push can make seconds per series, so wider series
 * take the n log n way (MANY_LABELS is also where the parsers switch).
 */
export const MANY_LABELS = 32;

/** Sorts flat label pairs by name, in place, and returns them. */
export function sortLabels(labels: Labels): Labels {
  if (labels.length > 2 * MANY_LABELS) return sortManyLabels(labels);
  for (let i = 2; i < labels.length; i += 2) {
    const name = labels[i]!;
    if (labels[i - 2]! <= name) continue;
    const value = labels[i + 1]!;
    let j = i - 2;
    while (j >= 0 && labels[j]! > name) {
      labels[j + 2] = labels[j]!;
      labels[j + 3] = labels[j + 1]!;
      j -= 2;
    }
    labels[j + 2] = name;
    labels[j + 3] = value;
  }
  return labels;
}

function sortManyLabels(labels: Labels): Labels {
  const pairs: [string, string][] = [];
  for (let i = 0; i < labels.length; i += 2) pairs.push([labels[i]!, labels[i + 1]!]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  pairs.forEach(([name, value], k) => {
    labels[2 * k] = name;
    labels[2 * k + 1] = value;
  });
  return labels;
}

/**
 * A pushed family already in its stored form: sanitised (grouping labels in, sorted), encoded losslessly
 * and hashed, with Go's label rules checked. The text parser's fast path makes these straight from the
 * body's bytes; the store then only has to check the write against the other groups.
 */
export interface EncodedFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  readonly text: Uint8Array;
  readonly seriesHashes: Float64Array;
}

/**
 * A push whose families came encoded. `structured` parses the same body the ordinary way: the store
 * uses it for what encoded families cannot do — word a refusal the way Go does, or keep the structure a
 * store without the consistency check re-checks later.
 */
export interface EncodedPush {
  readonly families: readonly EncodedFamily[];
  readonly structured: () => MetricFamily[];
}
