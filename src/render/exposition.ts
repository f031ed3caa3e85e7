// The /metrics body: every family once, in name order, built by concatenating cached per-group bytes.
import type { Group } from '../model/group.ts';
import type { MetricType } from '../model/metric.ts';
import { renderFamilyHeader } from './text.ts';

/** A family the gateway exposes itself, rendered fresh for each scrape. */
export interface OwnFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** Sample lines, as encodeFamilyText renders them. */
  readonly text: Uint8Array;
}

interface Merged {
  readonly type: MetricType;
  help: string | undefined;
  helpAt: number;
  readonly parts: Uint8Array[];
}

const encoder = new TextEncoder();
const headerCache = new Map<string, Uint8Array>();
const HEADER_CACHE_LIMIT = 10_000;

/**
 * The text exposition of the gateway's own families and all groups, as a list of byte chunks to send in
 * order. Nothing is re-encoded: group chunks are the stored bytes themselves, headers come from a cache.
 * Families are sorted by name; within a family the gateway's own series come first, then each group's
 * series, groups in key order (`groups` must be in that order). This differs from Go's cross-group series
 * sort on purpose (decision D3). HELP: the gateway's own for its names, otherwise the most recently pushed
 * non-empty HELP, the earlier group winning a tie (Go picks one at random, SPEC §5.4).
 */
export function renderExposition(groups: readonly Group[], own: readonly OwnFamily[]): Uint8Array[] {
  const byName = new Map<string, Merged>();
  for (const family of own) {
    byName.set(family.name, { type: family.type, help: family.help, helpAt: Infinity, parts: [family.text] });
  }
  for (const group of groups) {
    for (const family of group.families.values()) {
      if (family.text.length === 0) continue;
      let merged = byName.get(family.name);
      if (merged === undefined) {
        merged = { type: family.type, help: family.help, helpAt: family.pushedAt, parts: [] };
        byName.set(family.name, merged);
      } else if (family.help !== undefined && (merged.help === undefined || family.pushedAt > merged.helpAt)) {
        merged.help = family.help;
        merged.helpAt = family.pushedAt;
      }
      merged.parts.push(family.text);
    }
  }
  const out: Uint8Array[] = [];
  for (const name of [...byName.keys()].sort()) {
    const merged = byName.get(name)!;
    out.push(headerBytes(name, merged.help, merged.type));
    for (const part of merged.parts) out.push(part);
  }
  return out;
}

function headerBytes(name: string, help: string | undefined, type: MetricType): Uint8Array {
  const key = `${type}\n${name}\n${help ?? ''}\n${help === undefined ? 0 : 1}`;
  let bytes = headerCache.get(key);
  if (bytes === undefined) {
    if (headerCache.size >= HEADER_CACHE_LIMIT) headerCache.clear();
    bytes = encoder.encode(renderFamilyHeader(name, help, type));
    headerCache.set(key, bytes);
  }
  return bytes;
}
